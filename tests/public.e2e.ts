// The public lookup (issue #7) against the real build and demo county: search, parcel page,
// history, extract download, in-browser verification (also offline), and the CLI verifier.
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExtract } from '../src/lib/core/extract/verify';
import { nobleVerifier } from '../src/lib/core/signing/ed25519';

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8' });

async function verifyFile(page: Page, name: string, buffer: Buffer) {
	await page.getByLabel('Extract file').setInputFiles({ name, mimeType: 'application/json', buffer });
	return page.getByRole('status');
}

test('search → parcel → history → extract → /verify says verified and complete up to its checkpoint; an altered byte or a left-out entry says not verified, with the reason; a v1 extract, completeness not proven', async ({ page, context }) => {
	await page.goto('/');
	await page.getByRole('link', { name: 'Public lookup' }).first().click();
	await page.getByLabel('Parcel number, address or owner').fill('3 Mill Lane Riverside');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page.getByRole('heading', { level: 2, name: /parcels? match/ })).toBeVisible();
	await page.getByRole('link', { name: /RIV-000003/ }).click();

	await expect(page.getByRole('heading', { level: 1 })).toContainText('RIV-000003');
	const history = page.getByRole('table', { name: /Edit history/ });
	await expect(history).toBeVisible();
	await expect(history.getByText('A private detail was changed')).toBeVisible();
	await expect(history.getByText('Rhea Registrar (demo)').first()).toBeVisible();
	await expect(history.getByText(/zoning/).first()).toBeVisible();
	// Progressive enhancement: the page's script checked every entry against the signed checkpoint.
	await expect(page.getByText(/Your browser checked all \d+ entries/)).toBeVisible();
	await expect(history.getByText('✓ verified in your browser').first()).toBeVisible();

	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download extract' }).click()]);
	expect(download.suggestedFilename()).toBe('RIV-000003.extract.json');
	const file = readFileSync(await download.path());

	await page.goto('/verify');
	// Once the page is loaded, verification needs no network at all.
	await expect(page.getByText(/^Ready\./)).toBeVisible();
	await context.setOffline(true);
	try {
		const status = await verifyFile(page, 'RIV-000003.extract.json', file);
		await expect(status.getByRole('heading')).toHaveText('Verified');
		// A v2 extract: every edit of the parcel up to its checkpoint is in it (the parcel map proves it).
		const size = /\n(\d+)\n/.exec(JSON.parse(file.toString('utf8')).checkpoint)![1];
		await expect(status).toContainText(`Complete up to checkpoint ${Number(size).toLocaleString('en')}: every edit of RIV-000003 in the log below`);
		await expect(page.getByText('What it does not prove')).toBeVisible();
		await expect(page.getByText(/demo\.parcel-ledger\.example\/county\+[0-9a-f]{8}\+/).first()).toBeVisible();

		// One byte of the record: "3 Mill Lane" → "4 Mill Lane".
		const at = file.indexOf('"addressLine": "3 Mill Lane"') + '"addressLine": "'.length;
		expect(at).toBeGreaterThan(20);
		const altered = Buffer.from(file);
		altered[at] = '4'.charCodeAt(0);
		const bad = await verifyFile(page, 'altered.extract.json', altered);
		await expect(bad.getByRole('heading')).toHaveText('Not verified');
		await expect(bad).toContainText('The record differs from what the changes produce at addressLine');

		// One byte of an entry: its inclusion proof no longer leads to the signed root.
		const entryAt = file.indexOf('"entry": "') + '"entry": "'.length + 20;
		const flipped = Buffer.from(file);
		flipped[entryAt] = flipped[entryAt] === 0x41 ? 0x42 : 0x41;
		const bad2 = await verifyFile(page, 'flipped.extract.json', flipped);
		await expect(bad2.getByRole('heading')).toHaveText('Not verified');
		await expect(bad2).toContainText(/not proven to be in the log|does not decode/);

		// An entry left out (the file otherwise untouched): the parcel map the checkpoint signs counts it.
		const json = JSON.parse(file.toString('utf8'));
		const cut = Buffer.from(JSON.stringify({ ...json, entries: json.entries.filter((_: unknown, i: number) => i !== 1) }, null, 1));
		const bad3 = await verifyFile(page, 'cut.extract.json', cut);
		await expect(bad3.getByRole('heading')).toHaveText('Not verified');
		await expect(bad3).toContainText(new RegExp(`The log has \\d+ edits? of the \\w+ part up to checkpoint ${size}, the extract shows (\\d+|none)`));
		await expect(bad3).toContainText(/left out|a later entry is hidden/);

		// An older v1 extract (no map proof) still verifies, but the page says its completeness is not proven.
		const { mapProof: _, ...v1 } = json;
		const old = await verifyFile(page, 'old.extract.json', Buffer.from(JSON.stringify({ ...v1, format: 'parcel-ledger-extract/v1' })));
		await expect(old.getByRole('heading')).toHaveText('Verified — completeness not proven');
		await expect(old).toContainText('Not proven complete');
	} finally {
		await context.setOffline(false);
	}
});

