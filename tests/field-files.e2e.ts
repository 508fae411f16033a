// Issue 17 slice 3, in real Chromium against the built server: a photo attached offline survives a
// reload, and the sync that pushes its edit uploads it in chunks; a connection dropped mid-file
// leaves the edit "waiting for its file" with the blob kept, and the next sync resumes from what
// the server holds. The server then serves bytes whose SHA-256 is the photo's name; evicted from
// the device to free space, the photo is fetched again when its parcel page shows it.
import { expect, test, type Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { demoKey } from './support/demo';
import { copyDemoData, downloadDistrict, importKey, TestServer, waitForOfflineShell } from './support/field';

const port = Number(process.env.E2E_FIELD_FILES_PORT ?? 4398);
const PARCEL = 'RIV-000021';
/** The device's chunk (client/upload.ts UPLOAD_CHUNK). */
const CHUNK = 1024 * 1024;

/** An uncompressed 24-bit BMP of noise: its JPEG stays large, so the upload takes several chunks. */
function noiseBmp(width: number, height: number): Buffer {
	const row = Math.ceil((width * 3) / 4) * 4;
	const header = Buffer.alloc(54);
	header.write('BM', 0);
	header.writeUInt32LE(54 + row * height, 2);
	header.writeUInt32LE(54, 10);
	header.writeUInt32LE(40, 14);
	header.writeInt32LE(width, 18);
	header.writeInt32LE(height, 22);
	header.writeUInt16LE(1, 26);
	header.writeUInt16LE(24, 28);
	header.writeUInt32LE(row * height, 34);
	return Buffer.concat([header, randomBytes(row * height)]);
}

/** The device's blob rows: hash, size, whether uploaded, and the SHA-256 of the stored bytes. */
function deviceBlobs(page: Page) {
	return page.evaluate(async () => {
		const open = indexedDB.open('parcel-ledger-field');
		const db: IDBDatabase = await new Promise((r) => (open.onsuccess = () => r(open.result)));
		const all = db.transaction('blobs').objectStore('blobs').getAll();
		const rows: { hash: string; blob: Blob; uploadedAt: number | null; changeHash?: string }[] = await new Promise((r) => (all.onsuccess = () => r(all.result)));
		db.close();
		const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
		return Promise.all(
			rows.map(async (b) => ({ hash: b.hash, size: b.blob.size, uploadedAt: b.uploadedAt, changeHash: b.changeHash, digest: hex(await crypto.subtle.digest('SHA-256', await b.blob.arrayBuffer())) }))
		);
	});
}

async function syncNow(page: Page): Promise<void> {
	await page.goto('/field/outbox');
	const button = page.getByRole('button', { name: 'Sync now' });
	await expect(button).toBeEnabled({ timeout: 30_000 }); // reconnecting may have started a sync already
	await button.click();
}

test('a photo attached offline is uploaded by sync, resumes after a dropped upload, and is served with equal bytes', async ({ browser }) => {
	test.setTimeout(240_000);
	const server = new TestServer(port, await copyDemoData());
	await server.start();
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 900 } });
	const page = await context.newPage();
	try {
		await importKey(page, demoKey('assessor-ava').path);
		await waitForOfflineShell(page);
		await downloadDistrict(page, 'RIV');

		// Offline: server stopped and the browser cut off.
		await server.stop();
		await context.setOffline(true);
		await page.goto(`/field/parcel/${PARCEL}`);
		await page.getByLabel(/take or choose a photo/i).setInputFiles({ name: 'site.bmp', mimeType: 'image/bmp', buffer: noiseBmp(1600, 1200) });
		await expect(page.getByRole('img', { name: 'Parcel photo' })).toBeVisible({ timeout: 60_000 });
		await expect(page.getByTestId('photo-upload')).toHaveText('not uploaded yet');

		await page.reload();
		await page.goto('/field/outbox');
		await expect(page.getByTestId('outbox-total')).toContainText('1 edit(s) not yet synced');
		await expect(page.getByTestId('files-total')).toContainText('1 file(s) not yet uploaded');
		await expect(page.getByTestId('upload-file')).toContainText('waiting for its edit to sync');
		const [blob] = await deviceBlobs(page);
		expect(blob.digest).toBe(blob.hash);
		expect(blob.size).toBeGreaterThan(CHUNK); // several chunks
		expect(blob.changeHash).toMatch(/^[0-9a-f]{64}$/);

		// Back online, but the connection drops on the second chunk: the edit is in the log, its file is not.
		await server.start();
		const ranges: string[] = [];
		let drop = true;
		await context.route('**/api/files/*', async (route) => {
			const req = route.request();
			if (req.method() !== 'PUT') return route.continue();
			ranges.push(req.headers()['content-range']);
			if (drop && ranges.length === 2) {
				drop = false;
				return route.abort('connectionreset');
			}
			return route.continue();
		});
		await context.setOffline(false);
		await syncNow(page);
		await expect(page.getByTestId('sync-outcome')).toContainText(/Offline|Synced/, { timeout: 60_000 });
		await expect(page.getByTestId('outbox-total')).toContainText('0 edit(s) not yet synced');
		await expect(page.getByTestId('synced-edit').filter({ hasText: 'photo' })).toContainText('waiting for its file');
		await expect(page.getByTestId('upload-file')).toContainText(/queued for upload|uploading/);
		const second = `bytes ${CHUNK}-${Math.min(2 * CHUNK, blob.size) - 1}/${blob.size}`;
		expect(ranges.slice(0, 2)).toEqual([`bytes 0-${CHUNK - 1}/${blob.size}`, second]);
		const status = await (await fetch(`${server.url}/api/files/${blob.hash}/status`)).json();
		expect(status).toMatchObject({ received: CHUNK, complete: false });
		expect((await deviceBlobs(page))[0].digest).toBe(blob.hash); // the blob is kept

		// The next sync resumes from what the server holds: the first byte is never sent twice.
		ranges.length = 0;
		await syncNow(page);
		await expect(page.getByTestId('sync-outcome')).toContainText('1 file(s) uploaded', { timeout: 60_000 });
		expect(ranges[0]).toBe(second);
		await expect(page.getByTestId('files-total')).toContainText('0 file(s) not yet uploaded; 1 uploaded');
		await expect(page.getByTestId('file-waiting')).toHaveCount(0);
		const after = await deviceBlobs(page);
		expect(after[0].uploadedAt).not.toBeNull();
		expect(after[0].digest).toBe(blob.hash); // still on the device

		// The field parcel page shows the thumbnail from IndexedDB, now marked as on the server.
		await page.goto(`/field/parcel/${PARCEL}`);
		await expect(page.getByRole('img', { name: 'Parcel photo' })).toBeVisible();
		await expect(page.getByTestId('photo-upload')).toHaveText('✓ on the server');
		if (process.env.FIELD_FILES_SHOT) await page.screenshot({ path: process.env.FIELD_FILES_SHOT, fullPage: true });

		// The server serves the file; its bytes hash to the photo's name.
		const res = await fetch(`${server.url}/api/files/${blob.hash}`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/jpeg');
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect(bytes.length).toBe(blob.size);
		expect(createHash('sha256').update(bytes).digest('hex')).toBe(blob.hash);

		// The public parcel page shows it as a thumbnail served by /api/files (the parcel part is public).
		await page.goto(`/parcels/${PARCEL}`);
		const thumb = page.getByTestId('public-photo').filter({ has: page.locator(`img[src="/api/files/${blob.hash}"]`) });
		await expect(thumb).toHaveCount(1, { timeout: 30_000 });
		await expect.poll(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBe(1600);

		// Quota: the device shows what its files take; what the server holds is evicted on request
		// (row kept, bytes dropped) and fetched again, checked against its hash, when a page shows it.
		await page.goto('/field/districts');
		const usage = page.getByTestId('file-usage');
		await expect(usage).toContainText('1 on this device');
		await usage.getByRole('button', { name: /^Free / }).click();
		await expect(usage).toContainText('0 on this device');
		await expect(usage).toContainText('1 more on the server only');
		expect((await deviceBlobs(page))[0]).toMatchObject({ hash: blob.hash, size: 0 });
		await page.goto(`/field/parcel/${PARCEL}`);
		await expect(page.getByRole('img', { name: 'Parcel photo' })).toBeVisible({ timeout: 30_000 });
		await expect.poll(async () => (await deviceBlobs(page))[0].digest, { timeout: 30_000 }).toBe(blob.hash);
	} finally {
		await context.close();
		await server.stop();
	}
});
