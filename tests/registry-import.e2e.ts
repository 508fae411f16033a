// Issue #6 acceptance: importing a 5,000-parcel GeoJSON file with 3 bad rows. The report names the
// 3 rows before anything is written; after confirming, the good rows appear in search; exporting
// the district as GeoJSON and CSV gives them back.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { openRegistry } from './support/registry';

const N = 5000;
const DISTRICT = 'IMP';
const BAD = { 17: 'id', 2500: 'geometry', 4999: 'status' } as Record<number, string>;

interface Props {
	id: string;
	apn: string;
	status: string;
	addressLine: string;
	locality: string;
	postcode: string;
	landUse: string;
	zoning: string;
	recordedArea: number;
	owners: string[];
	totalValue: number;
}

/** A grid of non-touching square lots south of the demo county; rows 17, 2500 and 4999 are broken. */
function importFile() {
	const features = Array.from({ length: N }, (_, i) => {
		const row = i + 1;
		const [x, y] = [5.3 + (i % 100) * 0.0007, 51.8 + Math.floor(i / 100) * 0.0006];
		const ring = [[x, y], [x + 0.0006, y], [x + 0.0006, y + 0.0005], [x, y + 0.0005], [x, y]];
		const properties: Props = {
			id: `${DISTRICT}-${String(row).padStart(6, '0')}`,
			apn: `9${String(row).padStart(5, '0')}`,
			status: row % 7 === 0 ? 'pending' : 'active',
			addressLine: `${row} Import Row`,
			locality: 'Newfield',
			postcode: `NF${1 + (row % 9)} ${row % 10}AB`,
			landUse: row % 3 === 0 ? 'commercial' : 'residential',
			zoning: row % 3 === 0 ? 'C1' : 'R1',
			recordedArea: 2300 + (row % 50),
			owners: row % 4 === 0 ? [`Ana Import ${row}`, `Ben Import ${row}`] : [`Cai Import ${row}`],
			totalValue: 100_000 + row // an assessment column: never imported by a registrar
		};
		const feature = { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties };
		if (row === 17) properties.id = 'IMP 17';
		if (row === 2500) feature.geometry.coordinates[0].pop(); // the ring is no longer closed
		if (row === 4999) properties.status = 'demolished';
		return feature;
	});
	return { type: 'FeatureCollection', features };
}

