// The registry workspace's part of the ProjectionStore conformance suite (registry-types.ts):
// run by runProjectionConformance for every implementation.
import { describe, expect, it } from 'vitest';
import { freshEachTest, makeRow, type ProjectionFixture } from './conformance-fixture';
import type { ConflictRow, RefusalRow, SpatialIssueRow } from './registry-types';
import type { ProjectionStore } from './types';

const conflict = (parcelId: string, path: string, lastIndex: number, over: Partial<ConflictRow> = {}): ConflictRow => ({
	parcelId,
	district: parcelId.split('-')[0],
	part: 'parcel',
	path,
	lastIndex,
	values: [
		{ value: 'R1', actor: 'a'.repeat(48), opId: `3@${'a'.repeat(48)}`, index: lastIndex - 1, author: 'k1', claimedTime: 1, logTime: 2 },
		{ value: { nested: ['ü', 2] }, actor: 'b'.repeat(48), opId: `3@${'b'.repeat(48)}`, index: lastIndex, author: 'k2', claimedTime: 3, logTime: 4 }
	],
	...over
});

const issue = (parcelId: string, otherId: string, kind: SpatialIssueRow['kind'], index: number): SpatialIssueRow => ({
	parcelId,
	otherId,
	district: parcelId.split('-')[0],
	otherDistrict: otherId.split('-')[0],
	kind,
	measure: kind === 'overlap' ? 12.5 : 0.75,
	index
});

export function runRegistryProjectionConformance(name: string, setup: () => Promise<ProjectionFixture>, skip = false): void {
	describe.skipIf(skip)(`ProjectionStore registry conformance: ${name}`, () => {
		let f: ProjectionFixture;
		let p: ProjectionStore;
		freshEachTest(setup, (x) => ((f = x), (p = x.projection)));

		it('keeps conflicts with their rows, replaced per saved parcel, newest first, by district', async () => {
			expect(await p.conflicts({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
			const a = conflict('RIV-1', 'zoning', 8);
			const b = conflict('RIV-2', 'landUse', 12);
			const c = conflict('NORTH-1', 'geometry', 10, { part: 'title' });
			await p.saveParcels([makeRow('RIV-1', { lastIndex: 8 }), makeRow('RIV-2', { lastIndex: 12 }), makeRow('NORTH-1', { lastIndex: 10 })], 13, { conflicts: [a, b, c] });
			expect(await p.conflicts({ limit: 10, offset: 0 })).toEqual({ rows: [b, c, a], total: 3 });
			expect(await p.conflicts({ limit: 1, offset: 1 })).toEqual({ rows: [c], total: 3 });
			expect(await p.conflicts({ district: 'RIV', limit: 10, offset: 0 })).toEqual({ rows: [b, a], total: 2 });
			expect(await p.conflictsOf('NORTH-1')).toEqual([c]);
			// RIV-1 re-projected without conflicts: its conflicts go; saves without extras leave them alone.
			await p.saveParcels([makeRow('RIV-1', { lastIndex: 20 })], 21, { conflicts: [] });
			expect(await p.conflictsOf('RIV-1')).toEqual([]);
			await p.saveParcels([makeRow('RIV-2', { lastIndex: 22 })], 23);
			expect(await p.conflictsOf('RIV-2')).toEqual([b]);
			// An older row (monotonic contract) does not bring its conflicts back.
			await p.saveParcels([makeRow('RIV-1', { lastIndex: 15 })], 16, { conflicts: [conflict('RIV-1', 'zoning', 15)] });
			expect(await p.conflictsOf('RIV-1')).toEqual([]);
			const other = await f.reopen();
			expect((await other.conflicts({ limit: 10, offset: 0 })).total).toBe(2);
		});

		it('replaces spatial issues involving the given parcels, also inside saveParcels', async () => {
			const x = issue('RIV-1', 'RIV-2', 'overlap', 5);
			const y = issue('RIV-3', 'NORTH-9', 'gap', 7);
			await p.replaceSpatialIssues(['RIV-1', 'RIV-3'], [x, y]);
			expect(await p.spatialIssues({ limit: 10, offset: 0 })).toEqual({ rows: [y, x], total: 2 });
			expect(await p.spatialIssues({ district: 'NORTH', limit: 10, offset: 0 })).toEqual({ rows: [y], total: 1 });
			expect((await p.spatialIssuesOf(['RIV-2'])).map((i) => i.kind)).toEqual(['overlap']);
			// RIV-2 changes and cures the overlap: every issue involving it is replaced (by none).
			await p.saveParcels([makeRow('RIV-2', { lastIndex: 9 })], 10, { spatial: { parcels: ['RIV-2'], issues: [] } });
			expect(await p.spatialIssues({ limit: 10, offset: 0 })).toEqual({ rows: [y], total: 1 });
			const z = issue('NORTH-9', 'RIV-3', 'overlap', 11);
			await p.replaceSpatialIssues(['NORTH-9'], [z]);
			expect(await p.spatialIssuesOf(['RIV-3'])).toEqual([z]);
		});

		it('moves author activity forward only, in the transaction of the save', async () => {
			await p.saveParcels([], 5, { activity: [{ author: 'bb', lastIndex: 4, lastLogTime: 40, lastParcel: 'RIV-1' }, { author: 'aa', lastIndex: 2, lastLogTime: 20, lastParcel: 'RIV-2' }] });
			await p.saveParcels([], 9, { activity: [{ author: 'bb', lastIndex: 3, lastLogTime: 30, lastParcel: 'RIV-9' }, { author: 'aa', lastIndex: 8, lastLogTime: 80, lastParcel: null }] });
			expect(await p.authorActivity()).toEqual([
				{ author: 'aa', lastIndex: 8, lastLogTime: 80, lastParcel: null },
				{ author: 'bb', lastIndex: 4, lastLogTime: 40, lastParcel: 'RIV-1' }
			]);
			const bad = [{ author: 'cc', lastIndex: 1, lastLogTime: 1, lastParcel: 'RIV-1' }, null] as unknown as [];
			await expect(p.saveParcels([makeRow('RIV-1')], 10, { activity: bad })).rejects.toThrow();
			expect((await p.authorActivity()).map((a) => a.author)).toEqual(['aa', 'bb']);
			expect(await p.projectedSize()).toBe(9);
		});

		it('records refusals newest first', async () => {
			const r = (n: number): RefusalRow => ({ at: n, author: 'k', parcel: `RIV-${n}`, part: 'parcel', claimedTime: n - 1, code: 'revoked-key', message: `m${n}` });
			await p.recordRefusals([r(1), r(2)]);
			await p.recordRefusals([r(3)]);
			expect(await p.refusals(2)).toEqual([r(3), r(2)]);
			await expect(p.refusals(0)).rejects.toThrow(RangeError);
		});
	});
}
