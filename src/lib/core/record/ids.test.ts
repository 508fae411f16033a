import { describe, expect, it } from 'vitest';
import { districtOf, isParcelId, parseParcelId } from './ids';

describe('parcel ids', () => {
	it('parses DISTRICT-LOCAL', () => {
		expect(parseParcelId('RIV-000123')).toEqual({ ok: true, id: 'RIV-000123', district: 'RIV', local: '000123' });
		expect(parseParcelId('AB-1')).toMatchObject({ ok: true, district: 'AB', local: '1' });
		expect(parseParcelId('ABCDEFGH-' + 'Z'.repeat(24))).toMatchObject({ ok: true, district: 'ABCDEFGH' });
	});

	it('refuses anything else with a code', () => {
		for (const bad of ['', 'RIV', 'R-1', 'ABCDEFGHI-1', 'RIV-', 'riv-1', 'RIV-1-2', 'RIV_1', ' RIV-1', 'RIV-' + '1'.repeat(25)]) {
			const r = parseParcelId(bad);
			expect(r.ok, bad).toBe(false);
			if (!r.ok) expect(r.code).toBe('bad-parcel-id');
			expect(isParcelId(bad)).toBe(false);
		}
	});

	it('reads the district from the id alone', () => {
		expect(districtOf('RIV-000123')).toBe('RIV');
		expect(districtOf('N01-7')).toBe('N01');
		expect(districtOf('not an id')).toBeNull();
	});
});
