// Issue #8, browser durability: storage nearly full. The origin's quota is shrunk to just above
// what the device already uses (DevTools protocol, Storage.overrideQuotaForOrigin), so IndexedDB
// refuses the next write with QuotaExceededError. A text save, a photo, and a run of saves until
// one no longer fits each fail with a clear "Storage is full" message, and nothing is
// half-written: the parcel's document, search row, outbox and photo blobs are exactly as before
// the failed save. With room again, the same edits save and sync, each once.
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { checkParcel, dumpDevice, parcelDoc, serverEntries, type DeviceDump, type Expected } from './support/device-state';
import { DurableBrowser } from './support/durable-browser';
import { openParcel, setUpDevice } from './support/durability';
import { copyDemoData, TestServer } from './support/field';
import { DeviceProbe, saveBurst } from './support/save-burst';

/** A 24-bit BMP of noise: big after JPEG compression too (noise does not compress). */
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

/** What a failed save must not have touched: the parcel's rows, and the tables saves write. */
function footprint(d: DeviceDump, parcelId: string) {
	return { doc: d.docs[parcelId], row: d.rows[parcelId], outbox: d.outbox, blobs: d.blobs, searchable: d.searchable[parcelId] };
}

/**
 * Sets the origin's quota to `headroom` bytes above what it uses (or back to normal, for null),
 * then opens `path`. Chromium's IndexedDB caches the space it may use for up to 30 s per open
 * backing store, and keeps an idle store open about 2 s after its last connection closes: so the
 * app is left first (the public home page opens no database) and the quota set while nothing
 * holds the store.
 */
async function setQuota(page: Page, cdp: CDPSession, origin: string, headroom: number | null, path: string): Promise<number> {
	await page.goto('/');
	await page.waitForTimeout(3500);
	const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin });
	await cdp.send('Storage.overrideQuotaForOrigin', headroom === null ? { origin } : { origin, quotaSize: usage + headroom });
	await page.goto(path);
	await expect(page.getByRole('form', { name: 'Edit parcel' })).toBeVisible({ timeout: 30_000 });
	return usage;
}

/**
 * Fills the origin's storage with incompressible bytes in a database of its own, in chunks of
 * 1 MiB, then ever smaller ones down to `granularity`, each until IndexedDB refuses it: what is
 * left is less than `granularity`, as IndexedDB itself counts it. Returns the bytes written.
 */
async function fillStorage(page: Page, granularity: number): Promise<number> {
	return page.evaluate(async (granularity) => {
		const db = await new Promise<IDBDatabase>((ok, fail) => {
			const open = indexedDB.open('durability-filler', 1);
			open.onupgradeneeded = () => open.result.createObjectStore('s', { autoIncrement: true });
			open.onsuccess = () => ok(open.result);
			open.onerror = () => fail(open.error);
		});
		let written = 0;
		for (let size = 1 << 20; size >= granularity; size = Math.floor(size / 4)) {
			for (let n = 0; n < 64; n++) {
				const bytes = new Uint8Array(size);
				for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
				const tx = db.transaction('s', 'readwrite');
				tx.objectStore('s').add(bytes);
				const result = await new Promise<string>((done) => ((tx.oncomplete = () => done('ok')), (tx.onabort = () => done(tx.error?.name ?? 'aborted'))));
				if (result === 'QuotaExceededError') break;
				if (result !== 'ok') throw new Error(`filling storage: ${result}`);
				written += size;
			}
		}
		db.close();
		return written;
	}, granularity);
}

async function emptyFiller(page: Page): Promise<void> {
	await page.evaluate(() => new Promise((done) => (indexedDB.deleteDatabase('durability-filler').onsuccess = done)));
}

const FULL = /Storage is full/;