test('search and the record page work without JavaScript: owners by prefix, typo tolerance, paging', async ({ browser, request }) => {
	const parcel = await (await request.get('/api/parcels/RIV-000007')).json();
	const owner: string = parcel.owners[0];
	const family = owner.split(' ').at(-1)!;
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	try {
		await page.goto('/parcels');
		const box = page.getByLabel('Parcel number, address or owner');
		await box.fill(`${owner.split(' ')[0].slice(0, 3)} ${family.slice(0, 4)}`);
		await page.getByLabel('District').selectOption('RIV');
		await box.press('Enter');
		await expect(page).toHaveURL(/district=RIV/);
		await expect(page.getByRole('link', { name: /RIV-000007/ })).toBeVisible();

		// A wrong last letter: nothing matches exactly, so the search retries with shorter words and says so.
		await page.goto(`/parcels?q=${encodeURIComponent(`${family}q`)}`);
		await expect(page.getByText(/Nothing matched exactly/)).toBeVisible();
		await expect(page.getByRole('link', { name: /RIV-000007|NORTH-|EAST-|RIV-/ }).first()).toBeVisible();

		await page.goto('/parcels?q=mill');
		await expect(page.getByText('Page 1 of')).toBeVisible();
		await page.getByRole('link', { name: 'Next →' }).click();
		await expect(page.getByText('Page 2 of')).toBeVisible();
		await expect(page).toHaveURL(/page=2/);

		await page.getByRole('link', { name: /^(RIV|NORTH|EAST)-\d+/ }).first().click();
		await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
		await expect(page.getByRole('table', { name: /Edit history/ }).getByRole('row').nth(1)).toBeVisible();
		await expect(page.getByRole('heading', { name: 'Assessments' })).toBeVisible();
		await expect(page.getByText(/A polygon with \d+ corners/)).toBeVisible();
		await expect(page.getByRole('link', { name: 'Download extract' })).toHaveAttribute('href', /\/api\/parcels\/.+\/extract$/);
	} finally {
		await context.close();
	}
});

test('the map draws our own polygons with no tile server: every request stays on this origin', async ({ page, baseURL }) => {
	const elsewhere: string[] = [];
	page.on('request', (r) => {
		if (!r.url().startsWith(baseURL!) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) elsewhere.push(r.url());
	});
	await page.goto('/parcels/RIV-000012');
	await expect(page.locator('.maplibregl-canvas')).toBeVisible();
	await expect(page.getByRole('region', { name: /Map of parcel RIV-000012/ })).toBeVisible();
	await page.goto('/parcels?q=mill');
	await expect(page.locator('.maplibregl-canvas')).toBeVisible();
	await page.waitForTimeout(500);
	expect(elsewhere).toEqual([]);
});

test('keyboard only: search, open a result, reach the extract link; every control is labelled', async ({ page }) => {
	await page.goto('/parcels');
	for (const control of await page.locator('input, select, button').all()) {
		const name = await control.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent?.trim() || el.getAttribute('aria-label') || (el.textContent ?? '').trim());
		expect(name, await control.evaluate((el) => el.outerHTML)).not.toBe('');
	}
	await page.getByLabel('Parcel number, address or owner').focus();
	await page.keyboard.type('RIV-000012');
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/q=RIV-000012/);
	const link = page.getByRole('link', { name: /RIV-000012/ });
	await link.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1 })).toContainText('RIV-000012');
	await page.goto('/verify');
	await expect(page.getByLabel('Extract file')).toBeVisible();
	await expect(page.getByLabel(/The registry's published key/)).toBeVisible();
});