test('5,000 parcels from GeoJSON: the report names the 3 bad rows, nothing is written until confirmed, and exports give them back', async ({ browser, request }) => {
	test.setTimeout(600_000);
	const file = importFile();
	const good = file.features.filter((_, i) => !BAD[i + 1]);
	const { context, page } = await openRegistry(browser);
	try {
		await page.goto('/registry/import');
		await page.getByLabel(/CSV \(with a header row\) or GeoJSON/).setInputFiles({ name: 'newfield.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
		await expect(page.getByTestId('import-file')).toContainText('GeoJSON, 5,000 rows');
		// Sensible defaults: the feature geometry, the export's column names; assessments left out.
		await expect(page.getByLabel('Shape *')).toHaveValue('(feature geometry)');
		await expect(page.getByLabel('Parcel id *')).toHaveValue('id');
		await expect(page.getByLabel('Owners')).toHaveValue('owners');
		await expect(page.getByTestId('unused-columns')).toContainText('totalValue: Only assessors may change valuations');

		const before = (await (await request.get('/api/status')).json()).treeSize;
		await page.getByRole('button', { name: 'Check 5,000 rows' }).click();
		await expect(page.getByTestId('import-summary')).toContainText('4,997 of 5,000 rows are ready to import; 3 row(s) have problems', { timeout: 60_000 });
		const issues = page.getByTestId('import-issue');
		await expect(issues).toHaveCount(3);
		for (const [row, field] of Object.entries(BAD)) {
			await expect(page.locator(`[data-testid="import-issue"][data-row="${row}"]`)).toContainText(field);
		}
		await expect(page.locator('[data-testid="import-issue"][data-row="2500"]')).toContainText('closed');
		// Nothing written: no outbox rows, no log entries, nothing in search.
		await expect(page.getByTestId('outbox-count')).toContainText('All edits sent');
		expect((await (await request.get('/api/status')).json()).treeSize).toBe(before);
		expect((await (await request.get(`/api/parcels?district=${DISTRICT}`)).json()).total).toBe(0);

		const t0 = Date.now();
		await page.getByRole('button', { name: /Import 4,997 parcels, signed as Rhea Registrar/ }).click();
		await expect(page.getByTestId('import-result')).toContainText('Imported 4,997 parcels: 14,991 signed edits', { timeout: 540_000 });
		console.log(`[registry-import] ${await page.getByTestId('import-result').textContent()} Total wall time ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
		expect((await (await request.get('/api/status')).json()).treeSize).toBe(before + 14_991);

		// The good rows are in search (public API and the workspace's own search).
		expect((await (await request.get(`/api/parcels?district=${DISTRICT}`)).json()).total).toBe(4997);
		const hit = await (await request.get('/api/parcels?q=4321%20import%20row')).json();
		expect(hit.features.map((f: { id: string }) => f.id)).toEqual(['IMP-004321']);
		expect((await request.get('/api/parcels/IMP-000017')).status()).toBe(404);
		expect((await request.get('/api/parcels/IMP-002500')).status()).toBe(404);
		await page.goto('/registry/parcels?q=Cai%20Import%204321');
		await expect(page.getByRole('row', { name: /IMP-004321/ })).toContainText('Cai Import 4321');

		// Export the district as GeoJSON and as CSV; both round-trip what was imported.
		await page.goto('/registry/export');
		await page.getByLabel('District').selectOption(DISTRICT);
		for (const format of ['GeoJSON', 'CSV'] as const) {
			await page.getByLabel(format, { exact: true }).check();
			const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
			await expect(page.getByTestId('export-result')).toContainText('Exported 4,997 parcels');
			const text = readFileSync((await download.path())!, 'utf8');
			const rows: Record<string, unknown>[] = format === 'GeoJSON' ? fromGeoJson(text) : fromCsv(text);
			expect(rows.length).toBe(4997);
			const byId = new Map(rows.map((r) => [r.id, r]));
			for (const f of good) {
				const { totalValue, ...got } = byId.get(f.properties.id) ?? ({} as Record<string, unknown>);
				expect(got, `${format} ${f.properties.id}`).toEqual(pick({ ...f.properties, district: DISTRICT, geometry: f.geometry }));
				expect(totalValue, 'no valuation was imported').toBeNull();
			}
		}
	} finally {
		await context.close();
	}
});

const FIELDS = ['id', 'district', 'apn', 'status', 'addressLine', 'locality', 'postcode', 'landUse', 'zoning', 'recordedArea', 'owners', 'geometry'] as const;

/** The fields an import writes and an export reads back (plus totalValue, to check it stayed empty). */
function pick(r: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(FIELDS.map((k) => [k, r[k]]));
}

function fromGeoJson(text: string): Record<string, unknown>[] {
	const fc = JSON.parse(text);
	expect(fc.type).toBe('FeatureCollection');
	return fc.features.map((f: { geometry: unknown; properties: Record<string, unknown> }) => ({
		...pick({ ...f.properties, geometry: f.geometry }),
		totalValue: f.properties.totalValue
	}));
}

function fromCsv(text: string): Record<string, unknown>[] {
	const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy' });
	expect(parsed.errors).toEqual([]);
	return parsed.data.map((r) => ({
		...pick({ ...r, recordedArea: Number(r.recordedArea), owners: r.owners ? r.owners.split('; ') : [], geometry: JSON.parse(r.geometry) }),
		totalValue: r.totalValue === '' ? null : Number(r.totalValue)
	}));
}
