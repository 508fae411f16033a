import { expect, test } from '@playwright/test';

test('the served app shows the three entrances', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1, name: 'Parcel Ledger' })).toBeVisible();
	const entrances = page.getByRole('list', { name: 'Entrances' });
	for (const name of ['Public lookup', 'Field', 'Registry']) {
		await expect(entrances.getByRole('link', { name, exact: true })).toBeVisible();
	}
	await entrances.getByRole('link', { name: 'Field', exact: true }).click();
	await expect(page).toHaveURL(/\/field$/);
	await expect(page.getByRole('heading', { level: 1, name: 'Field' })).toBeVisible();
});
