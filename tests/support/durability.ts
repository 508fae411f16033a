// Shared steps of the browser durability tests: a seeded random source (the seed is printed,
// so a failing run can be replayed with DURABILITY_SEED), and setting up a device in a
// DurableBrowser against a TestServer.
import { expect, test, type Page } from '@playwright/test';
import { demoKey } from './demo';
import { importKey } from './field';
import type { DurableBrowser } from './durable-browser';

/** mulberry32: small, seedable, good enough to pick kill moments. */
export function seededRandom(label: string): () => number {
	const seed = Number(process.env.DURABILITY_SEED ?? Math.floor(Math.random() * 2 ** 31));
	test.info().annotations.push({ type: 'seed', description: `${label}: DURABILITY_SEED=${seed}` });
	console.log(`${label}: DURABILITY_SEED=${seed}`);
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const ASSESSOR = 'assessor-ava' as const;

/** Imports the assessor's demo key and downloads RIV; returns `count` RIV parcel ids. */
export async function setUpDevice(browser: DurableBrowser, count: number): Promise<{ page: Page; parcels: string[] }> {
	const page = await browser.launch();
	await importKey(page, demoKey(ASSESSOR).path);
	// As field.ts downloadDistrict, but the sync that follows the download may show its progress
	// and the last outcome at once (a strict-mode clash in that helper's last wait).
	await page.goto('/field/districts');
	await page.getByRole('button', { name: 'Download district RIV' }).click();
	await expect(page.getByRole('row', { name: /^RIV\b/ }).getByText('Ready')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByText(/Up to date/)).toBeVisible({ timeout: 60_000 });
	const ids = await page.evaluate(async () => {
		const open = indexedDB.open('parcel-ledger-field');
		const db: IDBDatabase = await new Promise((ok) => (open.onsuccess = () => ok(open.result)));
		const r = db.transaction('parcels').objectStore('parcels').index('district').getAllKeys('RIV');
		const keys: string[] = await new Promise((ok) => (r.onsuccess = () => ok(r.result as string[])));
		db.close();
		return keys.sort();
	});
	expect(ids.length).toBeGreaterThanOrEqual(count + 20);
	// Away from the first parcels, which other field tests edit (on their own servers, but still).
	return { page, parcels: ids.slice(ids.length - count) };
}

/** Opens a parcel's screen and waits for its form. */
export async function openParcel(page: Page, parcelId: string): Promise<void> {
	await page.goto(`/field/parcel/${parcelId}`);
	await expect(page.getByRole('form', { name: 'Edit parcel' })).toBeVisible({ timeout: 30_000 });
}

/** The outbox screen's count of edits not yet synced. */
export async function expectOutboxCount(page: Page, n: number): Promise<void> {
	await page.goto('/field/outbox');
	await expect(page.getByTestId('outbox-total')).toContainText(`${n} edit(s) not yet synced`, { timeout: 30_000 });
}
