// Issue #21's remaining screens in real Chromium against the built server: (a) the registry's
// claims queue filtered by age and by notice deadline, its filters kept in the URL; (b) an
// assessor objects offline, with a photo, to a change a registrar put on notice — the objection
// is logged, the notice is blocked after its deadline, and a second objection that reaches the log
// too late is shown as refused ("Too late"); (c) a registrar files a claim with a PDF and a PNG,
// served with equal bytes on the registry and public pages. Screenshots: test-results/claims-more/.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { demoKey } from './support/demo';
import { downloadDistrict, importKey, waitForOfflineShell } from './support/field';
import { openRegistry } from './support/registry';
import { PIXEL_PNG, eventually, labelled, putOwnerOnNotice, shooter } from './support/claims';

const SHOTS = 'test-results/claims-more';
const shoot = shooter(SHOTS);
const DAY = 86_400_000;

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** On the open registry parcel page: files a claim (an objection when `notice` is given); its entry index. */
async function fileClaim(page: Page, o: { kind: string; field: string; text: string; notice?: number; files?: { name: string; mimeType: string; buffer: Buffer }[] }) {
	await page.getByText('File a claim').click();
	const form = page.getByRole('form', { name: 'File a claim' });
	if (o.notice !== undefined) await form.getByLabel('Objects to a notice').selectOption(String(o.notice));
	await form.getByRole('combobox', { name: 'What is claimed' }).selectOption(o.kind);
	await form.getByRole('checkbox', { name: o.field }).check();
	await form.getByLabel(/The claim, in words/).fill(o.text);
	if (o.files) await form.getByLabel(/Evidence files/).setInputFiles(o.files);
	await form.getByRole('button', { name: 'File claim' }).click();
	await expect(form.getByTestId('claim-result')).toContainText(/Claim signed and logged at entry #\d+/, { timeout: 30_000 });
	return { form, index: Number((await form.getByTestId('claim-result').textContent())!.match(/#(\d+)/)![1]) };
}

/** The claim's filing time in the log, from the public API (once the projection has it). */
async function filedAt(page: Page, parcel: string, index: number): Promise<number> {
	let at = 0;
	await expect(async () => {
		const r = await page.request.get(`/api/parcels/${parcel}`);
		const c = ((await r.json()) as { claims: { index: number; filedAt: number }[] }).claims.find((x) => x.index === index);
		expect(c, `claim #${index} projected`).toBeDefined();
		at = c!.filedAt;
	}).toPass({ timeout: 30_000 });
	return at;
}

test('the claims queue filters by age and by notice deadline, and keeps its filters in the URL', async ({ browser }) => {
	test.setTimeout(180_000);
	const stamp = Date.now();
	const { context, page } = await openRegistry(browser);
	try {
		// A plain claim, then (a few seconds later in the log) objections to notices closing in 2 and in 5 days.
		await page.goto('/registry/parcels/RIV-000071');
		const old = await fileClaim(page, { kind: 'charge', field: 'Owners and other rights', text: `An old charge (e2e ${stamp})` });
		const oldAt = await filedAt(page, 'RIV-000071', old.index);
		await page.waitForTimeout(3000);
		await page.goto('/registry/parcels/RIV-000072');
		const soon = await putOwnerOnNotice(page, `Early Buyer ${stamp}`, new Date(Date.now() + 2 * DAY), 16);
		const soonObjection = await fileClaim(page, { kind: 'ownership', field: 'Parties (names)', text: `Objection, soon (e2e ${stamp})`, notice: soon.index });
		await page.goto('/registry/parcels/RIV-000073');
		const late = await putOwnerOnNotice(page, `Late Buyer ${stamp}`, new Date(Date.now() + 5 * DAY), 16);
		const lateObjection = await fileClaim(page, { kind: 'ownership', field: 'Parties (names)', text: `Objection, later (e2e ${stamp})`, notice: late.index });
		const soonAt = await filedAt(page, 'RIV-000072', soonObjection.index);
		expect(soonAt - oldAt).toBeGreaterThan(2000);
		const mine = [old.index, soonObjection.index, lateObjection.index];
		/** Which of this test's claims the queue shows (other specs' claims may share the server). */
		const shown = async () => {
			await expect(page.getByTestId('claims-total')).toBeVisible();
			const rows = await page.getByTestId('claim-row').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-index'))));
			return rows.filter((i) => mine.includes(i));
		};
		// Everything projected before filtering.
		await eventually(page, '/registry/claims', async () => {
			for (const i of mine) await expect(page.locator(`[data-testid="claim-row"][data-index="${i}"]`)).toBeVisible({ timeout: 2000 });
		});

		// The page counts days on this browser's clock: held two days on from midway between the first two
		// filings, "older than 2 days" is exactly the first claim (held still, so slow steps move nothing).
		await page.clock.setFixedTime(Math.round((oldAt + soonAt) / 2) + 2 * DAY);
		await page.goto('/registry/claims');
		const filters = page.getByRole('form', { name: 'Filter claims' });
		await labelled(filters);
		await filters.getByLabel('Older than (days)').fill('2');
		await expect(page).toHaveURL(/[?&]olderThan=2(&|$)/);
		await expect.poll(shown).toEqual([old.index]);
		await shoot(page, 'registry-claims-older');
		// The filter survives a reload (it is in the URL).
		await page.reload();
		await expect(filters.getByLabel('Older than (days)')).toHaveValue('2');
		await expect.poll(shown).toEqual([old.index]);

		// Deadline within a day of that moment (= three days from now): only the objection to the notice closing in 2 days.
		await filters.getByLabel('Older than (days)').fill('');
		await filters.getByLabel('Notice deadline within (days)').fill('1');
		await expect(page).toHaveURL(/[?&]deadlineWithin=1(&|$)/);
		await expect(page).not.toHaveURL(/olderThan/);
		await expect.poll(shown).toEqual([soonObjection.index]);
		await filters.getByLabel('Notice deadline within (days)').fill('4');
		await filters.getByLabel('Sort by').selectOption('deadline');
		await expect.poll(shown).toEqual([soonObjection.index, lateObjection.index]);
		await shoot(page, 'registry-claims-deadline');
		await page.reload();
		await expect(filters.getByLabel('Notice deadline within (days)')).toHaveValue('4');
		await expect(filters.getByLabel('Sort by')).toHaveValue('deadline');
		await expect.poll(shown).toEqual([soonObjection.index, lateObjection.index]);
		// Both filters at once: nothing of this test is old and objecting.
		await filters.getByLabel('Older than (days)').fill('2');
		await expect.poll(shown).toEqual([]);
		// A malformed time over the API is a 400 naming the parameter.
		const bad = await page.request.get('/api/registry/claims?deadlineBefore=soon');
		expect(bad.status()).toBe(400);
		expect((await bad.json()).error.message).toContain('deadlineBefore');
	} finally {
		await context.close();
	}
});

test('an assessor objects offline to a change on notice, with a photo; the objection blocks it; a second one after the deadline is refused as too late', async ({ browser }) => {
	test.setTimeout(300_000);
	const parcel = 'RIV-000074';
	const stamp = Date.now();
	const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
	const field = await tablet.newPage();
	const visitor = await browser.newPage();
	const { context, page } = await openRegistry(browser);
	try {
		await importKey(field, demoKey('assessor-ava').path);
		await waitForOfflineShell(field);
		await downloadDistrict(field, 'RIV');

		// The registrar puts an owner change on notice; objections close in 90 s (the log’s clock).
		await page.goto(`/registry/parcels/${parcel}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All', { timeout: 30_000 });
		const { index: notice } = await putOwnerOnNotice(page, `Quick Buyer ${stamp}`, new Date(Date.now() + 90_000), 19);

		// The assessor opens the parcel online (the notice is fetched and kept), then loses the connection.
		await field.goto(`/field/parcel/${parcel}`);
		const shown = field.locator(`[data-testid="field-notice"][data-index="${notice}"]`);
		await expect(shown).toContainText(`Transfer of ownership to Quick Buyer ${stamp}`, { timeout: 30_000 });
		await expect(shown.getByTestId('field-notice-state')).toHaveText('Open for objections');
		await expect(shown).toContainText('Objections until');
		await tablet.setOffline(true);
		await field.reload();
		await expect(shown.getByTestId('field-notice-state')).toHaveText('Open for objections');
		// By keyboard: the action takes focus and Enter chooses the notice in the claim form.
		await shown.getByRole('button', { name: /Object to this change/ }).focus();
		await field.keyboard.press('Enter');
		const form = field.getByRole('form', { name: 'File a claim' });
		await expect(form.getByLabel('Objects to a notice')).toHaveValue(String(notice));
		await expect(form.getByLabel('What is claimed')).toBeFocused();
		await labelled(form);
		await form.getByLabel('What is claimed').selectOption('ownership');
		await form.getByRole('checkbox', { name: 'Parties (names)' }).tap();
		await form.getByLabel(/The claim, in words/).fill(`The heirs were not asked (field objection ${stamp}).`);
		await form.getByLabel(/Evidence photos/).setInputFiles({ name: 'letter.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL_PNG, 'base64') });
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form.getByTestId('claim-result')).toContainText('Claim signed on this device');
		await shoot(field, 'field-parcel-notice');

		await field.reload();
		await field.goto('/field/outbox');
		const first = field.getByTestId('outbox-claim').filter({ hasText: `field objection ${stamp}` });
		await expect(first).toHaveAttribute('data-status', 'pending');
		await expect(first).toContainText(`objection to notice #${notice}`);
		await tablet.setOffline(false);
		const sync = field.getByRole('button', { name: 'Sync now' });
		if (await sync.isEnabled()) await sync.click();
		await expect(first).toHaveAttribute('data-status', 'logged', { timeout: 60_000 });
		const objection = Number((await first.textContent())!.match(/entry #(\d+)/)![1]);
		// The same sync uploads the evidence once the claim is logged: offline before then, the photo stays on the tablet.
		await expect(field.getByTestId('files-total')).toContainText(/^\s*0 file\(s\) not yet uploaded; 1 uploaded/, { timeout: 60_000 });

		// Offline again, before the deadline: a second objection, signed and queued.
		await tablet.setOffline(true);
		await field.goto(`/field/parcel/${parcel}`);
		await shown.getByRole('button', { name: /Object to this change/ }).click();
		await form.getByLabel('What is claimed').selectOption('other');
		await form.getByRole('checkbox', { name: 'Title, other' }).check();
		await form.getByLabel(/The claim, in words/).fill(`A second thought, sent late (field ${stamp}).`);
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form.getByTestId('claim-result')).toContainText('Claim signed on this device');

		// The deadline passes: the public page shows the notice blocked by the logged objection, with its photo.
		await expect(async () => {
			await visitor.goto(`/parcels/${parcel}`);
			await expect(visitor.locator(`[data-testid="notice"][data-index="${notice}"]`)).toContainText('Blocked by objections', { timeout: 2000 });
		}).toPass({ timeout: 150_000, intervals: [3000] });
		await expect(visitor.locator(`[data-testid="notice"][data-index="${notice}"]`)).toContainText(`#${objection}`);
		const evidence = visitor.locator(`[data-testid="claim"][data-index="${objection}"]`).getByRole('link', { name: /bytes\)/ });
		await expect(evidence).toHaveCount(1);
		const photo = await visitor.request.get((await evidence.getAttribute('href'))!);
		expect(photo.status()).toBe(200);
		expect(photo.headers()['content-type']).toContain('image/jpeg');
		await shoot(visitor, 'public-notice-blocked');
		// Offline, the device's clock says the deadline passed: no action is offered any more.
		await field.reload();
		await expect(shown.getByTestId('field-notice-state')).toContainText('Deadline passed');
		await expect(shown.getByRole('button', { name: /Object to this change/ })).toHaveCount(0);

		// Back online, the late objection reaches the log after the deadline: refused, and the device says so.
		await tablet.setOffline(false);
		await field.goto('/field/outbox');
		if (await sync.isEnabled()) await sync.click();
		const second = field.getByTestId('outbox-claim').filter({ hasText: `sent late (field ${stamp})` });
		await expect(second).toHaveAttribute('data-status', 'refused', { timeout: 60_000 });
		await expect(second.getByTestId('claim-refusal')).toContainText(`Too late: this objection reached the log after the deadline of notice #${notice}`);
		await expect(second).toContainText('notice-closed');
		await expect(field.getByTestId('outbox-total')).toContainText('1 claim(s) refused');
		await shoot(field, 'field-outbox-too-late');
		await field.goto(`/field/parcel/${parcel}`);
		await expect(field.getByTestId('claim-refused-alert')).toContainText('Too late');
		await expect(shown.getByTestId('field-notice-state')).toHaveText(/^Blocked/, { timeout: 30_000 });
		await shoot(field, 'field-parcel-blocked');
	} finally {
		await context.close();
		await visitor.close();
		await tablet.close();
	}
});

test('a registrar files a claim with a PDF and a PNG; the registry and public parcel pages serve them with equal bytes', async ({ browser }) => {
	test.setTimeout(150_000);
	const parcel = 'RIV-000075';
	const pdf = Buffer.from(`%PDF-1.4\n% survey of ${parcel}, e2e ${Date.now()}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
	const png = Buffer.from(PIXEL_PNG, 'base64');
	const { context, page } = await openRegistry(browser);
	const visitor = await browser.newPage();
	try {
		await page.goto(`/registry/parcels/${parcel}`);
		await expect(page.getByTestId('verify-summary')).toContainText('✓ All', { timeout: 30_000 });
		await page.getByText('File a claim').click();
		const form = page.getByRole('form', { name: 'File a claim' });
		await labelled(form);
		// A file the registry does not keep is refused before anything is signed.
		await form.getByRole('combobox', { name: 'What is claimed' }).selectOption('boundary');
		await form.getByRole('checkbox', { name: 'Boundary (shape)' }).check();
		await form.getByLabel(/The claim, in words/).fill('The 1998 survey (attached) puts the boundary 3 m west.');
		await form.getByLabel(/Evidence files/).setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just text') });
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form.getByTestId('claim-result')).toContainText('Nothing was signed: notes.txt is not a file the registry keeps');
		await form.getByLabel(/Evidence files/).setInputFiles([
			{ name: 'survey.pdf', mimeType: 'application/pdf', buffer: pdf },
			{ name: 'plan.png', mimeType: 'image/png', buffer: png }
		]);
		await expect(form).toContainText('2 file(s) attached: survey.pdf, plan.png');
		// Choosing other files clears the refusal of the last ones.
		await expect(form.getByTestId('claim-result')).toHaveCount(0);
		await shoot(page, 'registry-claim-evidence-form');
		await form.getByRole('button', { name: 'File claim' }).click();
		await expect(form.getByTestId('claim-result')).toContainText(/Claim signed and logged at entry #\d+; inclusion verified ✓\. 2 evidence file\(s\) uploaded\./, { timeout: 30_000 });
		const index = Number((await form.getByTestId('claim-result').textContent())!.match(/#(\d+)/)![1]);

		/** The claim's evidence links on a page, fetched: bytes and type, in the claim's order. */
		const served = async (p: Page) => {
			const links = p.locator(`[data-testid="claim"][data-index="${index}"]`).getByRole('link', { name: /bytes\)/ });
			await expect(links).toHaveCount(2);
			return Promise.all(
				(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')!))).map(async (href) => {
					const r = await p.request.get(href);
					expect(r.status()).toBe(200);
					return { type: r.headers()['content-type'], bytes: await r.body() };
				})
			);
		};
		const byType = (files: { type: string; bytes: Buffer }[]) => Object.fromEntries(files.map((f) => [f.type.split(';')[0], f.bytes]));
		await page.reload();
		await expect(page.locator(`[data-testid="claim"][data-index="${index}"]`)).toContainText('The 1998 survey');
		const inRegistry = byType(await served(page));
		expect(inRegistry['application/pdf'].equals(pdf)).toBe(true);
		expect(inRegistry['image/png'].equals(png)).toBe(true);
		await shoot(page, 'registry-claim-evidence');

		await eventually(visitor, `/parcels/${parcel}`, async () => {
			await expect(visitor.locator(`[data-testid="claim"][data-index="${index}"]`)).toBeVisible({ timeout: 2000 });
		});
		const inPublic = byType(await served(visitor));
		expect(inPublic['application/pdf'].equals(pdf)).toBe(true);
		expect(inPublic['image/png'].equals(png)).toBe(true);
		await shoot(visitor, 'public-claim-evidence');
	} finally {
		await visitor.close();
		await context.close();
	}
});
