// Issue 17: files over HTTP against the real built server. A photo a logged edit names is
// uploaded in chunks, the server is killed mid-file, restarted, and the upload resumes from
// /status and completes with equal bytes; every bad input is a 4xx JSON error and keeps nothing;
// a private document erased with `cli erase` is gone from the answers and the database files,
// and the log still verifies.
import { expect, request as pwRequest, test, type APIRequestContext } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64 } from '../src/lib/core/bytes';
import { copyDemoData, TestServer } from './support/field';
import { demoKey } from './support/demo';
import { signedEdit } from './support/edits';
import { signInStatement } from '../src/lib/server/sessions';

const port = Number(process.env.E2E_FILES_PORT ?? 4396);
const server = new TestServer(port, '');
test.describe.configure({ mode: 'serial', timeout: 180_000 });

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const jpeg = (n: number) => {
	const b = new Uint8Array(randomBytes(n));
	b.set([0xff, 0xd8, 0xff, 0xe0]);
	return b;
};
let api: APIRequestContext;

test.beforeAll(async () => {
	server.dataDir = await copyDemoData();
	await server.start();
	api = await pwRequest.newContext({ baseURL: server.url });
});
test.afterAll(async () => {
	await api?.dispose();
	await server.stop();
});

/** Logs an edit of `parcel` whose photos map names `file`; the change's SHA-256 (hex). */
async function namePhoto(parcel: string, file: Uint8Array): Promise<string> {
	const ava = demoKey('assessor-ava');
	const patch = { [`photos.${sha(file)}`]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: file.length } };
	const edit = await signedEdit(api, ava.signer, parcel, 'parcel', patch);
	const res = await api.post('/api/edits', { data: { edits: [edit] } });
	expect(res.status(), await res.text()).toBe(200);
	return sha(fromBase64(edit.change));
}

const put = (hash: string, change: string, bytes: Uint8Array, first: number, size: number) =>
	fetch(`${server.url}/api/files/${hash}`, {
		method: 'PUT',
		headers: { 'content-range': `bytes ${first}-${first + bytes.length - 1}/${size}`, 'x-change': change, 'content-type': 'application/octet-stream' },
		body: new Blob([Uint8Array.from(bytes)])
	});

test('a photo uploaded in chunks survives a server kill mid-file and arrives with equal bytes', async () => {
	const photo = jpeg(900_000);
	const hash = sha(photo);
	const change = await namePhoto('RIV-000011', photo);
	const first = await put(hash, change, photo.subarray(0, 400_000), 0, photo.length);
	expect(first.status).toBe(200);
	expect(await first.json()).toMatchObject({ received: 400_000, complete: false });
	// Not yet complete: not served.
	expect((await fetch(`${server.url}/api/files/${hash}`)).status).toBe(404);

	await server.stop();
	await server.start();

	const status = await (await fetch(`${server.url}/api/files/${hash}/status`)).json();
	expect(status).toMatchObject({ size: photo.length, received: 400_000, ranges: [[0, 400_000]], complete: false });
	const rest = await put(hash, change, photo.subarray(status.received), status.received, photo.length);
	expect(await rest.json()).toMatchObject({ complete: true, type: 'image/jpeg' });

	const got = await fetch(`${server.url}/api/files/${hash}`);
	expect(got.status).toBe(200);
	expect(got.headers.get('content-type')).toBe('image/jpeg');
	expect(sha(new Uint8Array(await got.arrayBuffer()))).toBe(hash);
});

test('photos answered while others are in flight (group commit) survive a SIGKILL, and the rest can be sent again', async () => {
	const photos = Array.from({ length: 24 }, () => jpeg(300_000));
	const changes: string[] = [];
	for (const p of photos) changes.push(await namePhoto('RIV-000012', p));
	const answered: number[] = [];
	let killed: Promise<void> | null = null;
	const sends = photos.map((p, i) =>
		put(sha(p), changes[i], p, 0, p.length)
			.then(async (r) => {
				if (r.status !== 200 || !(await r.json()).complete) return;
				answered.push(i);
				// At the second answer, while the others are still in flight.
				if (answered.length === 2) killed = server.kill();
			})
			.catch(() => {}) // killed before answering: nothing was promised
	);
	await Promise.all(sends);
	expect(killed).not.toBeNull();
	await killed;
	expect(answered.length).toBeLessThan(photos.length);
	await server.start();

	// Every answer given before the kill holds: the photo is complete and served with equal bytes.
	for (const i of answered) {
		const got = await fetch(`${server.url}/api/files/${sha(photos[i])}`);
		expect(got.status, `photo ${i} was answered complete before the kill`).toBe(200);
		expect(sha(new Uint8Array(await got.arrayBuffer()))).toBe(sha(photos[i]));
	}
	for (const [i, p] of photos.entries()) {
		if (answered.includes(i)) continue;
		const again = await put(sha(p), changes[i], p, 0, p.length);
		expect(await again.json()).toMatchObject({ complete: true, received: p.length });
	}
	for (const p of photos) expect(sha(new Uint8Array(await (await fetch(`${server.url}/api/files/${sha(p)}`)).arrayBuffer()))).toBe(sha(p));
});

