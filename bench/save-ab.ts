// bench/save-ab: the local save before and after a change, in ONE browser on ONE bootstrapped
// database, alternated save by save (a shared 2-core machine's load moves every figure; what
// alternates sees the same load). Two tabs of one origin, one per build of the client
// (bench/save-ab-page.ts bundled against each tree's src/); each save on a parcel of its own;
// "open": the parcel first read as the parcel screen reads it, then PAUSE ms (default 100), untimed.
//   git archive <base-rev> src | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   node --import tsx bench/save-ab.ts --base /tmp/base [--parcels 100000] [--saves 200]
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Page } from '@playwright/test';
import { DISTRICT, pageIndex, synthesize } from './field-synthetic';

const { values } = parseArgs({ options: { base: { type: 'string' }, parcels: { type: 'string' }, saves: { type: 'string' } } });
if (!values.base) throw new Error('--base <folder holding the src/ to compare with> is required');
const N = Number(values.parcels ?? 100_000);
const SAVES = Number(values.saves ?? 200);
const PAUSE = Number(process.env.PAUSE ?? 100);
const PAGE = 2000;
const t0 = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${s}`);

const data = await synthesize(N, PAGE);
const automerge = resolve('node_modules/@automerge/automerge/dist/mjs/entrypoints/fullfat_base64.js');
const bundle = async (dir: string) =>
	(await build({ entryPoints: [resolve('bench/save-ab-page.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, nodePaths: [resolve('node_modules')], alias: { SRC: resolve(dir, 'src'), '@automerge/automerge': automerge }, logLevel: 'error' })).outputFiles[0].text;
const scripts: Record<string, string> = { '/after.js': await bundle('.'), '/base.js': await bundle(values.base) };
const server = createServer((req, res) => {
	const url = new URL(req.url ?? '/', 'http://x');
	const script = url.pathname === '/' ? '/after.js' : url.pathname === '/base' ? '/base.js' : null;
	if (script) res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>save a/b</title><script type="module" src="${script}"></script>`);
	else if (scripts[url.pathname]) res.writeHead(200, { 'content-type': 'text/javascript' }).end(scripts[url.pathname]);
	else if (url.pathname === '/api/snapshot' && url.searchParams.get('district') === DISTRICT) {
		const page = data.pages[pageIndex(url.searchParams.get('after'), PAGE)];
		if (page) res.writeHead(200, { 'content-type': 'application/json' }).end(page);
		else res.writeHead(404).end();
	} else res.writeHead(404).end();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const profile = mkdtempSync(join(tmpdir(), 'save-ab-'));
const browser = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
// Hook functions live on globalThis in the page; `any` only crosses that boundary.
/* eslint-disable @typescript-eslint/no-explicit-any */
try {
	const open = async (path: string) => {
		const tab = await browser.newPage();
		tab.on('pageerror', (e) => console.error(`page error ${path}:`, e.message));
		await tab.goto(`${origin}${path}`);
		await tab.waitForFunction(() => 'saveAb' in globalThis);
		return tab;
	};
	const after = await open('/');
	const base = await open('/base');
	const ms = await after.evaluate(([k, s]) => (globalThis as any).saveAb.bootstrap('save-ab', k, s), [data.verifierKey, PAGE] as const);
	log(`bootstrap of ${N.toLocaleString('en')} parcels ${ms.toFixed(0)} ms; letting IndexedDB settle`);
	await new Promise((r) => setTimeout(r, Number(process.env.SETTLE_MS ?? 15_000)));
	for (const tab of [after, base]) await tab.evaluate(() => (globalThis as any).saveAb.setup('save-ab'));
	const variants: [string, Page, boolean][] = [['before, opened', base, true], ['after, opened', after, true], ['before, not opened', base, false], ['after, not opened', after, false]];
	const times: Record<string, number[]> = {};
	let k = 0;
	for (let r = 0; r < SAVES + 3; r++) {
		for (const [name, tab, opened] of r % 2 ? [...variants].reverse() : variants) {
			k++;
			const id = data.ids[(k * 104_729) % data.ids.length];
			const t = await tab.evaluate(([id, k, o, p]) => (globalThis as any).saveAb.one(id, k, o, p), [id, k, opened, PAUSE] as const);
			if (r >= 3) (times[name] ??= []).push(t); // the first warm up Automerge's wasm
		}
		if (r % 50 === 49) log(`${r + 1} saves a variant, load ${loadavg()[0].toFixed(1)}`);
	}
	const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * f) - 1];
	console.log(`\n| ${N.toLocaleString('en')} parcels, ${SAVES} saves a variant, load ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end | median | p90 | p95 |\n| --- | --- | --- | --- |`);
	for (const [name, xs] of Object.entries(times)) console.log(`| ${name} | ${q(xs, 0.5).toFixed(1)} ms | ${q(xs, 0.9).toFixed(1)} | ${q(xs, 0.95).toFixed(1)} |`);
} finally {
	await browser.close();
	server.close();
	rmSync(profile, { recursive: true, force: true });
}
