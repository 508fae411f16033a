// Issue #5 acceptance: the server starts serving a log with another history under the same key
// (the data folder is swapped for another demo county: the demo log key is deterministic). The
// device halts sync with a red alarm and keeps the evidence, across reloads.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { demoKey } from './support/demo';
import { deviceCheckpoint, downloadDistrict, importKey, FORK_PARCELS, HONEST_PARCELS, seedDemo, TestServer } from './support/field';

test('a log that rewrote its history halts sync with an alarm and kept evidence', async ({ browser }) => {
	test.setTimeout(240_000);
	const forked = seedDemo(FORK_PARCELS); // same origin and key, a different (longer) history
	const server = new TestServer(4412, seedDemo(HONEST_PARCELS));
	await server.start();
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	try {
		await importKey(page, demoKey('assessor-ava').path);
		await downloadDistrict(page, 'RIV');
		const trusted = await deviceCheckpoint(page); // what the device holds, whatever the server did since

		await server.stop();
		server.dataDir = forked;
		await server.start();
		const other = await (await context.request.get('/log/checkpoint')).text();
		expect(other).not.toBe(trusted);

		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		const alarm = page.getByRole('alert').filter({ hasText: 'Sync halted: the log rewrote its history' });
		await expect(alarm).toBeVisible({ timeout: 30_000 });
		await expect(page.getByRole('button', { name: 'Sync now' })).toBeDisabled();
		await alarm.getByText('Evidence kept on this device').click();
		await expect(alarm.locator('pre').first()).toHaveText(trusted.trim());
		await expect(alarm.locator('pre').nth(1)).toHaveText(other.trim());

		mkdirSync('test-results/field-screens', { recursive: true });
		for (const [w, h] of [[1024, 768], [768, 1024]]) {
			await page.setViewportSize({ width: w, height: h });
			await page.screenshot({ path: `test-results/field-screens/alarm-${w}x${h}.png`, fullPage: true });
			expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
		}

		// Evidence survives a reload; the halt holds until someone acknowledges it.
		await page.reload();
		await expect(page.getByRole('alert').filter({ hasText: 'Sync halted' })).toBeVisible();
		const kept = await page.evaluate(async () => {
			const open = indexedDB.open('parcel-ledger-field');
			const db: IDBDatabase = await new Promise((r) => (open.onsuccess = () => r(open.result)));
			const all = db.transaction('alarms').objectStore('alarms').getAll();
			return new Promise<{ kind: string; trusted: string; received: string }[]>((r) => (all.onsuccess = () => r(all.result)));
		});
		expect(kept.some((a) => a.kind === 'fork' && a.trusted.trim() === trusted.trim() && a.received === other)).toBe(true);
		await page.getByRole('button', { name: /allow sync again/ }).click();
		await expect(page.getByRole('alert').filter({ hasText: 'Sync halted' })).toHaveCount(0);
		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		// Still the other history: the alarm comes back, and the first evidence is still kept.
		await expect(page.getByRole('alert').filter({ hasText: 'Sync halted' })).toBeVisible({ timeout: 30_000 });
	} finally {
		await context.close();
		await server.stop();
	}
});
