// Issue #21, each user's part in real Chromium against the built server: a registrar files a claim
// for a person → the claims queue lists it → the public parcel page and search show "Disputed"
// and the claim's public part, never the claimant's contact → the registrar rejects it →
// "Disputed" is gone. An assessor files a claim offline → reload → sync → the registry queue
// lists it. Screenshots of the new screens go to test-results/claims-ui/.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { demoKey } from './support/demo';
import { downloadDistrict, importKey, waitForOfflineShell } from './support/field';
import { openRegistry } from './support/registry';
import { PIXEL_PNG, eventually, labelled, putOwnerOnNotice, shooter } from './support/claims';

const SHOTS = 'test-results/claims-ui';
const shoot = shooter(SHOTS);

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('a registrar files a claim for a person, the public sees "Disputed" without the contact, a rejection clears it', async ({ browser }) => {
	test.setTimeout(180_000);
	const parcel = 'RIV-000031';
	const text = `The eastern fence stands two metres inside the neighbouring lot (e2e ${Date.now()}).`;
	const contact = 'zed.claimant.e2e@example.org';
	const { context, page } = await openRegistry(browser);
	const visitor = await browser.newPage();
	try {
		await page.goto(`/registry/parcels/${parcel}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All');
		await page.getByText('File a claim').click();
		const form = page.getByRole('form', { name: 'File a claim' });
		await labelled(form);
		// Nothing is signed while the form is incomplete; the form says what is missing.
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form).toContainText('Choose what is claimed');
		await form.getByLabel('What is claimed').selectOption('boundary');
		// By keyboard: the checkbox takes focus and Space ticks it.
		await form.getByRole('checkbox', { name: 'Boundary (shape)' }).focus();
		await page.keyboard.press('Space');
		await expect(form.getByRole('checkbox', { name: 'Boundary (shape)' })).toBeChecked();
		await form.getByLabel(/The claim, in words/).fill(text);
		await form.getByLabel('Claimant’s name').fill('Zed Claimant (e2e)');
		await form.getByLabel(/Claimant’s contact/).fill(contact);
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form.getByTestId('claim-result')).toContainText(/Claim signed and logged at entry #\d+; inclusion verified ✓/, { timeout: 30_000 });
		await expect(form.getByTestId('claim-result')).toContainText('The claimant’s details are in the private part and logged');
		const index = Number((await form.getByTestId('claim-result').textContent())!.match(/#(\d+)/)![1]);

		// The parcel page shows it beside the contested field's current value; the claimant is in the private part.
		const claim = page.locator(`[data-testid="claim"][data-index="${index}"]`);
		await expect(claim).toContainText(text);
		await expect(claim.getByTestId('contested-value')).toContainText(/polygon, \d+ corners/);
		// Staff see whom it was filed for (the private part) and that the claim entry checks out here.
		await expect(claim.getByTestId('claimant')).toContainText(`Zed Claimant (e2e) · ${contact}`);
		await expect(claim.getByTestId('claim-check')).toContainText('✓ Entry verified in this browser');
		await expect(page.getByRole('heading', { name: /Claims and objections/ }).getByTestId('disputed')).toBeVisible();
		await shoot(page, 'registry-parcel');

		// The workspace home counts open claims; the queue lists this one, and its row leads to the parcel.
		await page.goto('/registry');
		await expect(page.getByRole('link', { name: /\d+ open claim\(s\)/ })).toBeVisible();
		await eventually(page, '/registry/claims', async () => {
			await expect(page.locator(`[data-testid="claim-row"][data-index="${index}"]`)).toBeVisible({ timeout: 3000 });
		});
		await page.getByLabel('Kind').selectOption('boundary');
		const row = page.locator(`[data-testid="claim-row"][data-index="${index}"]`);
		await expect(row).toContainText(parcel);
		await expect(row.getByTestId('claim-state')).toHaveText('open');
		await page.getByLabel('Kind').selectOption('charge');
		await expect(row).toHaveCount(0);
		await page.getByLabel('Kind').selectOption('');
		await shoot(page, 'registry-claims');

		// The public: "Disputed" on the page and in search, the claim's public part, never the contact.
		await eventually(visitor, `/parcels/${parcel}`, async () => {
			await expect(visitor.getByTestId('disputed').first()).toBeVisible({ timeout: 2000 });
		});
		const publicClaim = visitor.locator(`[data-testid="claim"][data-index="${index}"]`);
		await expect(publicClaim).toContainText(text);
		await expect(publicClaim).toContainText('Boundary');
		await expect(publicClaim).toContainText('Open');
		expect(await visitor.content()).not.toContain(contact);
		expect(await visitor.content()).not.toContain('Zed Claimant');
		await shoot(visitor, 'public-parcel');
		await visitor.goto(`/parcels?q=${parcel}`);
		await expect(visitor.getByRole('listitem').filter({ hasText: parcel }).getByTestId('disputed')).toBeVisible();
		await shoot(visitor, 'public-search');

		// The registrar rejects it; the claim shows the decision and the parcel is no longer disputed.
		await page.goto(`/registry/parcels/${parcel}`);
		await page.locator(`[data-testid="claim"][data-index="${index}"]`).getByRole('button', { name: `Decide claim #${index}` }).click();
		const decide = page.getByRole('form', { name: `Decide claim ${index}` });
		await labelled(decide);
		await decide.getByLabel('Outcome').selectOption('rejected');
		await decide.getByLabel('Reasons (public)').fill('The 2019 survey puts the fence on the boundary.');
		await decide.getByRole('button', { name: 'Sign decision' }).click();
		await expect(page.locator(`[data-testid="claim"][data-index="${index}"]`).getByTestId('decision')).toContainText('Rejected', { timeout: 30_000 });
		await expect(page.locator(`[data-testid="claim"][data-index="${index}"]`).getByTestId('claim-check')).toContainText('✓ Entry verified in this browser');
		await shoot(page, 'registry-decided');
		await eventually(visitor, `/parcels/${parcel}`, async () => {
			await expect(visitor.locator(`[data-testid="claim"][data-index="${index}"]`)).toContainText('Rejected', { timeout: 2000 });
		});
		await expect(visitor.getByTestId('disputed')).toHaveCount(0);
		await expect(visitor.locator(`[data-testid="claim"][data-index="${index}"]`)).toContainText('The 2019 survey puts the fence on the boundary.');
	} finally {
		await visitor.close();
		await context.close();
	}
});

test('an assessor files a claim offline; it survives a reload and reaches the registry queue on sync', async ({ browser }) => {
	test.setTimeout(240_000);
	const parcel = 'RIV-000032';
	const text = `The shed on this lot was demolished last spring (field e2e ${Date.now()}).`;
	const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 } });
	const field = await tablet.newPage();
	try {
		await importKey(field, demoKey('assessor-ava').path);
		await waitForOfflineShell(field);
		await downloadDistrict(field, 'RIV');
		await tablet.setOffline(true);
		await field.goto(`/field/parcel/${parcel}`);
		const form = field.getByRole('form', { name: 'File a claim' });
		await labelled(form);
		await form.getByLabel('What is claimed').selectOption('other');
		await form.getByRole('checkbox', { name: 'Parcel, other' }).check();
		await form.getByLabel(/The claim, in words/).fill(text);
		await form.getByLabel(/Evidence photos/).setInputFiles({ name: 'shed.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL_PNG, 'base64') });
		// Registrars file for people; an assessor's form asks for no claimant.
		await expect(form.getByLabel('Claimant’s name')).toHaveCount(0);
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form.getByTestId('claim-result')).toContainText('Claim signed on this device');
		await expect(field.getByTestId('parcel-sync-status')).toContainText('1 claim(s) not yet sent');
		await shoot(field, 'field-parcel');

		await field.reload();
		await field.goto('/field/outbox');
		await expect(field.getByTestId('outbox-total')).toContainText('1 claim(s) not yet sent');
		const queued = field.getByTestId('outbox-claim').filter({ hasText: text });
		await expect(queued).toHaveAttribute('data-status', 'pending');
		await expect(field.getByTestId('upload-file')).toContainText('evidence: waiting for its claim to sync');
		await shoot(field, 'field-outbox');

		// Reconnecting syncs by itself; the button is the manual way (it may find that sync running).
		await tablet.setOffline(false);
		const sync = field.getByRole('button', { name: 'Sync now' });
		if (await sync.isEnabled()) await sync.click();
		await expect(queued).toHaveAttribute('data-status', 'logged', { timeout: 60_000 });
		await expect(queued).toContainText(/✓ Logged at entry #\d+, inclusion verified/);
		// The rest of the sync went through too: the pull verified and took the log's claim entries.
		await expect(field.getByTestId('sync-outcome')).toContainText(/Synced: .*1 claim\(s\) logged/, { timeout: 60_000 });
		const index = Number((await queued.textContent())!.match(/entry #(\d+)/)![1]);

		const { context, page } = await openRegistry(browser);
		try {
			await eventually(page, '/registry/claims', async () => {
				await expect(page.locator(`[data-testid="claim-row"][data-index="${index}"]`)).toBeVisible({ timeout: 3000 });
			});
			const row = page.locator(`[data-testid="claim-row"][data-index="${index}"]`);
			await expect(row).toContainText(parcel);
			await expect(row).toContainText('Ava Assessor (demo) (assessor)');
			await row.getByRole('link', { name: parcel }).click();
			await expect(page.locator(`[data-testid="claim"][data-index="${index}"]`)).toContainText(text);
			// The evidence photo went up with the sync (x-claim) and is public, as the claim is.
			const evidence = page.locator(`[data-testid="claim"][data-index="${index}"]`).getByRole('link', { name: /bytes\)/ });
			await expect(evidence).toHaveCount(1);
			const served = await page.request.get((await evidence.getAttribute('href'))!);
			expect(served.status()).toBe(200);
			expect(served.headers()['content-type']).toContain('image/jpeg');
		} finally {
			await context.close();
		}
	} finally {
		await tablet.close();
	}
});

test('a registrar puts a change of the owners on notice and files an objection to it: the public page shows the notice with its deadline and objection, the record is unchanged', async ({ browser }) => {
	test.setTimeout(120_000);
	const parcel = 'RIV-000033';
	const buyer = `Cy Buyer (e2e ${Date.now()})`;
	const { context, page } = await openRegistry(browser);
	const visitor = await browser.newPage();
	try {
		await page.goto(`/registry/parcels/${parcel}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All');
		const { form, index } = await putOwnerOnNotice(page, buyer, new Date(Date.now() + 86_400_000), 16);
		await labelled(form);
		await expect(form.getByTestId('notice-result')).toContainText(/Notice signed and logged at entry #\d+; inclusion verified ✓/);
		await expect(page.locator(`[data-testid="notice"][data-index="${index}"]`)).toContainText('Open for objections');
		await shoot(page, 'registry-notice');

		// A neighbour objects, through the registrar, before the deadline: the objection names the notice.
		await page.getByText('File a claim').click();
		const claimForm = page.getByRole('form', { name: 'File a claim' });
		await claimForm.getByLabel('Objects to a notice').selectOption(String(index));
		await claimForm.getByRole('combobox', { name: 'What is claimed' }).selectOption('ownership');
		await claimForm.getByRole('checkbox', { name: 'Parties (names)' }).check();
		await claimForm.getByLabel(/The claim, in words/).fill('The seller’s heirs were not asked; we object to the transfer.');
		await claimForm.getByRole('button', { name: 'File claim' }).click();
		await expect(claimForm.getByTestId('claim-result')).toContainText(/Claim signed and logged at entry #\d+/, { timeout: 30_000 });
		const objection = Number((await claimForm.getByTestId('claim-result').textContent())!.match(/#(\d+)/)![1]);
		await expect(page.locator(`[data-testid="claim"][data-index="${objection}"]`)).toContainText(`objects to notice #${index}`);

		await eventually(visitor, `/parcels/${parcel}`, async () => {
			await expect(visitor.locator(`[data-testid="notice"][data-index="${index}"]`)).toContainText(`Transfer of ownership to ${buyer}`, { timeout: 2000 });
		});
		const notice = visitor.locator(`[data-testid="notice"][data-index="${index}"]`);
		await expect(notice).toContainText('Open for objections');
		await expect(notice).toContainText(/Objections until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
		await expect(notice).toContainText(`1 objection(s): #${objection}`);
		await expect(visitor.getByTestId('disputed').first()).toBeVisible();
		// Pending: the record itself still names the current owner until an edit logs the change.
		await expect(visitor.locator('#rights')).not.toContainText(buyer);
		await shoot(visitor, 'public-notice');
	} finally {
		await visitor.close();
		await context.close();
	}
});

test('once the deadline has passed without objections, the registrar logs the change on notice as an edit: the record shows it, the notice says applied', async ({ browser }) => {
	test.setTimeout(150_000);
	const parcel = 'RIV-000034';
	const buyer = `Di Buyer (e2e ${Date.now()})`;
	const { context, page } = await openRegistry(browser);
	const visitor = await browser.newPage();
	try {
		await page.goto(`/registry/parcels/${parcel}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All');
		// A short notice (the log's clock decides): objections close in a few seconds.
		const { index } = await putOwnerOnNotice(page, buyer, new Date(Date.now() + 8_000), 19);
		const notice = page.locator(`[data-testid="notice"][data-index="${index}"]`);

		await expect(async () => {
			await page.reload();
			await expect(notice).toContainText('Closed, may be applied', { timeout: 3000 });
		}).toPass({ timeout: 60_000 });
		await notice.getByRole('button', { name: `Log the change of notice #${index}` }).click();
		await expect(notice.getByTestId('notice-apply-result')).toContainText('logged as an edit', { timeout: 30_000 });
		await expect(notice).toContainText('Applied');

		await eventually(visitor, `/parcels/${parcel}`, async () => {
			await expect(visitor.locator('#rights')).toContainText(buyer, { timeout: 2000 });
		});
		await expect(visitor.locator(`[data-testid="notice"][data-index="${index}"]`)).toContainText('Applied');
	} finally {
		await visitor.close();
		await context.close();
	}
});
