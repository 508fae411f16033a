// The registry workspace at desktop sizes (1280×800 and 1440×900): screenshots for people to look
// at (test-results/registry-screens/), and no sideways overflow. Adds a geometry conflict (two
// assessors' concurrent shapes) so the queue shows one, and an overlap it introduces.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { demoKey } from './support/demo';
import { signedEdit } from './support/edits';
import { openRegistry } from './support/registry';

const SIZES = [
	[1280, 800],
	[1440, 900]
] as const;

async function shoot(page: Page, name: string) {
	for (const [width, height] of SIZES) {
		await page.setViewportSize({ width, height });
		await page.waitForTimeout(200);
		await page.screenshot({ path: `test-results/registry-screens/${name}-${width}x${height}.png`, fullPage: true });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
		expect(overflow, `${name} at ${width}×${height} overflows sideways by ${overflow}px`).toBeLessThanOrEqual(0);
	}
}

test('the registry screens fit a desktop', async ({ browser, request }) => {
	test.setTimeout(180_000);
	mkdirSync('test-results/registry-screens', { recursive: true });
	// Two assessors redraw RIV-000027 concurrently, each widening it (differently) into its eastern neighbour.
	const parcel = await (await request.get('/api/parcels/RIV-000027')).json();
	const ring: number[][] = parcel.geometry.coordinates[0];
	const wider = ring.map(([x, y], i) => [i === 1 || i === 2 ? x + 0.0002 : x, y]);
	const nudged = ring.map(([x, y], i) => [i === 1 || i === 2 ? x + 0.00015 : x, y]);
	const e1 = await signedEdit(request, demoKey('assessor-ava').signer, 'RIV-000027', 'parcel', { geometry: { type: 'Polygon', coordinates: [wider] } });
	const e2 = await signedEdit(request, demoKey('assessor-bo').signer, 'RIV-000027', 'parcel', { geometry: { type: 'Polygon', coordinates: [nudged] } });
	expect((await request.post('/api/edits', { data: { edits: [e1, e2] } })).status()).toBe(200);

	const { context, page } = await openRegistry(browser);
	// Every screen runs under the app's strict Content-Security-Policy (svelte.config.js).
	const violations: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to (load|execute|apply|create|connect)/i.test(m.text())) violations.push(m.text());
	});
	try {
		await expect(page.getByRole('link', { name: /conflicting field/ })).toBeVisible();
		await shoot(page, 'home');

		await page.goto('/registry/conflicts');
		const shape = page.locator('[data-testid="conflict-item"][data-parcel="RIV-000027"][data-path="geometry"]');
		await expect(async () => {
			await page.reload();
			await expect(shape).toBeVisible({ timeout: 2000 });
		}).toPass({ timeout: 30_000 });
		await expect(shape.getByRole('img', { name: /Shape 1/ })).toBeVisible();
		await expect(page.getByTestId('spatial-issues')).toContainText('RIV-000027');
		await shoot(page, 'conflicts');

		await page.goto('/registry/parcels/RIV-000003');
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All');
		await expect(page.getByTestId('share-sums')).toContainText('ownership: shares sum to 1/1 ✓');
		await shoot(page, 'parcel');

		// Shares must sum to 1 per right type: the editor says so before anything is saved.
		await page.getByRole('button', { name: 'Add right' }).click();
		await expect(page.getByTestId('share-sums')).toContainText('ownership: shares sum to 2/1 — must be exactly 1');
		await expect(page.getByTestId('title-issues')).toContainText('they must sum to exactly 1');
		await expect(page.getByRole('button', { name: 'Save owners and rights' })).toBeDisabled();

		await page.goto('/registry/keys');
		await expect(page.getByTestId('key-row').first()).toBeVisible();
		await shoot(page, 'keys');

		await page.goto('/registry/import');
		const csv = 'id,addressLine,owners,geometry,totalValue\nRIV-000001,1 Taken Road,Ann Example,"{""type"":""Polygon"",""coordinates"":[[[5,52],[5.001,52],[5.001,52.001],[5,52]]]}",1\nbad id,2 Road,,,2\n';
		await page.getByLabel(/CSV \(with a header row\) or GeoJSON/).setInputFiles({ name: 'sample.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
		await page.getByRole('button', { name: 'Check 2 rows' }).click();
		await expect(page.getByTestId('import-summary')).toContainText('0 of 2 rows are ready');
		await shoot(page, 'import');

		await page.goto('/registry/export');
		await page.getByLabel('District').selectOption('RIV');
		await shoot(page, 'export');
		expect(violations).toEqual([]);
	} finally {
		await context.close();
	}
});
