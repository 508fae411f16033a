// Erasure reaches the devices: a tablet holding a district's private details syncs after a
// registrar erased one of them; the value is gone from the parcel screen and from the bytes the
// tablet keeps in IndexedDB, and the fields that were not erased are still there.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { demoKey } from './support/demo';
import { downloadDistrict, importKey } from './support/field';

// A parcel no other test touches.
const PARCEL = 'RIV-000044';
const EMAIL = `owner.${PARCEL.toLowerCase()}@example.org`;

/** Whether the device's stored private document of the parcel holds these bytes. */
async function deviceHolds(page: Page, text: string): Promise<boolean> {
	return page.evaluate(
		async ([id, needle]) => {
			const db = await new Promise<IDBDatabase>((ok, fail) => {
				const r = indexedDB.open('parcel-ledger-field');
				r.onsuccess = () => ok(r.result);
				r.onerror = () => fail(r.error);
			});
			// Its documents row and every download pack listing it: erased bytes may stay in neither.
			const tx = db.transaction(['docs', 'docPacks']);
			const get = <T>(r: IDBRequest) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result as T)), (r.onerror = () => fail(r.error))));
			const row = await get<{ parts: Record<string, Uint8Array | string> } | undefined>(tx.objectStore('docs').get(id));
			const packs = await get<{ ids: string[]; parts: Record<string, Uint8Array | string>[] }[]>(tx.objectStore('docPacks').index('ids').getAll(id));
			db.close();
			const held = [row?.parts.private, ...packs.map((p) => p.parts[p.ids.indexOf(id)]?.private)];
			return held.some((data) => {
				if (!data) return false;
				const bytes = typeof data === 'string' ? Uint8Array.from(atob(data), (c) => c.charCodeAt(0)) : data;
				return new TextDecoder('latin1').decode(bytes).includes(needle);
			});
		},
		[PARCEL, text] as const
	);
}

test('a device that syncs after an erasure drops the erased value and keeps the rest', async ({ page, baseURL }) => {
	test.setTimeout(180_000);
	await importKey(page, demoKey('assessor-ava').path);
	await downloadDistrict(page, 'RIV');
	await page.goto(`/field/parcel/${PARCEL}`);
	const priv = page.getByRole('form', { name: 'Edit private' });
	await expect(priv.getByLabel('Contact p1: e-mail')).toHaveValue(EMAIL, { timeout: 30_000 });
	const phone = await priv.getByLabel('Contact p1: phone').inputValue();
	expect(phone).not.toBe('');
	expect(await deviceHolds(page, EMAIL)).toBe(true); // the scan can see the value while it is there

	const reg = demoKey('registrar');
	const cli = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'erase', '--server', baseURL!, '--key', reg.path, '--parcel', PARCEL, '--field', 'contacts.p1.email', '--reason', 'Data subject request (field e2e)', '--basis', 'GDPR Art. 17(1)(a)'], { encoding: 'utf8' });
	expect(cli.status, cli.stderr + cli.stdout).toBe(0);

	await page.goto('/field/outbox');
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expect(page.getByTestId('sync-outcome')).toContainText(/Synced:/, { timeout: 60_000 });
	expect(await deviceHolds(page, EMAIL)).toBe(false);
	await page.goto(`/field/parcel/${PARCEL}`);
	await expect(priv.getByLabel('Contact p1: phone')).toHaveValue(phone, { timeout: 30_000 });
	await expect(priv.getByLabel('Contact p1: e-mail')).toHaveValue('');
	expect(await page.content()).not.toContain(EMAIL);
});
