// Issue: verified bootstrap and pull. A fresh tablet downloads the demo district RIV: every part it
// stores is checked against the parcel map of a verified checkpoint (page by page), the district's
// leaves are kept on the device, the first sync matches them against the checkpoint's map line, the
// background pass finds every search row equal to its documents, and no alarm is raised. Then an
// edit made elsewhere is pulled (its inclusion checked on the log's tiles), chained into its leaf,
// and the district still matches the map at the larger size; so does a claim, chained into the
// parcel's claims leaf.
import { expect, test, type Page } from '@playwright/test';
import { demoKey } from './support/demo';
import { signedEdit } from './support/edits';
import { copyDemoData, downloadDistrict, importKey, TestServer } from './support/field';
import { fromBase64 } from '../src/lib/core/bytes';
import { openCheckpoint } from '../src/lib/core/log/checkpoint';
import { parseVerifierKey } from '../src/lib/core/log/note';
import { mapRootOf } from '../src/lib/core/map/log-map';
import { districtPrefix } from '../src/lib/core/map/key';
import { leavesUnder, verifyMapProof } from '../src/lib/core/map/proof';
import { nobleVerifier } from '../src/lib/core/signing/ed25519';
import { claimEntryToWire, signClaim } from '../src/lib/core/claims/sign';

interface Dump {
	alarms: { kind: string; code?: string; message: string }[];
	chunks: number;
	leavesInChunks: number;
	district: Record<string, unknown>;
	/** The device's pulled leaves, as `${parcel}|${part}` → count. */
	pulled: Record<string, number>;
}

async function dump(page: Page): Promise<Dump> {
	return page.evaluate(async () => {
		const db: IDBDatabase = await new Promise((ok, fail) => {
			const r = indexedDB.open('parcel-ledger-field');
			r.onsuccess = () => ok(r.result);
			r.onerror = () => fail(r.error);
		});
		const all = <T>(store: string): Promise<T[]> =>
			new Promise((ok, fail) => {
				const r = db.transaction(store).objectStore(store).getAll();
				r.onsuccess = () => ok(r.result as T[]);
				r.onerror = () => fail(r.error);
			});
		const alarms = await all<{ kind: string; code?: string; message: string }>('alarms');
		const chunks = await all<{ district: string; count: number }>('mapChunks');
		const state = await all<{ key: string; value: Record<string, Record<string, unknown>> }>('state');
		const pulled = await all<{ key: string; count: number }>('mapLeaves');
		db.close();
		return {
			alarms,
			chunks: chunks.length,
			leavesInChunks: chunks.filter((c) => c.district === 'RIV').reduce((n, c) => n + c.count, 0),
			district: state.find((s) => s.key === 'districts')?.value.RIV ?? {},
			pulled: Object.fromEntries(pulled.map((l) => [l.key, l.count]))
		};
	});
}

test('a fresh tablet verifies every part of the district it downloads, and stays matched to the map as it pulls', async ({ browser }) => {
	test.setTimeout(240_000);
	const server = new TestServer(4441, await copyDemoData());
	await server.start();
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	// A tablet has cores to spare: pages are verified off the main thread, in the page verifier's
	// worker (this test machine may have two cores, where the device verifies inline).
	await page.addInitScript(() => Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 8 }));
	const workers: string[] = [];
	page.on('worker', (w) => workers.push(w.url()));
	try {
		await importKey(page, demoKey('assessor-ava').path);
		// Small pages, so the download is several pages, each with its own proof and anchor.
		await page.addInitScript(() => localStorage.setItem('parcel-ledger-snapshot-page', '60'));
		await downloadDistrict(page, 'RIV');
		const verified = page.getByTestId('district-verified-RIV');
		await expect(verified).toContainText("parts checked against the log's parcel map");
		await expect(verified).toContainText('the district matches it at', { timeout: 30_000 });
		expect(workers.some((u) => u.includes('verify-worker'))).toBe(true);

		// What the device checked is every leaf of RIV the log's map holds at the size it matched.
		let d = await dump(page);
		expect(d.alarms).toEqual([]);
		expect(d.chunks).toBeGreaterThan(1);
		const { checkpoint, proof } = await (await context.request.get('/api/map?district=RIV')).json();
		const key = parseVerifierKey((await (await context.request.get('/log/key')).text()).trim());
		if (!key.ok) throw new Error(key.message);
		const opened = await openCheckpoint(checkpoint, key.value, nobleVerifier);
		if (!opened.ok) throw new Error(opened.message);
		const root = mapRootOf(opened.value.checkpoint);
		if (!root.ok) throw new Error(root.message);
		const v = verifyMapProof(fromBase64(proof), root.value);
		if (!v.ok) throw new Error(v.message);
		const leaves = leavesUnder(v.value, districtPrefix('RIV'));
		if (!leaves.ok) throw new Error(leaves.message);
		expect(d.district.verifiedParts).toBe(d.leavesInChunks);
		expect(d.district.mapHeld).toBe(leaves.value.length);
		expect(d.district.mapHash).toBeTruthy();

		// The background pass compares every search row with its documents: all equal, no alarm.
		await expect.poll(async () => (await dump(page)).district.rowsCheckedAt, { timeout: 120_000 }).toBeTruthy();
		d = await dump(page);
		expect(d.alarms).toEqual([]);

		// An edit made by another device reaches this one; the district still matches the map.
		const before = d.district.mapCheckedSize as number;
		const bo = demoKey('assessor-bo');
		const parcel = 'RIV-000007';
		const wire = await signedEdit(context.request, bo.signer, parcel, 'parcel', { zoning: 'R9-verified' });
		const posted = await context.request.post('/api/edits', { data: { edits: [wire] } });
		expect(posted.status(), await posted.text()).toBe(200);
		// And a claim on it: the device does not apply claims, but the map counts them in the parcel's
		// claims leaf, so the device follows them too (or its district would not match).
		const claim = await signClaim({ origin: key.value.name, signer: bo.signer, parcelId: parcel, text: 'The zoning is contested.', claimedTime: Date.now(), claimKind: 'other', contested: ['parcel.zoning'] });
		const filed = await context.request.post('/api/entries', { data: { entries: [claimEntryToWire(claim)] } });
		expect(filed.status(), await filed.text()).toBe(200);
		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		await expect(page.getByText(/Synced: /)).toBeVisible({ timeout: 60_000 });
		d = await dump(page);
		expect(d.alarms).toEqual([]);
		expect(d.district.mapCheckedSize as number).toBeGreaterThan(before);
		expect(d.pulled[`${parcel}|claims`]).toBeGreaterThanOrEqual(1);
		await page.goto(`/field/parcel/${parcel}`);
		await expect(page.getByRole('form', { name: 'Edit parcel' }).getByLabel('Zoning', { exact: true })).toHaveValue('R9-verified', { timeout: 30_000 });
		await page.goto('/field/districts');
		await expect(verified).toContainText(`the district matches it at ${(d.district.mapCheckedSize as number).toLocaleString('en-US')} entries`);
	} finally {
		await context.close();
		await server.stop();
	}
});
