// The projector's registry extras, end to end on a real ledger: conflicts of public parts with
// the entry, author and times of each value; overlaps and gaps introduced by geometry changes;
// each author's last edit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes';
import { resolveConflict } from '../../core/crdt/conflicts';
import { loadPartDoc } from '../../core/crdt/document';
import type { Geometry } from '../../core/record/geometry';
import type { PartName } from '../../core/record/parts';
import { sampleParcel, squareGeometry } from '../../core/record/samples';
import { editChange, genesisChange, ledgerFixture, type Editor, type Fixture, type StoreKind } from '../testing/fixture';
import { openProjection } from '../projection/open';
import { Projector } from '../projection/projector';
import type { ProjectionStore } from '../projection/types';
import { skipPostgres } from '../store/postgres/test-database';

describe.each([
	{ kind: 'sqlite' as StoreKind, skip: false },
	{ kind: 'postgres' as StoreKind, skip: skipPostgres() }
])('registry extras of the projector on $kind', ({ kind, skip }) => {
	let f: Fixture;
	let projection: ProjectionStore;
	let projector: Projector;
	beforeEach(async () => {
		if (skip) return;
		f = await ledgerFixture(kind);
		projection = await openProjection(f.store);
		projector = new Projector({ log: f.store, projection, debounceMs: 5 });
	});
	afterEach(async () => {
		if (skip) return;
		await projector.idle();
		await f.cleanup();
	});

	async function submit(e: Editor, id: string, part: PartName, change: Uint8Array) {
		const [r] = await f.ledger.submit([await f.edit(e, id, part, change)]);
		if (r.status !== 'accepted') throw new Error(`${r.code}: ${r.message}`);
		return r.index;
	}

	it.skipIf(skip)('records conflicts with each value’s entry, author and times; a resolution clears them', async () => {
		const parcel = genesisChange(f.assessor, 'parcel', 'RIV-000001', sampleParcel('RIV-000001'));
		await submit(f.assessor, 'RIV-000001', 'parcel', parcel.change);
		const a = editChange(f.assessor, parcel.doc, 'parcel', { zoning: 'R2' });
		const b = editChange(f.registrar, parcel.doc, 'parcel', { zoning: 'C1' });
		const ia = await submit(f.assessor, 'RIV-000001', 'parcel', a.change!);
		f.clock.now += 1000;
		const ib = await submit(f.registrar, 'RIV-000001', 'parcel', b.change!);
		await projector.catchUp();
		const [c] = (await projection.conflicts({ limit: 10, offset: 0 })).rows;
		expect(c).toMatchObject({ parcelId: 'RIV-000001', district: 'RIV', part: 'parcel', path: 'zoning', lastIndex: ib });
		const byValue = Object.fromEntries(c.values.map((v) => [v.value as string, v]));
		expect(byValue.R2).toMatchObject({ index: ia, author: toHex(f.assessor.signer.publicKey), actor: f.assessor.actor });
		expect(byValue.C1).toMatchObject({ index: ib, author: toHex(f.registrar.signer.publicKey), claimedTime: f.clock.now });
		expect(byValue.C1.logTime).toBeGreaterThan(0);

		// The registrar sees both branches and writes a merged value over them.
		const both = loadPartDoc([parcel.change, a.change!, b.change!], { actor: f.registrar.actor });
		if (!both.ok) throw new Error(both.message);
		const r = resolveConflict(both.doc, 'parcel', 'zoning', 'R1/C1', { actor: f.registrar.actor, time: 1_767_225_900 });
		if (!r.ok || !r.change) throw new Error('no resolution');
		await submit(f.registrar, 'RIV-000001', 'parcel', r.change);
		await projector.catchUp();
		expect(await projection.conflicts({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
		expect((await projection.getParcel('RIV-000001'))?.zoning).toBe('R1/C1');
		const activity = await projection.authorActivity();
		expect(activity.find((x) => x.author === toHex(f.registrar.signer.publicKey))).toMatchObject({ lastParcel: 'RIV-000001' });
	});

	it.skipIf(skip)('flags overlaps and slivers introduced by a geometry change, not the ones already there', async () => {
		const size = 0.001;
		const put = async (id: string, lon: number) => {
			const g = genesisChange(f.assessor, 'parcel', id, { ...sampleParcel(id), geometry: squareGeometry(lon, 52.1, size) });
			await submit(f.assessor, id, 'parcel', g.change);
			return g;
		};
		const a = await put('RIV-A', 0);
		await put('RIV-B', size); // touches A along a side
		await put('RIV-C', 0.01);
		await projector.catchUp(); // from empty: nothing is flagged
		expect((await projection.spatialIssues({ limit: 10, offset: 0 })).total).toBe(0);

		// A grows east by 10 % of its width (≈ 6.9 m into B): an overlap of ≈ 760 m².
		const rect = (east: number): Geometry => ({ type: 'Polygon', coordinates: [[[0, 52.1], [east, 52.1], [east, 52.1 + size], [0, 52.1 + size], [0, 52.1]]] });
		const grown = editChange(f.assessor, a.doc, 'parcel', { geometry: rect(size * 1.1) });
		await submit(f.assessor, 'RIV-A', 'parcel', grown.change!);
		await projector.catchUp();
		const [overlap] = (await projection.spatialIssues({ limit: 10, offset: 0 })).rows;
		expect(overlap).toMatchObject({ parcelId: 'RIV-A', otherId: 'RIV-B', kind: 'overlap' });
		expect(overlap.measure).toBeGreaterThan(500);

		// A shrinks to ≈ 1 m short of B: the overlap is cured, and since they met before (overlapping
		// counts as touching), the 1 m sliver between them is flagged.
		const shrunk = editChange(f.assessor, grown.doc, 'parcel', { geometry: rect(size - 0.0000146) }, 1_767_225_900);
		await submit(f.assessor, 'RIV-A', 'parcel', shrunk.change!);
		await projector.catchUp();
		const rows = (await projection.spatialIssues({ limit: 10, offset: 0 })).rows;
		expect(rows.map((r) => [r.parcelId, r.otherId, r.kind])).toEqual([['RIV-A', 'RIV-B', 'gap']]);
		expect(rows[0].measure).toBeGreaterThan(0.5);
		expect(rows[0].measure).toBeLessThan(2);

		// A new parcel on top of C, after the projection caught up: flagged as an overlap.
		await put('RIV-D', 0.0105);
		await projector.catchUp();
		const issues = (await projection.spatialIssuesOf(['RIV-C'])).map((i) => [i.parcelId, i.otherId, i.kind]);
		expect(issues).toEqual([['RIV-D', 'RIV-C', 'overlap']]);
	});
});
