// Two tabs of one device: each has its own Automerge actor, every tab sees the other's saves
// (Dexie liveQuery across tabs), and both tabs' edits of one parcel sync without a duplicate seq.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { demoKey } from './support/demo';
import { downloadDistrict, importKey } from './support/field';

test('two tabs edit one parcel; both edits sync and every tab updates', async ({ page, context }) => {
	test.setTimeout(120_000);
	await importKey(page, demoKey('assessor-bo').path);
	await downloadDistrict(page, 'RIV');
	const other = await context.newPage();
	await other.goto('/field/parcel/RIV-000061');
	await page.goto('/field/parcel/RIV-000061');

	const formA = page.getByRole('form', { name: 'Edit parcel' });
	await formA.getByLabel('Zoning', { exact: true }).fill('TAB-A');
	await formA.getByRole('button', { name: 'Save parcel' }).click();
	await expect(formA.getByRole('status')).toContainText('Saved on this device');

	// The other tab sees the save without reloading, then edits another field of the same part.
	const formB = other.getByRole('form', { name: 'Edit parcel' });
	await expect(formB.getByLabel('Zoning', { exact: true })).toHaveValue('TAB-A');
	await expect(other.getByRole('navigation', { name: 'Field' }).getByLabel(/1 not yet synced/)).toBeVisible();
	await formB.getByLabel('Land use', { exact: true }).fill('tab B use');
	await formB.getByRole('button', { name: 'Save parcel' }).click();
	await expect(formB.getByRole('status')).toContainText('Saved on this device');

	// A photo from a file: resized, hashed, stored as a blob, recorded in the parcel part.
	await formB.page().getByLabel(/take or choose a photo/i).setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: readFileSync('static/icons/icon-512.png') });
	await expect(other.getByRole('img', { name: 'Parcel photo' })).toBeVisible();

	await page.goto('/field/outbox');
	await expect(page.getByTestId('outbox-total')).toContainText('3 edit(s) not yet synced');
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expect(page.getByTestId('sync-outcome')).toContainText('3 edit(s) accepted and verified, 0 refused');
	const { entries } = await (await context.request.get('/api/parcels/RIV-000061/entries')).json();
	const mine = entries.filter((e: { author: string }) => e.author === demoKey('assessor-bo').publicKey);
	expect(mine.length).toBeGreaterThanOrEqual(3);
	await other.close();
});
