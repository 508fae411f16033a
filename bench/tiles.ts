// bench/tiles: requests/s for full hash tiles and entry bundles from the real server (autocannon,
// loopback only, bounded in time), beside a bare node:http server answering the same bytes in the
// same run. Ratio = ours ÷ bare; it shows what the app stack costs on top of the socket.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchRow } from './table';

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

/** Needs a build and a data folder with at least 256 entries (the demo county). */
export async function benchTiles(o: { dataDir: string; port?: number; seconds?: number }): Promise<BenchRow[]> {
	const port = o.port ?? 4590;
	const seconds = o.seconds ?? 5;
	const server = spawn(process.execPath, ['scripts/serve.mjs'], { env: { ...process.env, DATA_DIR: o.dataDir, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
	try {
		const base = `http://127.0.0.1:${port}`;
		await waitFor(`${base}/log/checkpoint`, 120_000);
		const tile = new Uint8Array(await (await fetch(`${base}/log/tile/0/000`)).arrayBuffer());
		const bare = http.createServer((_, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			res.end(tile);
		});
		await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
		const barePort = (bare.address() as AddressInfo).port;
		const raw = await load(`http://127.0.0.1:${barePort}/`, seconds);
		bare.close();
		const ours = await load(`${base}/log/tile/0/000`, seconds);
		const bundles = await load(`${base}/log/tile/entries/000`, seconds);
		const limit = { value: raw, unit: 'req/s', what: 'bare node:http, same bytes' };
		return [
			{ name: 'serve full hash tile (8 KiB)', value: ours, unit: 'req/s', limit, ratio: ours / raw },
			{ name: 'serve full entry bundle', value: bundles, unit: 'req/s', limit, ratio: bundles / raw }
		];
	} finally {
		server.kill('SIGTERM');
	}
}
