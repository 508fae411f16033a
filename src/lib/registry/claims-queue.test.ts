import { describe, expect, it } from 'vitest';
import { ageInDays, claimsQuery, filterQuery, filterSearch, queueFilters, type QueueFilters } from './claims-queue';

const DAY = 86_400_000;

describe('claimsQuery', () => {
	it('sends only the filters given, with paging', () => {
		expect(claimsQuery({})).toBe('/api/registry/claims?limit=50&offset=0');
		expect(claimsQuery({ district: 'RIV', kind: 'boundary', state: 'open', filedBefore: 5, deadlineBefore: 0, sort: 'deadline', limit: 25, offset: 25 })).toBe(
			'/api/registry/claims?district=RIV&kind=boundary&state=open&filedBefore=5&deadlineBefore=0&sort=deadline&limit=25&offset=25'
		);
	});
	it('counts whole days, never negative', () => {
		expect(ageInDays(0, 86_400_000 * 2.5)).toBe(2);
		expect(ageInDays(1000, 0)).toBe(0);
	});
});

describe('queue filters in the URL', () => {
	const defaults: QueueFilters = { district: '', kind: '', state: 'open', sort: 'filed', olderThan: '', deadlineWithin: '', page: 1 };
	it('default to open claims, oldest first, and write only what differs', () => {
		expect(queueFilters(new URLSearchParams(''))).toEqual(defaults);
		expect(filterSearch(defaults)).toBe('');
		const f: QueueFilters = { district: 'RIV', kind: 'ownership', state: '', sort: 'deadline', olderThan: '7', deadlineWithin: '0.5', page: 2 };
		const s = filterSearch(f);
		expect(s).toBe('?district=RIV&kind=ownership&state=any&sort=deadline&olderThan=7&deadlineWithin=0.5&page=2');
		expect(queueFilters(new URLSearchParams(s))).toEqual(f);
	});
	it('leave malformed values at their defaults', () => {
		expect(queueFilters(new URLSearchParams('district=riv&kind=roof&state=x&sort=age&olderThan=-1&deadlineWithin=1e3&page=0'))).toEqual(defaults);
	});
	it('turn days into log times around now', () => {
		const now = 100 * DAY;
		const q = filterQuery({ ...defaults, olderThan: '7', deadlineWithin: '1.5', page: 3 }, now, 25);
		expect(q).toEqual({ district: undefined, kind: undefined, state: 'open', filedBefore: 93 * DAY, deadlineBefore: 101.5 * DAY, sort: 'filed', limit: 25, offset: 50 });
		expect(filterQuery({ ...defaults, state: '' }, now, 25)).toMatchObject({ state: undefined, filedBefore: undefined, deadlineBefore: undefined });
	});
});
