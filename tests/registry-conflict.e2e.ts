// Issue #6 acceptance: two offline assessors conflict on a field; the registrar resolves it in the
// queue (a typed merged value); both assessors sync and see the resolved value; the registrar's
// history shows both edits and the resolution, each verified in the browser.
import { expect, test, type Browser } from '@playwright/test';
import { demoKey } from './support/demo';
import { downloadDistrict, editParcelField, importKey, waitForOfflineShell } from './support/field';
import { conflictItem, openRegistry, queuedConflict, syncField } from './support/registry';

const PARCEL = 'RIV-000077';

async function device(browser: Browser, key: 'assessor-ava' | 'assessor-bo') {
	const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	await importKey(page, demoKey(key).path);
	await downloadDistrict(page, 'RIV');
	await waitForOfflineShell(page);
	return { context, page };
}

test('a conflict between two offline assessors is resolved in the registry queue and reaches both', async ({ browser }) => {
	test.setTimeout(300_000);
	const ava = await device(browser, 'assessor-ava');
	const bo = await device(browser, 'assessor-bo');
	const reg = await openRegistry(browser);
	try {
		await ava.context.setOffline(true);
		await bo.context.setOffline(true);
		await editParcelField(ava.page, PARCEL, 'Zoning', 'AVA-Z');
		await editParcelField(bo.page, PARCEL, 'Zoning', 'BO-Z');
		await ava.context.setOffline(false);
		await bo.context.setOffline(false);
		await syncField(ava.page);
		await syncField(bo.page);

		// The queue lists the field with both values side by side: author, role, device, times, entry.
		const page = reg.page;
		const item = await queuedConflict(page, PARCEL, 'zoning');
		const avaRow = item.getByTestId('conflict-value').filter({ hasText: 'AVA-Z' });
		const boRow = item.getByTestId('conflict-value').filter({ hasText: 'BO-Z' });
		await expect(avaRow).toContainText('Ava Assessor (demo)');
		await expect(avaRow).toContainText('assessor');
		await expect(boRow).toContainText('Bo Assessor (demo)');
		for (const row of [avaRow, boRow]) {
			await expect(row.getByRole('cell').nth(2)).toHaveText(/^[0-9a-f]{8}$/); // device: the actor's suffix
			await expect(row.getByRole('cell').nth(3)).toContainText('UTC'); // claimed time
			await expect(row.getByRole('cell').nth(4)).toContainText('UTC'); // log time
			await expect(row.getByRole('cell').nth(5)).toHaveText(/^#\d+$/); // log position
		}

		// Type a merged value: a signed edit, sent, and its inclusion verified.
		await item.getByLabel('Or type a merged value').fill('R-MERGED');
		await item.getByRole('button', { name: 'Use merged value' }).click();
		await expect(item.getByTestId('conflict-message')).toContainText(/Resolved: signed here, logged at entry #\d+, inclusion verified ✓/, { timeout: 30_000 });
		const resolvedAt = Number(/#(\d+)/.exec((await item.getByTestId('conflict-message').textContent())!)![1]);
		await expect(page.getByTestId('outbox-count')).toContainText('All edits sent');
		await expect(async () => {
			await page.reload();
			await expect(page.getByTestId('session')).toContainText('Signed in');
			await expect(page.getByRole('heading', { name: /conflicting field/ })).toBeVisible();
			await expect(conflictItem(page, PARCEL, 'zoning')).toHaveCount(0);
		}).toPass({ timeout: 30_000 });

		// Both assessors sync and see the resolved value, with no conflict left.
		for (const { page: p } of [ava, bo]) {
			await syncField(p);
			await p.goto(`/field/parcel/${PARCEL}`);
			await expect(p.getByRole('form', { name: 'Edit parcel' }).getByLabel('Zoning', { exact: true })).toHaveValue('R-MERGED');
			await expect(p.getByRole('group', { name: 'Conflicts' })).toHaveCount(0);
		}

		// The history: both assessors' edits and the resolution, each verified (signature + inclusion).
		await page.goto(`/registry/parcels/${PARCEL}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All');
		const zoning = page.getByTestId('history-row').filter({ hasText: 'zoning' });
		await expect(zoning).toHaveCount(3);
		const a = zoning.filter({ hasText: 'AVA-Z' }).filter({ hasText: 'Ava Assessor (demo)' });
		const b = zoning.filter({ hasText: 'BO-Z' }).filter({ hasText: 'Bo Assessor (demo)' });
		const r = page.locator(`[data-testid="history-row"][data-entry="${resolvedAt}"]`);
		await expect(r).toContainText('resolved a conflict');
		await expect(r).toContainText('R-MERGED');
		await expect(r).toContainText('Rhea Registrar (demo)');
		await expect(r).toContainText('registrar');
		for (const row of [a, b, r]) await expect(row.getByTestId('verified')).toContainText(/✓ verified\s*signature; included in the log of/);
		await expect(r.locator('th')).toHaveText(`#${resolvedAt}`);
	} finally {
		await ava.context.close();
		await bo.context.close();
		await reg.context.close();
	}
});

test('a value is kept from the queue; a valuation conflict is left to an assessor', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const { signedEdit } = await import('./support/edits');
	// Two assessors' concurrent valuations of one year (signed over HTTP, as any client would).
	const year = { land: 100_000, improvements: 50_000, assessor: 'County Assessor (demo)', date: '2025-04-01' };
	const e1 = await signedEdit(request, demoKey('assessor-ava').signer, 'RIV-000080', 'valuation', { 'assessments.2025': { ...year, total: 150_000 } });
	const e2 = await signedEdit(request, demoKey('assessor-bo').signer, 'RIV-000080', 'valuation', { 'assessments.2025': { ...year, land: 120_000, total: 170_000 } });
	expect((await request.post('/api/edits', { data: { edits: [e1, e2] } })).status()).toBe(200);

	const reg = await openRegistry(browser);
	try {
		const page = reg.page;
		await page.goto('/registry/conflicts');
		const valuation = conflictItem(page, 'RIV-000080', 'assessments.2025');
		await expect(async () => {
			await page.reload();
			await expect(valuation).toBeVisible({ timeout: 2000 });
		}).toPass({ timeout: 30_000 });
		await expect(valuation.getByTestId('conflict-refusal')).toContainText('Only assessors may change valuations');
		await expect(valuation.getByRole('button', { name: /Keep this value/ })).toHaveCount(0);

		const landUse = conflictItem(page, 'RIV-000010', 'landUse');
		await landUse.getByRole('button', { name: /Keep vacant by Bo Assessor/ }).click();
		await expect(landUse.getByTestId('conflict-message')).toContainText('inclusion verified ✓', { timeout: 30_000 });
		await expect.poll(async () => (await (await request.get('/api/parcels/RIV-000010')).json()).landUse, { timeout: 15_000 }).toBe('vacant');
	} finally {
		await reg.context.close();
	}
});
