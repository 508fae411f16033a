// A district download whose page write fails part-way (IndexedDB aborts one page's transaction):
// the download stops with the error, the device holds exactly the pages before the failed one (no
// page after a gap), and "Resume" is offered at once — it used to stay disabled until a reload —
// and goes on from there: in the end the district holds every parcel the server lists, each once.
import { expect, test, type Page } from '@playwright/test';
import { demoKey } from './support/demo';
import { importKey } from './support/field';

const DISTRICT = 'RIV';
const PAGE = 10;

/** The district's stored parcel ids (sorted) and its download record. */
function stored(page: Page) {
	return page.evaluate(async (district) => {
		const db = await new Promise<IDBDatabase>((ok, fail) => {
			const r = indexedDB.open('parcel-ledger-field');
			r.onsuccess = () => ok(r.result);
			r.onerror = () => fail(r.error);
		});
		const tx = db.transaction(['parcels', 'state'], 'readonly');
		const get = <T,>(r: IDBRequest) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result as T)), (r.onerror = () => fail(r.error))));
		const ids = await get<string[]>(tx.objectStore('parcels').index('district').getAllKeys(district));
		const state = await get<{ value: Record<string, { status: string; parcels: number; after: string | null }> } | undefined>(tx.objectStore('state').get('districts'));
		db.close();
		return { ids: [...ids].sort(), rec: state?.value[district] ?? null };
	}, DISTRICT);
}

test('a download whose page write fails stores no page after it, and resumes to the whole district', async ({ page }) => {
	await page.addInitScript(
		([size]) => {
			localStorage.setItem('parcel-ledger-snapshot-page', String(size));
			// The fourth page's map chunk is refused: IndexedDB aborts that page's transaction. Once
			// per page load, so the resume below (no reload) writes normally.
			const put = IDBObjectStore.prototype.put;
			let chunks = 0;
			IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
				if (this.name === 'mapChunks' && ++chunks === 4) throw new DOMException('injected write failure', 'DataError');
				return put.apply(this, args);
			};
		},
		[PAGE]
	);
	await importKey(page, demoKey('assessor-ava').path);
	const listed = (await (await page.request.get('/api/snapshot')).json()) as { districts: { district: string; parcels: number }[] };
	const total = listed.districts.find((d) => d.district === DISTRICT)!.parcels;
	expect(total, 'the district spans many pages').toBeGreaterThan(PAGE * 6);

	await page.goto('/field/districts');
	const row = page.getByRole('row', { name: new RegExp(`^${DISTRICT}\\b`) });
	await page.getByRole('button', { name: `Download district ${DISTRICT}` }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText(`The download of district ${DISTRICT} stopped: injected write failure.`, { timeout: 60_000 });
	await expect(alert).toContainText('The parcels stored before it are kept, and downloading again continues from there.');

	// Exactly the three pages before the failed one: the queued page after it was not kept.
	const partial = await stored(page);
	expect(partial.rec?.status).toBe('downloading');
	expect(partial.rec?.parcels).toBe(3 * PAGE);
	expect(partial.ids).toHaveLength(3 * PAGE);
	expect(partial.rec?.after).toBe(partial.ids.at(-1));
	await expect(row).toContainText(`Partly downloaded (${3 * PAGE})`);

	// Resume, same page: from the fourth page to the end.
	const resume = page.getByRole('button', { name: `Download district ${DISTRICT}` });
	await expect(resume).toHaveText('Resume');
	await expect(resume).toBeEnabled({ timeout: 5_000 });
	await resume.click();
	await expect(alert).toHaveCount(0);
	await expect(row.getByText('Ready')).toBeVisible({ timeout: 60_000 });
	const whole = await stored(page);
	expect(whole.rec?.parcels).toBe(total);
	expect(whole.ids).toHaveLength(total);
	expect(whole.ids.slice(0, 3 * PAGE)).toEqual(partial.ids);
	await expect(page.getByTestId(`district-verified-${DISTRICT}`)).toContainText('parts checked against the log', { timeout: 60_000 });
});
