// Registry exports and refusal records: CSV quoting (RFC 4180), one parcel per line, streamed
// pages; and which refused submissions are remembered.
import { describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { makeRow } from '../projection/conformance-fixture';
import type { ProjectionStore } from '../projection/types';
import { csvField, EXPORT_COLUMNS, exportStream, exportTotal } from './export';
import { revokedRefusals } from './refusals';

function fakeProjection(n: number): ProjectionStore {
	const rows = Array.from({ length: n }, (_, i) => makeRow(`RIV-${String(i).padStart(5, '0')}`, { addressLine: i === 1 ? '1 "Quoted", Lane\nWest' : `${i} Mill Lane`, owners: ['Ann', 'Bo'] }));
	const partial = {
		listParcels: async (_d: string, after: string | null, limit: number) => rows.filter((r) => r.id > (after ?? '')).slice(0, limit),
		districts: async () => [{ district: 'RIV', parcels: n }]
	};
	return partial as unknown as ProjectionStore;
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
	return new Response(stream).text();
}

describe('registry exports', () => {
	it('quotes CSV fields as RFC 4180 says', () => {
		expect(csvField('plain')).toBe('plain');
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('two\nlines')).toBe('"two\nlines"');
		expect(csvField(null)).toBe('');
		expect(csvField(12.5)).toBe('12.5');
	});

	it('streams a district as CSV that parses back, over several pages', async () => {
		const p = fakeProjection(2345);
		expect(await exportTotal(p, { district: 'RIV', format: 'csv' })).toBe(2345);
		const csv = await text(exportStream(p, { district: 'RIV', format: 'csv' }));
		const parsed = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: 'greedy' });
		expect(parsed.errors).toEqual([]);
		expect(parsed.meta.fields).toEqual([...EXPORT_COLUMNS]);
		expect(parsed.data).toHaveLength(2345);
		expect(parsed.data[1].addressLine).toBe('1 "Quoted", Lane\nWest');
		expect(parsed.data[0].owners).toBe('Ann; Bo');
		expect(JSON.parse(parsed.data[0].geometry)).toEqual(makeRow('RIV-00000').geometry);
	});

	it('streams GeoJSON with one feature per line', async () => {
		const geojson = await text(exportStream(fakeProjection(3), { district: 'RIV', format: 'geojson' }));
		const lines = geojson.trimEnd().split('\n');
		expect(lines).toHaveLength(5); // header, 3 features, closing line
		const fc = JSON.parse(geojson);
		expect(fc.features.map((f: { id: string }) => f.id)).toEqual(['RIV-00000', 'RIV-00001', 'RIV-00002']);
		expect(fc.features[0].properties).not.toHaveProperty('record');
	});
});

describe('refusals of revoked keys', () => {
	it('keeps only revoked-key refusals, matched to their items', () => {
		const edits = [
			{ parcel: 'RIV-1', part: 'parcel', author: 'aa', claimedTime: 5 },
			{ parcel: 'RIV-2', part: 'title', author: 'bb', claimedTime: 6 }
		];
		const results = [
			{ status: 'refused', code: 'revoked-key', message: 'key of X was revoked at entry 9: lost' },
			{ status: 'refused', code: 'part-not-allowed', message: 'no' }
		];
		expect(revokedRefusals({ edits }, { results }, 100)).toEqual([
			{ at: 100, author: 'aa', parcel: 'RIV-1', part: 'parcel', claimedTime: 5, code: 'revoked-key', message: 'key of X was revoked at entry 9: lost' }
		]);
		expect(revokedRefusals({ edits }, { results: results.slice(1) }, 1)).toEqual([]);
		expect(revokedRefusals('junk', null, 1)).toEqual([]);
	});
});
