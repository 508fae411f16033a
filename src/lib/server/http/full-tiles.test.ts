import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerFullTile, FullTileCache, fullTiles } from './full-tiles';

describe('FullTileCache', () => {
	const headers = (b: Buffer) => ['content-length', String(b.length)];

	test('keeps tiles up to its byte bound, dropping the least recently used first', () => {
		const cache = new FullTileCache(headers, 300);
		cache.put('tile/0/000', new Uint8Array(100));
		cache.put('tile/0/001', new Uint8Array(100));
		cache.put('tile/0/002', new Uint8Array(100));
		expect(cache.get('tile/0/000')?.bytes.length).toBe(100); // now the most recent
		cache.put('tile/0/003', new Uint8Array(100));
		expect(cache.get('tile/0/001')).toBeUndefined();
		expect(['tile/0/000', 'tile/0/002', 'tile/0/003'].map((p) => cache.get(p) !== undefined)).toEqual([true, true, true]);
		expect(cache.size).toBe(3);
	});

	test('keeps one tile above the bound rather than none, and counts a replaced tile once', () => {
		const cache = new FullTileCache(headers, 50);
		cache.put('tile/entries/000', new Uint8Array(80));
		expect(cache.get('tile/entries/000')?.bytes.length).toBe(80);
		cache.put('tile/0/000', new Uint8Array(10));
		expect(cache.get('tile/entries/000')).toBeUndefined();
		cache.put('tile/0/000', new Uint8Array(20));
		cache.put('tile/0/001', new Uint8Array(20));
		expect(cache.size).toBe(2);
	});

	test('a view into a larger buffer is copied, so the bound counts what is kept', () => {
		const cache = new FullTileCache(headers);
		const big = new Uint8Array(1 << 20).fill(7);
		const kept = cache.put('tile/0/000', big.subarray(10, 20));
		expect([kept.bytes.buffer.byteLength, kept.bytes.length, kept.bytes[0]]).toEqual([10, 10, 7]);
	});
});

describe('answerFullTile (scripts/serve.mjs, before SvelteKit)', () => {
	let server: http.Server;
	let base = '';
	const bytes = Uint8Array.from({ length: 8192 }, (_, i) => i % 251);
	beforeAll(async () => {
		fullTiles.put('tile/0/000', bytes);
		server = http.createServer((req, res) => {
			if (answerFullTile(req, res, req.headers['x-forwarded-proto'] === 'https')) return;
			res.writeHead(418).end('passed on');
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>((r) => server.close(() => r())));

	test('answers a made tile with its bytes and the headers the app would send', async () => {
		const res = await fetch(`${base}/log/tile/0/000?x=1`);
		expect(res.status).toBe(200);
		expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
		expect(res.headers.get('content-type')).toBe('application/octet-stream');
		expect(res.headers.get('content-length')).toBe('8192');
		expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('strict-transport-security')).toBeNull();
		const https = await fetch(`${base}/log/tile/0/000`, { headers: { 'x-forwarded-proto': 'https' } });
		expect(https.headers.get('strict-transport-security')).toContain('max-age=');
		const head = await fetch(`${base}/log/tile/0/000`, { method: 'HEAD' });
		expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, '8192', 0]);
	});

	test('passes on every other request: another method, a tile not made, a path spelled otherwise', async () => {
		for (const [method, path] of [
			['POST', '/log/tile/0/000'],
			['GET', '/log/tile/0/001'],
			['GET', '/log/tile/0/000.p/5'],
			['GET', '/log/tile/0/%30%30%30'],
			['GET', '/log/tile/0/000/'],
			['GET', '/api/log/tile/0/000']
		]) {
			const res = await fetch(`${base}${path}`, { method });
			expect([path, res.status, await res.text()]).toEqual([path, 418, 'passed on']);
		}
	});
});
