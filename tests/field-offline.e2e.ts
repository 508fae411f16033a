// Issue #5 acceptance: set up, download, go offline (server stopped AND context offline),
// search, edit three parcels, reload offline: the edits are there and the outbox shows 3;
// restart the server and sync: the outbox empties, each edit's inclusion is verified, and the
// entries are in the log.
import { expect, test } from '@playwright/test';
import { demoKey } from './support/demo';
import { copyDemoData, downloadDistrict, editParcelField, importKey, TestServer, waitForOfflineShell } from './support/field';

test('offline edits survive a reload and sync with verified inclusion', async ({ browser }) => {
	test.setTimeout(180_000);
	const server = new TestServer(4411, await copyDemoData());
	await server.start();
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	try {
		const ava = demoKey('assessor-ava');
		await importKey(page, ava.path);
		await waitForOfflineShell(page);
		await downloadDistrict(page, 'RIV');

		await server.stop();
		await expect(fetch(`${server.url}/log/checkpoint`)).rejects.toThrow(); // really gone
		await context.setOffline(true);
		await page.goto('/field/search');
		const search = page.getByLabel('Parcel number, address or owner');
		await search.fill('RIV-000012');
		const results = page.getByRole('list', { name: 'Search results' });
		await expect(results.getByRole('link', { name: /RIV-000012/ })).toBeVisible();
		// By address word and by owner-name prefix, from the device's own rows.
		const row = await page.evaluate(async () => {
			const open = indexedDB.open('parcel-ledger-field');
			const db: IDBDatabase = await new Promise((r) => (open.onsuccess = () => r(open.result)));
			const get = db.transaction('parcels').objectStore('parcels').get('RIV-000013');
			return new Promise<{ addressLine: string; owners: string[] }>((r) => (get.onsuccess = () => r(get.result)));
		});
		await search.fill(row.addressLine);
		await expect(results.getByRole('link', { name: /RIV-000013/ })).toBeVisible();
		await search.fill(row.owners[0].slice(0, 4));
		await expect(results.getByRole('link').first()).toBeVisible();
		await search.fill(`${row.owners[0].split(' ').at(-1)} ${row.addressLine.split(' ')[0]}`);
		await expect(results.getByRole('link', { name: /RIV-000013/ })).toBeVisible();

		await results.getByRole('link', { name: /RIV-000013/ }).click();
		await expect(page.getByRole('heading', { level: 1, name: 'RIV-000013' })).toBeVisible();
		await editParcelField(page, 'RIV-000012', 'Zoning', 'OFF-1');
		await editParcelField(page, 'RIV-000013', 'Land use', 'orchard (offline)');
		await editParcelField(page, 'RIV-000014', 'Postcode', 'OF1 1NE');

		await page.reload();
		await page.goto('/field/outbox');
		await expect(page.getByTestId('outbox-total')).toContainText('3 edit(s) not yet synced');
		await page.goto('/field/parcel/RIV-000012');
		await expect(page.getByLabel('Zoning', { exact: true })).toHaveValue('OFF-1');
		await expect(page.getByTestId('parcel-sync-status')).toContainText('1 edit(s) not yet synced');

		await server.start();
		await context.setOffline(false);
		await page.goto('/field/outbox');
		// Reconnecting syncs by itself; the button is the manual way (it may find a sync running).
		if (await page.getByRole('button', { name: 'Sync now' }).isEnabled()) await page.getByRole('button', { name: 'Sync now' }).click();
		await expect(page.getByTestId('outbox-total')).toContainText('0 edit(s) not yet synced', { timeout: 30_000 });
		const synced = page.getByTestId('synced-edit');
		await expect(synced).toHaveCount(3);
		for (const row of await synced.all()) await expect(row).toContainText('✓ verified in tree of');

		// The entries are in the log, signed by the device's key, with the device's change bytes.
		for (const id of ['RIV-000012', 'RIV-000013', 'RIV-000014']) {
			const { entries } = await (await context.request.get(`/api/parcels/${id}/entries`)).json();
			const mine = entries.filter((e: { author: string; part: string }) => e.author === ava.publicKey && e.part === 'parcel');
			expect(mine.length).toBeGreaterThan(0);
			const last = mine.at(-1);
			const bundle = await context.request.get(`/api/log/entries?start=${last.index}&end=${last.index + 1}`);
			expect((await bundle.json()).entries[0].entry).toBe(last.entry);
		}
		const { entries } = await (await context.request.get('/api/parcels/RIV-000012/entries')).json();
		const change = await context.request.get(`/api/changes/${entries.at(-1).changeHash}`);
		expect(change.ok()).toBe(true);
	} finally {
		await context.close();
		await server.stop();
	}
});
