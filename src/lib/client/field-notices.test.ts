import { describe, expect, it } from 'vitest';
import type { PublicNotice } from '../core/claims/types';
import { refusalText } from './claims-outbox';
import type { ClaimEntryWire } from '../core/claims/sign';
import { shownState } from './field-notices';

const notice = (state: PublicNotice['state'], deadline: number): PublicNotice => ({
	index: 5, parcelId: 'RIV-1', part: 'title', changeHash: 'ab'.repeat(32), deadline, text: 'Sale', filedAt: 1, filedBy: { key: '01'.repeat(32), name: 'Ada' }, state, objections: []
});

describe('notices on the device', () => {
	it('show an open notice whose deadline passed since the fetch as waiting for the log, never as open', () => {
		expect(shownState(notice('open', 1000), 999)).toBe('open');
		expect(shownState(notice('open', 1000), 1000)).toBe('deadline-passed');
		expect(shownState(notice('blocked', 1000), 10)).toBe('blocked');
	});
	it('say plainly that an objection came too late', () => {
		const wire = { kind: 'claim', notice: 5 } as ClaimEntryWire;
		expect(refusalText({ code: 'notice-closed', message: 'x', wire })).toMatch(/^Too late: this objection reached the log after the deadline of notice #5/);
		expect(refusalText({ code: 'unknown-parcel', message: 'no such parcel', wire })).toBe('Refused by the server: no such parcel. Kept here, not sent again.');
	});
});
