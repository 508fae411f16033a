// Bad import files (docs/reliability.md): whatever bytes a registrar picks, parsing and validation
// never throw, every refused row is named with its row number, field and a reason, and every row
// that is prepared for writing is a record the schema accepts. Nothing is written before the
// registrar confirms (tests/registry-import.e2e.ts); these properties cover the report.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatePart } from '../core/record/schema';
import { defaultMapping } from './import-map';
import { parseImportFile } from './import-parse';
import { prepareRows } from './import-validate';

const square = (x: number) => ({ type: 'Polygon', coordinates: [[[x, 52], [x + 0.001, 52], [x + 0.001, 52.001], [x, 52.001], [x, 52]]] });
const feature = (i: number) => ({
	type: 'Feature',
	geometry: square(i / 100),
	properties: { id: `IMP-${String(i + 1).padStart(6, '0')}`, addressLine: `${i + 1} Mill Lane`, owners: 'Ann Smith; Ben Jones', status: 'active', phone: '+44 1632 960000' }
});
const collection = (n: number) => ({ type: 'FeatureCollection', features: Array.from({ length: n }, (_, i) => feature(i)) });
const toCsv = (n: number) =>
	['id,addressLine,owners,status', ...Array.from({ length: n }, (_, i) => `IMP-${String(i + 1).padStart(6, '0')},${i + 1} Mill Lane,Ann Smith,active`)].join('\n');

/** A value of any JSON shape, to put where a property or a geometry belongs. */
const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 2 }));
const PROPS = ['id', 'addressLine', 'owners', 'status', 'phone'];

async function report(name: string, text: string) {
	const t = await parseImportFile(new File([text], name));
	if (typeof t === 'string') {
		expect(t.length).toBeGreaterThan(0); // the whole file is refused with a message
		return null;
	}
	const p = prepareRows(t, defaultMapping(t), { districts: ['IMP'], today: '2026-01-02' });
	for (const i of p.issues) {
		expect(i.row).toBeGreaterThanOrEqual(1);
		expect(i.row).toBeLessThanOrEqual(Math.max(1, t.rows.length));
		expect(typeof i.field).toBe('string');
		expect(i.message.length).toBeGreaterThan(0);
	}
	const refused = new Set(p.issues.map((i) => i.row));
	for (const parcel of p.parcels) {
		expect(refused.has(parcel.row)).toBe(false);
		for (const part of ['parcel', 'title', 'private'] as const) expect(validatePart(part, { ...parcel[part], id: parcel.id }).ok).toBe(true);
	}
	expect(p.parcels.length + refused.size).toBe(t.rows.length);
	return p;
}

describe('bad import files', () => {
	it('a property or geometry replaced with junk refuses that row alone, by row and field', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 0, max: 7 }), fc.constantFrom(...PROPS, 'geometry'), junk, async (row, key, value) => {
				const fcol = collection(8);
				const f = fcol.features[row] as Record<string, unknown> & { properties: Record<string, unknown> };
				if (key === 'geometry') f.geometry = value;
				else f.properties[key] = value;
				const p = await report('parcels.geojson', JSON.stringify(fcol));
				expect(p).not.toBeNull();
				// The seven untouched rows are always prepared; the touched one is either still valid or refused.
				expect(p!.parcels.filter((x) => x.row !== row + 1)).toHaveLength(7);
			}),
			{ numRuns: 150 }
		);
	});

	it('truncated, byte-flipped or spliced files never throw: a message, or a report of rows', async () => {
		const geo = JSON.stringify(collection(6));
		const csv = toCsv(6);
		await fc.assert(
			fc.asyncProperty(fc.boolean(), fc.nat(), fc.nat(), fc.string({ maxLength: 6 }), async (useCsv, a, b, insert) => {
				const text = useCsv ? csv : geo;
				const cut = a % (text.length + 1);
				const mutated = b % 2 ? text.slice(0, cut) : text.slice(0, cut) + insert + text.slice(cut + (b % 7));
				await report(useCsv ? 'parcels.csv' : 'parcels.geojson', mutated);
			}),
			{ numRuns: 300 }
		);
	});

	it('wrong shapes of a whole file are refused with a message', async () => {
		for (const text of ['', '{}', '[]', '{"type":"Feature"}', '{"type":"FeatureCollection","features":7}', 'null', '\u0000\u0001\u0002']) {
			const t = await parseImportFile(new File([text], 'x.geojson'));
			if (typeof t !== 'string') expect(prepareRows(t, defaultMapping(t), { districts: ['IMP'], today: '2026-01-02' }).parcels).toHaveLength(0);
			else expect(t).toMatch(/\w/);
		}
	});
});
