import { describe, expect, it } from 'vitest';
import { bboxOf, emptySummary, queryWords, readOwners, readParcel, readValuation, searchWords, summarize, summaryOf } from './summary';
import type { JsonObject } from './json';

const square = { type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 5], [1, 5], [1, 2]]] } as const;

const facts = { apn: '012-345', status: 'active', addressLine: '12 Mill Lane', locality: 'Riverside' };
const more = { postcode: 'RV1 2AB', landUse: 'residential', zoning: 'R1', recordedArea: 412.5 };

const view: JsonObject = {
	...facts,
	...more,
	geometry: { type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 5], [1, 5], [1, 2]]] },
	assessments: { '2023': { total: 100 }, '2024': { total: 120 }, notes: { total: 999 } },
	parties: { p1: { name: 'Zoë Okafor' }, p2: { name: 'Ben Orme' }, p3: { name: 'Old Owner' } },
	rights: {
		r2: { type: 'ownership', holder: 'p2' },
		r1: { type: 'ownership', holder: 'p1' },
		r3: { type: 'ownership', holder: 'p3', end: '2020-01-01' },
		r4: { type: 'lease', holder: 'p3' }
	}
};

describe('parcel summary', () => {
	it('reads the summary and shape from a merged public view', () => {
		expect(summarize('RIV-000001', view)).toEqual({
			id: 'RIV-000001',
			district: 'RIV',
			...facts,
			...more,
			owners: ['Zoë Okafor', 'Ben Orme'],
			totalValue: 120,
			valueYear: '2024',
			geometry: square,
			bbox: [1, 2, 3, 5]
		});
	});

	it('reads each part on its own as from the merged view', () => {
		const whole = summarize('RIV-000001', view);
		const { geometry, bbox, ...parcel } = readParcel(view);
		expect({ ...emptySummary('RIV-000001'), ...parcel, geometry, bbox, ...readValuation(view), owners: readOwners(view) }).toEqual(whole);
	});

	it('reads mistyped or missing fields as empty, never throwing', () => {
		const odd: JsonObject = { apn: 7, recordedArea: 'big', geometry: { type: 'Point', coordinates: [1, 2] }, assessments: [], rights: { r: 'x' } };
		expect(summarize('nonsense', odd)).toEqual(emptySummary('nonsense'));
		expect(emptySummary('EAST-000002')).toMatchObject({ district: 'EAST', owners: [], totalValue: null, geometry: null, bbox: null });
	});

	it('keeps exactly the summary fields, in one order', () => {
		const extra = { ...summarize('RIV-000001', view), lastIndex: 4, record: {} };
		expect(Object.keys(summaryOf(extra))).toEqual([
			'id', 'district', 'apn', 'status', 'addressLine', 'locality', 'postcode', 'landUse', 'zoning', 'recordedArea', 'owners', 'totalValue', 'valueYear'
		]);
	});

	it('bounds a MultiPolygon over all its rings', () => {
		expect(bboxOf({ type: 'MultiPolygon', coordinates: [square.coordinates.map((r) => r.map((p) => [...p])), [[[-4, 0], [0, 0], [0, 9], [-4, 0]]]] })).toEqual([-4, 0, 3, 9]);
	});

	it('finds a parcel by the words of its id, APN, address, locality, postcode and owners', () => {
		expect(searchWords(summarize('RIV-000001', view))).toEqual(['riv', '000001', '012', '345', '12', 'mill', 'lane', 'riverside', 'rv1', '2ab', 'zoe', 'okafor', 'ben', 'orme']);
		expect(queryWords('  ')).toBeNull();
		expect(queryWords('!!')).toEqual([]);
		expect(queryWords('Mill mill ÖKAFOR')).toEqual(['mill', 'okafor']);
		expect(queryWords(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
	});
});
