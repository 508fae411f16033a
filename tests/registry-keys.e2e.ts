// Issue #6 acceptance: the registrar grants a new tablet's key from a QR image of its enrolment
// code, then revokes it (lost tablet) with a reason; the tablet's next pushed edit is refused and
// the assessor sees the reason; the registry lists the refused edit.
import { expect, test } from '@playwright/test';
import QRCode from 'qrcode';
import { downloadDistrict, editParcelField, waitForOfflineShell } from './support/field';
import { openRegistry } from './support/registry';

test('grant from a QR image, revoke with a reason: the next pushed edit is refused and the assessor sees why', async ({ browser }) => {
	test.setTimeout(240_000);
	const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 } });
	const field = await tablet.newPage();
	const reg = await openRegistry(browser);
	try {
		await field.goto('/field/setup');
		await field.getByLabel('Your name').fill('Kim Field (e2e)');
		await field.getByRole('button', { name: 'Create a key on this device' }).click();
		const code = await field.getByTestId('enrolment-code').inputValue();

		// The registrar reads the QR code from a photo of the tablet's screen and grants NORTH.
		const page = reg.page;
		await page.goto('/registry/keys');
		await expect(page.getByTestId('key-row').filter({ hasText: 'Cy Assessor (demo, revoked)' })).toContainText('Tablet reported lost (demo)');
		const png = await QRCode.toBuffer(code, { margin: 2, scale: 6 });
		await page.getByLabel('Or read it from a QR image').setInputFiles({ name: 'enrolment.png', mimeType: 'image/png', buffer: png });
		await expect(page.getByLabel('Enrolment code')).toHaveValue(code);
		await expect(page.getByTestId('enrolment-preview')).toContainText('Kim Field (e2e)');
		await page.getByLabel('Role').selectOption('assessor');
		await page.getByRole('checkbox', { name: 'NORTH' }).check();
		await page.getByRole('button', { name: 'Sign and grant' }).click();
		await expect(page.getByTestId('grant-result')).toContainText(/Signed and logged at entry #\d+; inclusion verified ✓/, { timeout: 30_000 });
		const kim = page.getByTestId('key-row').filter({ hasText: 'Kim Field (e2e)' });
		await expect(kim).toContainText('assessor');
		await expect(kim).toContainText('NORTH');
		await expect(kim).toContainText('by Rhea Registrar (demo)');
		await expect(kim).toContainText('Active');

		// The tablet downloads its district, and edits offline.
		await downloadDistrict(field, 'NORTH');
		await field.goto('/field/setup');
		await expect(field.getByTestId('grant-status')).toContainText('Granted: assessor, districts NORTH');
		await waitForOfflineShell(field);
		await tablet.setOffline(true);
		await editParcelField(field, 'NORTH-000011', 'Zoning', 'AFTER-REVOCATION');

		// Meanwhile the tablet is reported lost: revoked, with a reason, as a signed entry.
		await kim.getByRole('button', { name: 'Revoke the key of Kim Field (e2e)' }).click();
		await kim.getByLabel('Reason').fill('Tablet reported lost (e2e)');
		await kim.getByRole('button', { name: 'Sign and revoke' }).click();
		await expect(kim).toContainText('Revoked', { timeout: 30_000 });
		await expect(kim).toContainText('“Tablet reported lost (e2e)”');

		// Back online, the tablet pushes: refused, and the assessor sees the reason.
		await tablet.setOffline(false);
		await field.goto('/field/outbox');
		await field.getByRole('button', { name: 'Sync now' }).click();
		const refused = field.getByTestId('refused-edit');
		await expect(refused).toHaveCount(1, { timeout: 30_000 });
		await expect(refused).toContainText('NORTH-000011');
		await expect(refused).toContainText('revoked-key');
		await expect(refused).toContainText('Tablet reported lost (e2e)');

		// The registry shows the edit that arrived after the revocation as refused.
		await page.reload();
		const row = page.getByTestId('refusal-row').filter({ hasText: 'NORTH-000011' });
		await expect(row).toContainText('Kim Field (e2e)', { timeout: 30_000 });
		await expect(row).toContainText('refused revoked-key');
		await expect(row).toContainText('Tablet reported lost (e2e)');
	} finally {
		await tablet.close();
		await reg.context.close();
	}
});
