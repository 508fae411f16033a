import { describe, expect, it } from 'vitest';
import { fieldsOf, patchOf } from './field-specs';
import { sampleParcel, sampleValuation } from '../core/record/samples';
import type { JsonObject } from '../core/record/json';

describe('field specs', () => {
	it('patches only the fields that changed, with a summary', () => {
		const plain = sampleParcel() as unknown as JsonObject;
		const specs = fieldsOf('parcel', plain);
		const { patch, summary } = patchOf('parcel', plain, specs, { zoning: 'R2', 'buildings.b1.floors': '3' });
		expect(patch).toEqual({ zoning: 'R2', 'buildings.b1.floors': 3 });
		expect(summary).toBe('zoning → R2; floors → 3');
	});

	it('rewrites a year of assessments whole, keeping total = land + improvements', () => {
		const plain = sampleValuation() as unknown as JsonObject;
		const specs = fieldsOf('valuation', plain);
		const { patch } = patchOf('valuation', plain, specs, { 'assessments.2024.land': '100000' });
		expect(patch).toEqual({ 'assessments.2024': { land: 100000, improvements: 160000, total: 260000, assessor: 'A. Field', date: '2024-03-01' } });
	});
});
