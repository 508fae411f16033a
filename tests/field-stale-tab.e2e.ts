// A tab that missed another tab's save (its change notices come late or not at all) saves over a
// stale view of the parcel: its save must notice that the stored parcel moved on and put its
// change on top, so neither edit is lost (save.ts: a save's basis is checked, never trusted).
import { expect, test } from '@playwright/test';
import { demoKey } from './support/demo';
import { downloadDistrict, importKey } from './support/field';

test('a tab that missed another tab’s save keeps both edits when it saves', async ({ page, context }) => {
	test.setTimeout(120_000);
	await importKey(page, demoKey('assessor-bo').path);
	await downloadDistrict(page, 'RIV');
	const deaf = await context.newPage();
	// Dexie tells other tabs of a write over this BroadcastChannel: this tab never hears it.
	await deaf.addInitScript(() => {
		const Real = BroadcastChannel;
		globalThis.BroadcastChannel = class extends Real {
			constructor(name: string) {
				super(name.startsWith('x-storagemutated') ? `${name}-not-heard-${Math.random()}` : name);
			}
		};
	});
	const errors: string[] = [];
	deaf.on('pageerror', (e) => errors.push(e.message));
	await deaf.goto('/field/parcel/RIV-000062');
	const stale = deaf.getByRole('form', { name: 'Edit parcel' });
	const zoning = await stale.getByLabel('Zoning', { exact: true }).inputValue();

	await page.goto('/field/parcel/RIV-000062');
	const form = page.getByRole('form', { name: 'Edit parcel' });
	await form.getByLabel('Zoning', { exact: true }).fill('SEEN-BY-ONE');
	await form.getByRole('button', { name: 'Save parcel' }).click();
	await expect(form.getByRole('status')).toContainText('Saved on this device');

	// The deaf tab still shows the old zoning, and saves another field over that view.
	await expect(stale.getByLabel('Zoning', { exact: true })).toHaveValue(zoning);
	await stale.getByLabel('Land use', { exact: true }).fill('saved over a stale view');
	await stale.getByRole('button', { name: 'Save parcel' }).click();
	await expect(stale.getByRole('status')).toContainText('Saved on this device');

	// Both edits are in the stored parcel, and both are queued to sync.
	await page.reload();
	const fresh = page.getByRole('form', { name: 'Edit parcel' });
	await expect(fresh.getByLabel('Zoning', { exact: true })).toHaveValue('SEEN-BY-ONE');
	await expect(fresh.getByLabel('Land use', { exact: true })).toHaveValue('saved over a stale view');
	await page.goto('/field/outbox');
	await expect(page.getByTestId('outbox-total')).toContainText('2 edit(s) not yet synced');
	expect(errors).toEqual([]);
	await deaf.close();
});
