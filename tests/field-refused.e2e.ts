// Issue #5 acceptance: an edit the server refuses (the key was revoked while the device was
// offline) stays visible with the server's reason. Also covers enrolment: the device creates
// its own key, shows its code, and a registrar grants it.
import { expect, test } from '@playwright/test';
import { parseEnrolment } from '../src/lib/core/signing/enrolment';
import { keyEntryToWire, signKeyEntry } from '../src/lib/core/signing/submit';
import { demoKey } from './support/demo';
import { origin } from './support/edits';
import { downloadDistrict, editParcelField, waitForOfflineShell } from './support/field';

test('an edit refused by the server stays in the outbox with the reason', async ({ page, request }) => {
	test.setTimeout(120_000);
	await page.goto('/field/setup');
	await page.getByLabel('Your name').fill('Zoë Field');
	await page.getByRole('button', { name: 'Create a key on this device' }).click();
	const code = await page.getByTestId('enrolment-code').inputValue();
	const enrolment = parseEnrolment(code);
	expect(enrolment.ok && enrolment.value.name).toBe('Zoë Field');
	if (!enrolment.ok) return;
	await expect(page.getByRole('img', { name: 'Enrolment code as a QR code' })).toBeVisible();

	const registrar = demoKey('registrar').signer;
	const logOrigin = await origin(request);
	const keyEntry = async (body: Parameters<typeof signKeyEntry>[0]['body']) =>
		keyEntryToWire(await signKeyEntry({ origin: logOrigin, signer: registrar, body, claimedTime: Date.now() }));
	const grant = await request.post('/api/keys', {
		data: { entries: [await keyEntry({ kind: 'grant', grantee: enrolment.value.publicKey, role: 'assessor', name: 'Zoë Field', districts: ['NORTH'] })] }
	});
	expect(grant.status()).toBe(200);

	await downloadDistrict(page, 'NORTH');
	await page.goto('/field/setup');
	await expect(page.getByTestId('grant-status')).toContainText('Granted: assessor, districts NORTH');

	await waitForOfflineShell(page);
	await page.context().setOffline(true);
	await editParcelField(page, 'NORTH-000007', 'Zoning', 'REVOKED-WHILE-OFFLINE');
	const revoke = await request.post('/api/keys', {
		data: { entries: [await keyEntry({ kind: 'revoke', revoked: enrolment.value.publicKey, reason: 'Tablet reported lost (test)' })] }
	});
	expect(revoke.status()).toBe(200);
	await page.context().setOffline(false);

	await page.goto('/field/outbox');
	await page.getByRole('button', { name: 'Sync now' }).click();
	const refused = page.getByTestId('refused-edit');
	await expect(refused).toHaveCount(1, { timeout: 30_000 });
	await expect(refused).toContainText('NORTH-000007');
	await expect(refused).toContainText('revoked-key');
	await expect(refused).toContainText('Tablet reported lost (test)');
	// The sync goes on after the push (pull, checks): let it finish before reloading the page.
	await expect(page.getByText(/Synced: .* 1 refused/)).toBeVisible({ timeout: 60_000 });

	await page.reload();
	await expect(page.getByTestId('refused-edit')).toContainText('revoked-key');
	await page.goto('/field/parcel/NORTH-000007');
	await expect(page.getByRole('alert').filter({ hasText: 'Refused by the server' })).toContainText('Tablet reported lost (test)');
	await page.goto('/field/setup');
	await expect(page.getByTestId('grant-status')).toContainText('REVOKED', { timeout: 30_000 });
});