test('bad input is a 4xx JSON error and keeps nothing', async () => {
	const photo = jpeg(5000);
	const change = await namePhoto('RIV-000012', photo);
	const hash = sha(photo);
	const expectError = async (res: Response, status: number, code: string) => {
		expect(res.status).toBe(status);
		expect((await res.json()).error.code).toBe(code);
	};
	// Wrong hash: the bytes are all received and none kept.
	const bad = photo.slice();
	bad[100] ^= 1;
	await expectError(await put(hash, change, bad, 0, bad.length), 422, 'hash-mismatch');
	expect(await (await fetch(`${server.url}/api/files/${hash}/status`)).json()).toMatchObject({ received: 0, complete: false });
	// Oversize (the limit is 25 MiB by default): refused from the content-range, before the body.
	await expectError(await put(hash, change, photo, 0, 30 * 1024 * 1024), 413, 'too-large');
	// Wrong type, named by its own edit.
	const gif = new TextEncoder().encode('GIF89a' + 'x'.repeat(2000));
	const gifChange = await namePhoto('RIV-000013', gif);
	await expectError(await put(sha(gif), gifChange, gif, 0, gif.length), 415, 'unsupported-type');
	expect((await fetch(`${server.url}/api/files/${sha(gif)}/status`)).status).toBe(404);
	// A file the edit does not name.
	const stranger = jpeg(3000);
	await expectError(await put(sha(stranger), change, stranger, 0, stranger.length), 422, 'not-named');
	expect((await fetch(`${server.url}/api/files/${sha(stranger)}/status`)).status).toBe(404);
	// The right bytes are still taken.
	expect(await (await put(hash, change, photo, 0, photo.length)).json()).toMatchObject({ complete: true });
});

