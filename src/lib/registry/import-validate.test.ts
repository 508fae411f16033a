import { describe, expect, it } from 'vitest';
import { defaultMapping, unusedColumns } from './import-map';
import { FEATURE_GEOMETRY, type ImportTable } from './import-parse';
import { dropExisting, prepareRows } from './import-validate';

const square = (x: number) => ({ type: 'Polygon', coordinates: [[[x, 52], [x + 0.001, 52], [x + 0.001, 52.001], [x, 52.001], [x, 52]]] });

function table(): ImportTable {
	const rows = [
		{ id: 'IMP-1', addressLine: '1 A St', owners: ['Ann', 'Ben'], status: '', totalValue: 5 },
		{ id: 'imp 2', addressLine: '2 A St', owners: 'Cai', status: 'active', totalValue: 5 },
		{ id: 'IMP-3', addressLine: '3 A St', owners: '', status: 'gone', totalValue: 5 },
		{ id: 'IMP-1', addressLine: '4 A St', owners: 'Dee; Eve', status: 'active', totalValue: 5 },
		{ id: 'NORTH-5', addressLine: '5 A St', owners: 'Fay', status: 'active', totalValue: 5 }
	];
	const geometries = [square(0), square(1), square(2), square(3), { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }];
	return { format: 'geojson', name: 't.geojson', columns: [FEATURE_GEOMETRY, 'id', 'addressLine', 'owners', 'status', 'totalValue'], rows, geometries, issues: [] };
}

describe('import validation', () => {
	it('maps columns by name and leaves assessments out with the reason', () => {
		const t = table();
		const m = defaultMapping(t);
		expect(m).toMatchObject({ id: 'id', geometry: FEATURE_GEOMETRY, addressLine: 'addressLine', owners: 'owners', status: 'status', apn: '' });
		expect(unusedColumns(t, m)).toEqual([{ column: 'totalValue', reason: expect.stringContaining('Only assessors may change valuations') }]);
	});

	it('reports every bad row once per problem, by row and field, and prepares the rest', () => {
		const t = table();
		const p = prepareRows(t, defaultMapping(t), { districts: ['IMP'], today: '2026-01-02' });
		expect(p.issues.map((i) => [i.row, i.field])).toEqual([
			[2, 'id'],
			[3, 'status'],
			[4, 'id'],
			[5, 'id'],
			[5, 'geometry']
		]);
		expect(p.issues[2].message).toBe('the same parcel id as row 1');
		expect(p.issues[3].message).toContain('district NORTH is not granted');
		expect(p.parcels.map((x) => x.id)).toEqual(['IMP-1']);
		const [one] = p.parcels;
		expect(one.parcel).toMatchObject({ status: 'active', addressLine: '1 A St', recordedArea: expect.any(Number) });
		expect(one.parcel.recordedArea).toBeGreaterThan(7000);
		expect(one.title.rights).toEqual({
			r1: { type: 'ownership', holder: 'p1', share: { num: 1, den: 2 }, start: '2026-01-02' },
			r2: { type: 'ownership', holder: 'p2', share: { num: 1, den: 2 }, start: '2026-01-02' }
		});
		expect(dropExisting(p, new Set(['IMP-1'])).issues[0]).toMatchObject({ row: 1, field: 'id', message: expect.stringContaining('registered already') });
	});
});
