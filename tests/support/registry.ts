// Driving the registry workspace in a real browser: a desktop-sized context signed in with the
// demo registrar's key file (imported into the workspace's own IndexedDB).
import { expect, type Browser, type Page } from '@playwright/test';
import { demoKey } from './demo';

export async function openRegistry(browser: Browser, viewport = { width: 1280, height: 800 }) {
	const context = await browser.newContext({ viewport, acceptDownloads: true });
	const page = await context.newPage();
	await page.goto('/registry');
	await page.getByLabel(/Import a registrar key file/).setInputFiles(demoKey('registrar').path);
	await expect(page.getByTestId('session')).toContainText('Signed in as Rhea Registrar (demo)', { timeout: 30_000 });
	return { context, page };
}

/** The queue entry of one conflicting field. */
export const conflictItem = (page: Page, parcel: string, path: string) =>
	page.locator(`[data-testid="conflict-item"][data-parcel="${parcel}"][data-path="${path}"]`);

/**
 * The conflict queue's entry of one field of a RIV parcel, once the queue lists it (the projection
 * follows the log: the district is chosen again until it does).
 */
export async function queuedConflict(page: Page, parcel: string, path: string) {
	await page.goto('/registry/conflicts');
	const item = conflictItem(page, parcel, path);
	await expect(async () => {
		await page.getByLabel('District').selectOption('');
		await page.getByLabel('District').selectOption('RIV');
		await expect(item).toBeVisible({ timeout: 2000 });
	}).toPass({ timeout: 30_000 });
	return item;
}

/** Syncs a field device from its outbox page. */
export async function syncField(page: Page): Promise<void> {
	await page.goto('/field/outbox');
	await page.getByRole('button', { name: 'Sync now' }).click();
	await expect(page.getByTestId('sync-outcome')).toContainText(/Synced:|Sync stopped/, { timeout: 60_000 });
}
