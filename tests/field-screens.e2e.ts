// The field app's main screens at tablet sizes (landscape 1024×768, portrait 768×1024):
// screenshots for people to look at (test-results/field-screens/), and no sideways overflow.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { demoKey } from './support/demo';
import { downloadDistrict, editParcelField, importKey } from './support/field';

const SIZES = [
	[1024, 768],
	[768, 1024]
] as const;

async function shoot(page: Page, name: string) {
	for (const [width, height] of SIZES) {
		await page.setViewportSize({ width, height });
		await page.waitForTimeout(300); // let the map resize
		await page.screenshot({ path: `test-results/field-screens/${name}-${width}x${height}.png`, fullPage: true });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		expect(overflow, `${name} at ${width}×${height} overflows sideways by ${overflow}px`).toBeLessThanOrEqual(0);
	}
}

test('the field screens fit a tablet in both orientations', async ({ page }) => {
	test.setTimeout(120_000);
	mkdirSync('test-results/field-screens', { recursive: true });
	await importKey(page, demoKey('assessor-ava').path);
	await shoot(page, 'setup');
	await downloadDistrict(page, 'RIV');
	await shoot(page, 'districts');
	await editParcelField(page, 'RIV-000003', 'Postcode', 'SC1 2EE');

	await page.goto('/field/search');
	await page.getByLabel('Parcel number, address or owner').fill('orchard');
	await expect(page.getByRole('list', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
	await expect(page.locator('.maplibregl-canvas')).toBeVisible();
	await shoot(page, 'search');

	await page.goto('/field/parcel/RIV-000003');
	await expect(page.getByRole('group', { name: 'Conflicts' })).toBeVisible();
	await expect(page.getByTestId('readonly-title')).toContainText('Only registrars may change ownership and rights');
	await shoot(page, 'parcel');

	await page.goto('/field/outbox');
	await expect(page.getByTestId('outbox-total')).toContainText('1 edit(s) not yet synced');
	await shoot(page, 'outbox');
});
