// Registrar-only fields: owners and rights with shares that must sum to 1 per right type, saved
// through the same offline-safe path as the field app (signed and kept in IndexedDB, sent when the
// connection returns), then shown in the verified history.
import { expect, test } from '@playwright/test';
import { openRegistry } from './support/registry';

const PARCEL = 'RIV-000090';

test('a registrar edits rights offline; shares are checked; the edit is sent when back online and verified', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const { context, page } = await openRegistry(browser);
	try {
		await page.goto(`/registry/parcels/${PARCEL}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All');
		// Opening the parcel read its private details: that read is a signed access entry, listed here.
		const reads = page.getByTestId('access-row').filter({ hasText: 'Rhea Registrar (demo)' }).filter({ hasText: 'this parcel' });
		await expect(reads.first()).toBeVisible();
		const index = Number((await reads.first().getByRole('rowheader').textContent())!.slice(1));
		const [entry] = (await (await request.get(`/api/log/entries?start=${index}&end=${index + 1}`)).json()).entries;
		expect(entry).toMatchObject({ kind: 'access', scope: PARCEL });
		await context.setOffline(true);

		const title = page.getByRole('form', { name: 'Edit title' });
		await title.getByRole('button', { name: 'Add party' }).click();
		const newParty = title.getByRole('textbox', { name: /^Name of party/ }).last();
		await newParty.fill('Grace Easement (e2e)');
		await title.getByRole('button', { name: 'Add right' }).click();
		// A second full ownership: the shares sum to 2 and nothing can be saved.
		await expect(page.getByTestId('share-sums')).toContainText(/ownership: shares sum to \d+\/\d+ — must be exactly 1/);
		await expect(title.getByRole('button', { name: 'Save owners and rights' })).toBeDisabled();
		const row = page.getByTestId('right-row').last();
		await row.getByRole('combobox', { name: /^Type of right/ }).selectOption('easement');
		await row.getByRole('combobox', { name: /^Holder of right/ }).selectOption({ label: 'Grace Easement (e2e)' });
		await expect(page.getByTestId('share-sums')).toContainText('easement: shares sum to 1/1 ✓');
		await title.getByRole('button', { name: 'Save owners and rights' }).click();
		await expect(title.getByRole('status')).toContainText('Saved on this workstation and signed');
		await expect(page.getByTestId('outbox-count')).toContainText('1 edit(s) not yet sent');
		await expect(page.getByTestId('history-row').filter({ hasText: 'Grace Easement (e2e)' }).getByTestId('verified')).toContainText('on this workstation, not yet sent');
		expect(JSON.stringify((await (await request.get(`/api/parcels/${PARCEL}`)).json()).record)).not.toContain('Grace Easement');

		// Back online: the workspace sends the outbox by itself and the log includes the edit.
		await context.setOffline(false);
		await expect(page.getByTestId('outbox-count')).toContainText('All edits sent', { timeout: 30_000 });
		await page.reload();
		const change = page.getByTestId('history-row').filter({ hasText: 'Grace Easement (e2e)' });
		await expect(change).toContainText('Rhea Registrar (demo)');
		await expect(change.getByTestId('verified')).toContainText('✓ verified');
		await expect.poll(async () => JSON.stringify((await (await request.get(`/api/parcels/${PARCEL}`)).json()).record.rights), { timeout: 15_000 }).toContain('easement');
	} finally {
		await context.close();
	}
});
