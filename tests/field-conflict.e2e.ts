// Issue #5 acceptance: two devices edit the same field of the same parcel offline, both sync,
// and both see the conflict with both values and both authors.
import { expect, test, type Browser } from '@playwright/test';
import { demoKey } from './support/demo';
import { downloadDistrict, editParcelField, importKey, waitForOfflineShell } from './support/field';

const PARCEL = 'RIV-000050';

async function device(browser: Browser, key: 'assessor-ava' | 'assessor-bo') {
	const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	await importKey(page, demoKey(key).path);
	await downloadDistrict(page, 'RIV');
	await waitForOfflineShell(page);
	return { context, page };
}

async function sync(page: import('@playwright/test').Page) {
	await page.goto('/field/outbox');
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expect(page.getByTestId('sync-outcome')).toContainText(/Synced:/, { timeout: 30_000 });
}

test('concurrent offline edits of one field show as a conflict on both devices', async ({ browser }) => {
	test.setTimeout(180_000);
	const ava = await device(browser, 'assessor-ava');
	const bo = await device(browser, 'assessor-bo');
	try {
		await ava.context.setOffline(true);
		await bo.context.setOffline(true);
		await editParcelField(ava.page, PARCEL, 'Zoning', 'AVA-Z');
		await editParcelField(bo.page, PARCEL, 'Zoning', 'BO-Z');
		await ava.context.setOffline(false);
		await bo.context.setOffline(false);
		await sync(ava.page);
		await sync(bo.page);
		await sync(ava.page);

		for (const { page } of [ava, bo]) {
			const arrived = page.getByTestId('conflict').filter({ hasText: PARCEL });
			await expect(arrived).toContainText('“AVA-Z” by Ava Assessor (demo)');
			await expect(arrived).toContainText('“BO-Z” by Bo Assessor (demo)');
			await page.goto(`/field/parcel/${PARCEL}`);
			const conflict = page.getByRole('group', { name: 'Conflicts' });
			await expect(conflict).toContainText('Conflict in zoning');
			await expect(conflict.getByRole('listitem').filter({ hasText: 'AVA-Z' })).toContainText('Ava Assessor (demo)');
			await expect(conflict.getByRole('listitem').filter({ hasText: 'BO-Z' })).toContainText('Bo Assessor (demo)');
		}
	} finally {
		await ava.context.close();
		await bo.context.close();
	}
});