test('public JSON API: GeoJSON search, record, history, extract; bad input gets a 4xx JSON error', async ({ request }) => {
	const res = await request.get('/api/parcels?q=mill&size=5&page=2');
	expect(res.status()).toBe(200);
	const fc = await res.json();
	expect(fc).toMatchObject({ type: 'FeatureCollection', page: 2, size: 5 });
	expect(fc.features).toHaveLength(5);
	expect(fc.features[0].geometry.type).toBe('Polygon');
	expect(Object.keys(fc.features[0].properties)).toContain('owners');
	const [minLon, minLat] = fc.features[0].geometry.coordinates[0][0];
	const inBox = await (await request.get(`/api/parcels?bbox=${minLon - 0.0001},${minLat - 0.0001},${minLon + 0.0001},${minLat + 0.0001}`)).json();
	expect(inBox.features.map((f: { id: string }) => f.id)).toContain(fc.features[0].id);

	const history = await (await request.get('/api/parcels/RIV-000003/history')).json();
	expect(history.history.find((h: { part: string }) => h.part === 'private')).toMatchObject({ private: true, changes: [] });
	expect(history.history.find((h: { part: string }) => h.part === 'parcel').changes.length).toBeGreaterThan(3);

	const extract = await (await request.get('/api/parcels/RIV-000012/extract')).text();
	const report = await verifyExtract(extract, { verifier: nobleVerifier, expectedKey: (await (await request.get('/log/key')).text()).trim() });
	expect(report.ok, report.reason).toBe(true);
	expect(report.checks.map((c) => c.name)).toContain('published-key');
	expect(JSON.parse(extract)).toMatchObject({ format: 'parcel-ledger-extract/v2', mapProof: expect.any(String) });
	expect(report.completeUpTo).toBe(report.treeSize);

	for (const [url, status] of [
		['/api/parcels?bbox=1,2,3', 400],
		['/api/parcels?page=0', 400],
		['/api/parcels?size=1000', 400],
		['/api/parcels/not-an-id', 400],
		['/api/parcels/RIV-999999', 404],
		['/api/parcels/RIV-999999/extract', 404],
		['/api/parcels/RIV-999999/history', 404]
	] as const) {
		const r = await request.get(url);
		expect(r.status(), url).toBe(status);
		expect(typeof (await r.json()).error.message).toBe('string');
	}
	expect((await request.get('/parcels/RIV-999999')).status()).toBe(404);
});

test('cli verify-extract: exit 0 and "VERIFIED" for a good extract, exit 1 with the reason for an altered one', async ({ request }) => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-extract-'));
	try {
		const text = await (await request.get('/api/parcels/EAST-000002/extract')).text();
		const key = (await (await request.get('/log/key')).text()).trim();
		writeFileSync(join(dir, 'good.json'), text);
		const good = cli(['verify-extract', join(dir, 'good.json'), '--key', key]);
		expect(good.status, good.stdout + good.stderr).toBe(0);
		expect(good.stdout).toMatch(/^VERIFIED: extract of parcel EAST-000002, complete up to checkpoint \d+\n/);
		expect(good.stdout).toContain('This does not prove:');

		const altered = text.replace(/"recordedArea": (\d)/, (_, d) => `"recordedArea": ${(Number(d) + 1) % 10}`);
		writeFileSync(join(dir, 'bad.json'), altered);
		const bad = cli(['verify-extract', join(dir, 'bad.json')]);
		expect(bad.status).toBe(1);
		expect(bad.stdout).toMatch(/^NOT VERIFIED: The record differs .* at recordedArea/);

		const wrongKey = cli(['verify-extract', join(dir, 'good.json'), '--key', 'demo.parcel-ledger.example/county+00000000+AdgbNw0e3Vct7qjrrSj+Ht5XjmShBcUx/FJG8CAroIZX']);
		expect(wrongKey.status).toBe(1);
		expect(wrongKey.stdout).toMatch(/✗ published-key/);
		expect(cli(['verify-extract', join(dir, 'missing.json')]).status).toBe(2);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
