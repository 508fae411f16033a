// The upload fast path (scripts/serve.mjs, before SvelteKit) on node:http with a real ledger: it
// takes what the device sends and answers as the route does — status, JSON, headers — refuses
// bad input with the JSON error and keeps nothing, and passes every other request on.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { toHex } from '../../core/bytes';
import { changeHash } from '../../core/log/entry';
import { sampleParcel } from '../../core/record/samples';
import { SqliteFileStore } from '../files/sqlite/file-store';
import type { SqliteLogStore } from '../store/sqlite/log-store';
import { genesisChange, ledgerFixture, type Fixture } from '../testing/fixture';
import { answerFileUpload } from './file-upload';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const photo: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(300_000));
photo.set([0xff, 0xd8, 0xff, 0xe0]);
const hash = sha(photo);

describe('answerFileUpload', () => {
	let f: Fixture;
	let files: SqliteFileStore;
	let server: http.Server;
	let base = '';
	let change = '';
	beforeEach(async () => {
		f = await ledgerFixture('sqlite');
		files = new SqliteFileStore((f.store as SqliteLogStore).db);
		await files.migrate();
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000900', { ...sampleParcel('RIV-000900'), photos: { [hash]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: photo.length } } });
		const [r] = await f.ledger.submit([await f.edit(f.assessor, 'RIV-000900', 'parcel', g.change)]);
		expect(r.status).toBe('accepted');
		change = toHex(changeHash(g.change));
		server = http.createServer((req, res) => {
			// As serve.mjs does: a body left unread by an answer is read and dropped.
			res.once('finish', () => req.complete || req.resume());
			if (answerFileUpload({ files, log: f.store }, req, res, req.headers['x-forwarded-proto'] === 'https')) return;
			res.writeHead(418).end('passed on');
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterEach(async () => {
		await new Promise<void>((r) => server.close(() => r()));
		await f.cleanup();
	});

	const put = (body: Uint8Array<ArrayBuffer>, o: { range?: string; type?: string; path?: string; proto?: string; claim?: string } = {}) =>
		fetch(`${base}${o.path ?? `/api/files/${hash}`}`, {
			method: 'PUT',
			headers: {
				'content-range': o.range ?? `bytes 0-${body.length - 1}/${photo.length}`,
				'x-change': change,
				...(o.claim ? { 'x-claim': o.claim } : {}),
				'content-type': o.type ?? 'application/octet-stream',
				'x-forwarded-proto': o.proto ?? 'http'
			},
			body
		});

	test('stores a photo sent as the device sends it, and answers as the route does', async () => {
		const res = await put(photo);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ hash, size: photo.length, type: 'image/jpeg', received: photo.length, complete: true });
		expect(res.headers.get('content-type')).toBe('application/json');
		expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('strict-transport-security')).toBeNull();
		const again = await put(photo, { proto: 'https' });
		expect([again.headers.get('strict-transport-security'), (await again.json()).complete]).toEqual([expect.stringContaining('max-age='), true]);
		expect(await files.status(hash)).toMatchObject({ complete: true });
	});

	test('bad input is the JSON error, and nothing is kept', async () => {
		const bad = photo.slice();
		bad[1000] ^= 1;
		const mismatch = await put(bad);
		expect([mismatch.status, (await mismatch.json()).error.code]).toEqual([422, 'hash-mismatch']);
		expect(mismatch.headers.get('content-security-policy')).toContain("default-src 'none'");
		// A claim's evidence is named by x-claim, read as the route reads it (it goes before x-change).
		const claim = await put(photo, { claim: 'not-an-index' });
		expect([claim.status, (await claim.json()).error.code]).toEqual([400, 'bad-request']);
		const range = await put(photo, { range: 'bytes 0-9/300000' });
		expect([range.status, (await range.json()).error.code]).toEqual([400, 'bad-request']);
		// The connection is still usable: the rest of the refused body was not left unread on it.
		const after = await put(photo);
		expect([after.status, (await after.json()).complete]).toEqual([200, true]);
	});

	test('passes on everything else: a form content type, a query, another method or path', async () => {
		for (const res of [
			await put(photo, { type: 'text/plain' }),
			await put(photo, { path: `/api/files/${hash}?x=1` }),
			await put(photo, { path: `/api/files/${hash.toUpperCase()}` }),
			await put(photo, { path: `/api/files/${hash}/status` }),
			await fetch(`${base}/api/files/${hash}`)
		]) {
			expect([res.status, await res.text()]).toEqual([418, 'passed on']);
		}
		expect(await files.status(hash)).toBeNull();
	});
});
