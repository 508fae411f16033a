import { describe, expect, it } from 'vitest';
import { ageInDays, claimsQuery } from './claims-queue';

describe('claimsQuery', () => {
	it('sends only the filters given, with paging', () => {
		expect(claimsQuery({})).toBe('/api/registry/claims?limit=50&offset=0');
		expect(claimsQuery({ district: 'RIV', kind: 'boundary', state: 'open', sort: 'deadline', limit: 25, offset: 25 })).toBe(
			'/api/registry/claims?district=RIV&kind=boundary&state=open&sort=deadline&limit=25&offset=25'
		);
	});
	it('counts whole days, never negative', () => {
		expect(ageInDays(0, 86_400_000 * 2.5)).toBe(2);
		expect(ageInDays(1000, 0)).toBe(0);
	});
});
