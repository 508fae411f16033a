// `npm run bench [-- --scale 1m]`: every figure that matters, each beside a limit measured in the
// same run, as one markdown table (also written to bench/last-run.md for docs/performance.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchIngest } from './ingest';
import { benchProofs } from './proofs';
import { benchMap } from './map';
import { benchTiles } from './tiles';
import { benchScaleOut } from './scale-out';
import { benchPublicSearch } from './public-search';
import { benchFieldPull } from './field-pull';
import { benchWitness } from './witness';
import { benchFiles } from './files';
import { markdownTable, type BenchRow } from './table';

const { values } = parseArgs({ options: { scale: { type: 'string' }, only: { type: 'string' } } });
const big = values.scale === '1m';
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);
const rows: BenchRow[] = [];
const started = Date.now();
const step = async (name: string, fn: () => Promise<BenchRow[]>) => {
	if (!want(name)) return;
	process.stderr.write(`[bench] ${name} …\n`);
	const t = Date.now();
	try {
		rows.push(...(await fn()));
	} catch (e) {
		rows.push({ name: `${name}: FAILED — ${(e as Error).message}${(e as Error).cause ? ` (${String((e as Error).cause)})` : ''}`, value: NaN, unit: '' });
	}
	process.stderr.write(`[bench] ${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
};

const dataDir = resolve('.tmp/bench-data');
const ensureServerInputs = () => {
	if (!existsSync('build/handler.js')) spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (!existsSync(join(dataDir, 'log-key.json'))) {
		spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'demo', '--parcels', '3000'], { stdio: 'inherit', env: { ...process.env, DATA_DIR: dataDir } });
	}
};

await step('ingest', () => benchIngest({ edits: big ? 100_000 : 20_000, pg: process.env.PG_TEST_URL ?? null }));
await step('witness', () => benchWitness({ edits: big ? 40_000 : 10_000, rounds: 3 }));
await step('proofs', () => benchProofs(big ? 1 << 22 : 1 << 20));
await step('map', () => benchMap(big ? 300_000 : 100_000));
await step('tiles', async () => {
	ensureServerInputs();
	return benchTiles({ dataDir });
});

await step('scale-out', async () => {
	ensureServerInputs();
	return benchScaleOut({ edits: big ? 20_000 : 4000 });
});

await step('public-search', () => benchPublicSearch({ parcels: 1_000_000, queries: 3000, pg: null }));
// A separate process: it drives headless Chromium and prints its own progress.
const fieldBootstrap = (args: string[]): BenchRow[] => {
	const out = join(tmpdir(), `bench-bootstrap-${process.pid}.json`);
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/bootstrap.ts', ...args], { stdio: 'inherit', env: { ...process.env, BENCH_JSON: out } });
	if (r.status !== 0) throw new Error(`bench/bootstrap.ts exited with ${r.status}`);
	const rows = JSON.parse(readFileSync(out, 'utf8')) as BenchRow[];
	rmSync(out, { force: true });
	return rows;
};
await step('bootstrap', async () => fieldBootstrap(['--parcels', '100000', '--rounds', '1']));
await step('fresh-tablet', async () => fieldBootstrap(['--parcels', '10000', '--rounds', '2', '--fresh']));
await step('files', async () => {
	// The build only: files.ts seeds its own small county.
	if (!existsSync('build/handler.js')) spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	return benchFiles({ photos: 200, bytes: 300 * 1024 });
});
await step('field-pull', () => benchFieldPull({ edits: big ? 50_000 : 10_000 }));

const header = `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Run ${new Date().toISOString()} in ${((Date.now() - started) / 1000).toFixed(0)} s${big ? ' (--scale 1m)' : ''}.`;
const table = `${header}\n\n${markdownTable(rows)}\n`;
console.log(table);
writeFileSync('bench/last-run.md', table);