test('storage nearly full: saves fail with a clear message and write nothing', async () => {
	test.setTimeout(240_000);
	const server = new TestServer(4433, await copyDemoData());
	await server.start();
	const browser = new DurableBrowser(server.url);
	try {
		const setup = await setUpDevice(browser, 3);
		const page: Page = setup.page;
		const [a, b, c] = setup.parcels;
		const baseline = new Map<string, Set<string>>();
		const want = new Map<string, Expected>();
		const start = await dumpDevice(page, setup.parcels);
		for (const id of setup.parcels) {
			const doc = parcelDoc(start, id);
			baseline.set(id, doc.hashes);
			want.set(id, { field: 'zoning', initial: String(doc.plain.zoning ?? ''), confirmed: [], inFlight: null });
		}
		const probe = await DeviceProbe.attach(page.context());
		const cdp = await page.context().newCDPSession(page);
		const origin = server.url;

		// 1. Less than 64 KB left: saves until one no longer fits. Those confirmed are whole; the
		// refused one left nothing.
		const usage = await setQuota(page, cdp, origin, 4 << 20, `/field/parcel/${c}`);
		const filled = [await fillStorage(page, 64 * 1024)];
		expect(filled[0], 'the shrunk quota is in force').toBeLessThan(4 << 20);
		probe.onConfirmed = (v) => want.get(c)!.confirmed.push(v);
		const failure = await saveBurst(page, 'zoning', Array.from({ length: 300 }, (_, n) => `Q-${n}`)).then(
			() => 'all 300 saves fitted',
			(e: Error) => e.message
		);
		expect(failure).toMatch(FULL);
		const confirmedBeforeFull = want.get(c)!.confirmed.length;
		const full = await dumpDevice(page, setup.parcels);
		for (const id of setup.parcels) expect(checkParcel(full, id, baseline.get(id)!, want.get(id)!).problems).toEqual([]);
		expect(full.outbox).toHaveLength(confirmedBeforeFull);
		expect(full.blobs).toEqual(start.blobs);

		// 2. Less than 256 bytes left: a text save.
		filled.push(await fillStorage(page, 256));
		await openParcel(page, a);
		let before = await dumpDevice(page, setup.parcels);
		const form = page.getByRole('form', { name: 'Edit parcel' });
		await form.getByLabel('Zoning', { exact: true }).fill('FULL-1');
		await form.getByRole('button', { name: 'Save parcel' }).click();
		await expect(form.getByRole('alert')).toContainText(FULL, { timeout: 30_000 });
		const textMessage = (await form.getByRole('alert').textContent())!;
		await expect(form.getByRole('status')).toHaveCount(0);
		await expect(form.getByLabel('Zoning', { exact: true })).toHaveValue('FULL-1'); // kept for another try
		await expect(form.getByRole('button', { name: 'Save parcel' })).toBeEnabled();
		expect(footprint(await dumpDevice(page, setup.parcels), a)).toEqual(footprint(before, a));

		// 3. A photo: the image and the signed record of it are kept together, or neither.
		await openParcel(page, b);
		before = await dumpDevice(page, setup.parcels);
		await page.getByLabel(/take or choose a photo/i).setInputFiles({ name: 'site.bmp', mimeType: 'image/bmp', buffer: noiseBmp(1600, 1200) });
		const photoAlert = page.locator('.photos').getByRole('alert');
		await expect(photoAlert).toContainText(FULL, { timeout: 60_000 });
		const photoMessage = (await photoAlert.textContent())!;
		expect(footprint(await dumpDevice(page, setup.parcels), b)).toEqual(footprint(before, b));

		// 4. Room again: the same edits now save, and sync each once.
		await emptyFiller(page);
		await setQuota(page, cdp, origin, null, `/field/parcel/${a}`);
		await form.getByLabel('Zoning', { exact: true }).fill('FULL-1');
		await form.getByRole('button', { name: 'Save parcel' }).click();
		await expect(form.getByRole('status')).toContainText('Saved on this device and signed: zoning → FULL-1');
		want.get(a)!.confirmed.push('FULL-1');
		await openParcel(page, b);
		await page.getByLabel(/take or choose a photo/i).setInputFiles({ name: 'site.bmp', mimeType: 'image/bmp', buffer: noiseBmp(1600, 1200) });
		await expect(page.getByRole('img', { name: 'Parcel photo' })).toBeVisible({ timeout: 60_000 });
		const saved = await dumpDevice(page, setup.parcels);
		expect(saved.blobs.filter((x) => x.parcelId === b)).toHaveLength(1);
		expect(parcelDoc(saved, b).plain.photos).toHaveProperty(saved.blobs.find((x) => x.parcelId === b)!.hash);
		for (const id of [a, c]) expect(checkParcel(saved, id, baseline.get(id)!, want.get(id)!).problems).toEqual([]);

		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		const edits = confirmedBeforeFull + 2;
		await expect(page.getByTestId('sync-outcome')).toContainText(`Synced: ${edits} edit(s) accepted and verified, 0 refused`, { timeout: 60_000 });
		const synced = await dumpDevice(page, setup.parcels);
		expect(synced.outbox).toEqual([]);
		for (const id of setup.parcels) {
			const entries = await serverEntries(server.url, id);
			for (const s of synced.synced.filter((s) => s.parcelId === id)) expect(entries.get(s.changeHash)).toEqual([s.index]);
		}
		const report = `usage ${usage} B, filled ${filled.join(' + ')} B; text save refused: "${textMessage}"; photo refused: "${photoMessage}"; ${confirmedBeforeFull} saves fitted in the last < 64 KB before one was refused; ${edits} edits synced afterwards`;
		console.log(report);
		test.info().annotations.push({ type: 'storage', description: report });
	} finally {
		await browser.dispose();
		await server.stop();
	}
});