test('the extract lists a public photo by hash and size; /verify says whether a file given with it is that photo', async ({ page }) => {
	const photo = jpeg(4000);
	const change = await namePhoto('RIV-000015', photo);
	expect(await (await put(sha(photo), change, photo, 0, photo.length)).json()).toMatchObject({ complete: true });
	const extract = await (await fetch(`${server.url}/api/parcels/RIV-000015/extract`)).json();
	expect(extract.files).toEqual([{ hash: sha(photo), size: photo.length }]);

	await page.goto(`${server.url}/verify`);
	await expect(page.getByText(/^Ready\./)).toBeVisible();
	const buffer = Buffer.from(JSON.stringify(extract));
	await page.getByLabel('Photos or documents given with it').setInputFiles({ name: 'front.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(photo) });
	await page.getByLabel('Extract file').setInputFiles({ name: 'RIV-000015.extract.json', mimeType: 'application/json', buffer });
	const status = page.getByRole('status');
	await expect(status.getByRole('heading')).toHaveText('Verified');
	await expect(page.getByText(`The file front.jpg is exactly the file ${sha(photo)}`)).toBeVisible();

	const other = photo.slice();
	other[50] ^= 1;
	await page.getByLabel('Photos or documents given with it').setInputFiles({ name: 'other.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(other) });
	await expect(status.getByRole('heading')).toHaveText('Not verified');
	await expect(page.getByText(/The file other\.jpg .* match no listed file/).first()).toBeVisible();
});

test('the registry parcel page shows each photo beside the edit that attached it', async ({ browser }) => {
	const photo = jpeg(6000);
	const change = await namePhoto('RIV-000016', photo);
	expect(await (await put(sha(photo), change, photo, 0, photo.length)).json()).toMatchObject({ complete: true });
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
	try {
		const page = await context.newPage();
		await page.goto('/registry');
		await page.getByLabel(/Import a registrar key file/).setInputFiles(demoKey('registrar').path);
		await expect(page.getByTestId('session')).toContainText('Signed in as Rhea Registrar (demo)', { timeout: 30_000 });
		await page.goto('/registry/parcels/RIV-000016');
		const file = page.locator(`[data-testid="edit-file"][data-hash="${sha(photo)}"]`);
		const row = page.getByTestId('history-row').filter({ has: file });
		await expect(row).toHaveCount(1, { timeout: 30_000 });
		await expect(row).toContainText('photos');
		await expect(row).toContainText('Ava Assessor (demo)');
		await expect(file).toContainText('6 kB');
		const src = await file.locator('img').getAttribute('src');
		expect(src).toBe(`/api/files/${sha(photo)}`);
		const served = await context.request.get(src!);
		expect(sha(new Uint8Array(await served.body()))).toBe(sha(photo));
	} finally {
		await context.close();
	}
});

test('erasing a private document erases its bytes: 404 JSON, gone from the database files, and the log still verifies', async () => {
	const parcel = 'RIV-000014';
	const scan = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000)]));
	const hash = sha(scan);
	// A second document the erasure leaves in the record: its bytes must stay.
	const kept = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(20_000)]));
	// Staff read the private part to edit it: a signed-in session of its district.
	const ava = demoKey('assessor-ava');
	const staff = await pwRequest.newContext({ baseURL: server.url });
	const { nonce } = await (await staff.post('/api/session/nonce')).json();
	const origin = (await (await staff.get('/log/key')).text()).trim().split('+')[0];
	const signature = Buffer.from(await ava.signer.sign(signInStatement(origin, nonce))).toString('base64');
	expect((await staff.post('/api/session', { data: { publicKey: ava.publicKey, nonce, signature } })).status()).toBe(200);
	const edit = await signedEdit(staff, ava.signer, parcel, 'private', {
		[`documents.${hash}`]: { kind: 'deed', title: 'Scanned deed', size: scan.length },
		[`documents.${sha(kept)}`]: { kind: 'survey', title: 'Survey', size: kept.length }
	});
	const logged = await api.post('/api/edits', { data: { edits: [edit] } });
	expect(logged.status(), await logged.text()).toBe(200);
	await staff.dispose();
	expect(await (await put(hash, sha(fromBase64(edit.change)), scan, 0, scan.length)).json()).toMatchObject({ complete: true, type: 'application/pdf' });
	expect(await (await put(sha(kept), sha(fromBase64(edit.change)), kept, 0, kept.length)).json()).toMatchObject({ complete: true });
	const anonymous = await fetch(`${server.url}/api/files/${hash}`);
	expect(anonymous.status).toBe(401); // private: staff of the district only

	const erase = ['erase', '--server', server.url, '--key', demoKey('registrar').path, '--parcel', parcel, '--field', `documents.${hash}`, '--reason', 'Data subject request 2026-43', '--basis', 'GDPR Art. 17(1)(a)'];
	const cli = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...erase], { encoding: 'utf8' });
	expect(cli.status, cli.stderr + cli.stdout).toBe(0);
	expect(cli.stdout).toMatch(/erasure of \d+ private change\(s\): accepted/);
	expect(cli.stdout).toMatch(/1 file\(s\) the fresh document still names kept under it/);
	// The survey the fresh private document still names is still served (to staff: it is private).
	expect(await (await fetch(`${server.url}/api/files/${sha(kept)}/status`)).json()).toMatchObject({ complete: true, size: kept.length });

	const gone = await fetch(`${server.url}/api/files/${hash}`);
	expect(gone.status).toBe(404);
	expect((await gone.json()).error).toMatchObject({ code: 'not-found', message: expect.stringContaining('erased') });
	expect((await fetch(`${server.url}/api/files/${hash}/status`)).status).toBe(404);
	// Not in the database files either (secure_delete, WAL checkpoint and VACUUM follow the
	// erasure), nor in the folder of file bytes beside the database.
	const needle = Buffer.from(scan.subarray(150_000, 150_064));
	const folder = join(server.dataDir, 'ledger.db-files');
	expect(existsSync(join(folder, sha(kept))), 'the kept document is in the folder').toBe(true);
	for (const file of ['ledger.db', 'ledger.db-wal', ...readdirSync(folder).map((f) => join('ledger.db-files', f))]) {
		const path = join(server.dataDir, file);
		if (existsSync(path)) expect(readFileSync(path).includes(needle), file).toBe(false);
	}
	const verify = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'verify', server.url], { encoding: 'utf8' });
	expect(verify.status, verify.stdout + verify.stderr).toBe(0);
	expect(verify.stdout).toMatch(/audit passed/);
});
