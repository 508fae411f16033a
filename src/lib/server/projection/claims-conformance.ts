// The claims part of the ProjectionStore conformance suite (claims-types.ts): run by
// runProjectionConformance for every implementation.
import { describe, expect, it } from 'vitest';
import { freshEachTest, makeRow, type ProjectionFixture } from './conformance-fixture';
import type { ClaimQueueQuery, ClaimRecord, NoticeRecord } from './claims-types';
import type { ProjectionStore } from './types';

const notice = (index: number, parcelId: string, deadline: number): NoticeRecord => ({
	index, parcelId, part: 'title', changeHash: 'ab'.repeat(32), deadline, text: 'Sale to Cy', filedAt: 100, author: '01'.repeat(32), objections: [], applied: false
});
const claim = (index: number, parcelId: string, over: Partial<ClaimRecord> = {}): ClaimRecord => ({
	index, parcelId, claimKind: 'boundary', contested: ['parcel.geometry'], notice: null, text: 'The fence — ünïcödé', files: [{ hash: 'cd'.repeat(32), size: 9 }],
	filedAt: 200 + index, author: '02'.repeat(32), decision: null, ...over
});

export function runClaimsProjectionConformance(name: string, setup: () => Promise<ProjectionFixture>, skip = false): void {
	describe.skipIf(skip)(`ProjectionStore claims conformance: ${name}`, () => {
		let f: ProjectionFixture;
		let p: ProjectionStore;
		freshEachTest(setup, (x) => ((f = x), (p = x.projection)));

		it('keeps claims and notices by parcel, queues them filtered and sorted, and says which parcels are disputed', async () => {
			const n = { ...notice(3, 'RIV-1', 5000), objections: [4] };
			const a = claim(4, 'RIV-1', { claimKind: 'ownership', notice: 3 });
			const b = claim(6, 'NORTH-2');
			const c = claim(7, 'RIV-9', { decision: { index: 8, outcome: 'rejected', text: 'No', decidedAt: 300, author: '01'.repeat(32), caused: [] } });
			await p.saveParcels([makeRow('RIV-1')], 9, { claims: { claims: [a, b, c], notices: [n] } });
			expect(await p.claimsOfParcel('RIV-1')).toEqual({ claims: [a], notices: [n] });
			expect(await p.claimsOfParcel('RIV-2')).toEqual({ claims: [], notices: [] });
			const q = { sort: 'filed' as const, limit: 10, offset: 0 };
			expect((await p.claimQueue(q)).rows.map((r) => [r.claim.index, r.district, r.deadline])).toEqual([[4, 'RIV', 5000], [6, 'NORTH', null], [7, 'RIV', null]]);
			expect(await p.claimQueue({ ...q, district: 'RIV', state: 'open' })).toEqual({ rows: [{ claim: a, district: 'RIV', deadline: 5000 }], total: 1 });
			expect((await p.claimQueue({ ...q, kind: 'boundary', limit: 1, offset: 1 })).rows.map((r) => r.claim.index)).toEqual([7]);
			expect((await p.claimQueue({ ...q, kind: 'boundary' })).total).toBe(2);
			expect((await p.claimQueue({ ...q, sort: 'deadline', state: 'rejected' })).rows.map((r) => r.claim)).toEqual([c]);
			expect([...(await p.disputedAmong(['RIV-1', 'RIV-9', 'NORTH-2', 'EAST-1']))].sort()).toEqual(['NORTH-2', 'RIV-1']);
			await expect(p.claimQueue({ ...q, limit: 0 })).rejects.toThrow(RangeError);
			await expect(p.claimQueue({ ...q, filedBefore: 1.5 })).rejects.toThrow(RangeError);

			// Age: filed strictly before the time. Deadline: objecting to a notice whose deadline is strictly before it.
			const idx = async (over: Partial<ClaimQueueQuery>) => (await p.claimQueue({ ...q, ...over })).rows.map((r) => r.claim.index);
			expect(await idx({ filedBefore: 206 })).toEqual([4]);
			expect(await idx({ filedBefore: 207 })).toEqual([4, 6]);
			expect(await idx({ filedBefore: 207, district: 'NORTH' })).toEqual([6]);
			expect(await idx({ deadlineBefore: 5000 })).toEqual([]);
			expect(await idx({ deadlineBefore: 5001 })).toEqual([4]);
			expect(await p.claimQueue({ ...q, deadlineBefore: 5001, filedBefore: 204 })).toEqual({ rows: [], total: 0 });

			// A decision replaces the claim's row; an older save (a slower projector) does not undo it.
			const decided = { ...a, decision: { index: 10, outcome: 'upheld' as const, text: 'Yes', decidedAt: 400, author: '01'.repeat(32), caused: ['ef'.repeat(32)] } };
			await p.saveParcels([], 11, { claims: { claims: [decided], notices: [] } });
			await p.saveParcels([], 9, { claims: { claims: [a], notices: [] } });
			expect((await p.claimsOfParcel('RIV-1')).claims).toEqual([decided]);
			expect(await p.claimQueue({ ...q, state: 'upheld' })).toEqual({ rows: [{ claim: decided, district: 'RIV', deadline: 5000 }], total: 1 });
			const other = await f.reopen();
			expect([...(await other.disputedAmong(['RIV-1', 'NORTH-2']))]).toEqual(['NORTH-2']);
		});
	});
}
