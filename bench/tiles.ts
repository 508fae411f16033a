// bench/tiles: requests/s for full hash tiles and entry bundles from the real server (autocannon,
// loopback only, bounded in time), beside a bare node:http server answering the same bytes in the
// same run. Ratio = ours ÷ bare; it shows what the app stack costs on top of the socket. The bare
// server is a process of its own, as ours is (in this process it would share autocannon's thread).
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import type { BenchRow } from './table';
// @ts-expect-error: plain ES module
import { serverEnv } from '../scripts/lib/server-env.mjs';

async function load(url: string, seconds: number): Promise<number> {
	const r = await autocannon({ url, connections: 16, duration: seconds, pipelining: 1 });
	if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
	return r.requests.average;
}

async function waitFor(url: string, ms: number): Promise<void> {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${url} did not come up`);
}

const BARE = `
import http from 'node:http';
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const bytes = Buffer.concat(chunks);
http.createServer((_, res) => {
	res.writeHead(200, { 'content-type': 'application/octet-stream' });
	res.end(bytes);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/** A bare node:http server in a process of its own, answering these bytes to every request. */
async function bare(bytes: Uint8Array, port: number): Promise<ChildProcess> {
	const child = spawn(process.execPath, ['--input-type=module', '-e', BARE], { env: { ...process.env, PORT: String(port) }, stdio: ['pipe', 'ignore', 'inherit'] });
	child.stdin!.end(bytes);
	await waitFor(`http://127.0.0.1:${port}/`, 10_000);
	return child;
}

/** ours ÷ bare for one path: the bare server answers the bytes ours gives for it. */
async function versusBare(base: string, path: string, barePort: number, seconds: number): Promise<{ ours: number; raw: number }> {
	const bytes = new Uint8Array(await (await fetch(`${base}${path}`)).arrayBuffer());
	const child = await bare(bytes, barePort);
	try {
		const raw = await load(`http://127.0.0.1:${barePort}/`, seconds);
		return { ours: await load(`${base}${path}`, seconds), raw };
	} finally {
		child.kill('SIGTERM');
	}
}

/** Needs a build and a data folder with at least 256 entries (the demo county). */
export async function benchTiles(o: { dataDir: string; port?: number; seconds?: number }): Promise<BenchRow[]> {
	const port = o.port ?? 4590;
	const seconds = o.seconds ?? 5;
	const server = spawn(process.execPath, ['scripts/serve.mjs'], { env: serverEnv({ ...process.env, DATA_DIR: o.dataDir, PORT: String(port), HOST: '127.0.0.1' }), stdio: 'ignore' });
	try {
		const base = `http://127.0.0.1:${port}`;
		await waitFor(`${base}/log/checkpoint`, 120_000);
		const tile = await versusBare(base, '/log/tile/0/000', port + 1, seconds);
		const bundle = await versusBare(base, '/log/tile/entries/000', port + 1, seconds);
		const limit = (raw: number) => ({ value: raw, unit: 'req/s', what: 'bare node:http, same bytes, own process' });
		return [
			{ name: 'serve full hash tile (8 KiB)', value: tile.ours, unit: 'req/s', limit: limit(tile.raw), ratio: tile.ours / tile.raw, target: '≥ 0.6', ok: tile.ours / tile.raw >= 0.6 },
			{ name: 'serve full entry bundle', value: bundle.ours, unit: 'req/s', limit: limit(bundle.raw), ratio: bundle.ours / bundle.raw, target: '≥ 0.5', ok: bundle.ours / bundle.raw >= 0.5 }
		];
	} finally {
		server.kill('SIGTERM');
	}
}
