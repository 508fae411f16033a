// One conformance suite for every ProjectionStore: an implementation's test file is a few lines
// that call runProjectionConformance (as automerge-repo's runStorageAdapterTests does).
import { describe, expect, it } from 'vitest';
import type { Polygon } from '../../core/record/geometry';
import { squareGeometry } from '../../core/record/samples';
import { bboxOf } from '../../core/record/summary';
import type { BBox, ParcelRow, ParcelHit, ProjectionStore } from './types';
import { runRegistryProjectionConformance } from './registry-conformance';
import { runClaimsProjectionConformance } from './claims-conformance';
import { freshEachTest, makeRow, type ProjectionFixture } from './conformance-fixture';

const polygonAt = (lon: number, lat: number) => (squareGeometry(lon, lat) as Polygon).coordinates;
const summaryOf = ({ record: _r, geometry: _g, ...rest }: ParcelRow): ParcelHit => rest;

export function runProjectionConformance(name: string, setup: () => Promise<ProjectionFixture>, skip = false): void {
	runRegistryProjectionConformance(name, setup, skip);
	runClaimsProjectionConformance(name, setup, skip);
	describe.skipIf(skip)(`ProjectionStore conformance: ${name}`, () => {
		let f: ProjectionFixture;
		let p: ProjectionStore;
		const ids = async (query: Partial<Parameters<ProjectionStore['search']>[0]>) =>
			(await p.search({ limit: 100, offset: 0, ...query })).rows.map((r) => r.id);

		freshEachTest(setup, (x) => ((f = x), (p = x.projection)));

		it('starts empty, and migrate is idempotent', async () => {
			await p.migrate();
			expect(await p.projectedSize()).toBe(0);
			expect(await p.getParcel('RIV-1')).toBeNull();
			expect(await p.districts()).toEqual([]);
			expect(await p.search({ limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
			expect(await p.listParcels('RIV', null, 10)).toEqual([]);
		});

		it('saves rows and the projected size together, and returns rows exactly', async () => {
			const a = makeRow('RIV-1');
			const b = makeRow('RIV-2', { geometry: null, bbox: null, recordedArea: null, totalValue: null, valueYear: null, owners: [] });
			const c = makeRow('NORTH-7', {
				geometry: { type: 'MultiPolygon', coordinates: [polygonAt(10.25, -33.5), polygonAt(11, -33)] }
			});
			c.bbox = bboxOf(c.geometry!);
			await p.saveParcels([a, b, c], 42);
			expect(await p.projectedSize()).toBe(42);
			expect(await p.getParcel('RIV-1')).toEqual(a);
			expect(await p.getParcel('RIV-2')).toEqual(b);
			expect(await p.getParcel('NORTH-7')).toEqual(c);
			expect(await p.getParcels(['NORTH-7', 'NOPE-1', 'RIV-1'])).toEqual([c, a]);
			expect(await p.getParcels([])).toEqual([]);
			const boxes = [a, b, c].flatMap((r) => (r.bbox ? [r.bbox] : []));
			expect(await p.extent()).toEqual(
				boxes.length
					? [Math.min(...boxes.map((x) => x[0])), Math.min(...boxes.map((x) => x[1])), Math.max(...boxes.map((x) => x[2])), Math.max(...boxes.map((x) => x[3]))]
					: null
			);
			const other = await f.reopen();
			expect(await other.projectedSize()).toBe(42);
			expect(await other.getParcel('RIV-1')).toEqual(a);
		});

		it('is all or nothing: a failing batch changes neither rows nor size', async () => {
			await p.saveParcels([makeRow('RIV-1')], 5);
			const bad = { ...makeRow('RIV-3'), apn: null } as unknown as ParcelRow; // violates NOT NULL
			await expect(p.saveParcels([makeRow('RIV-1', { addressLine: 'Changed', lastIndex: 11 }), makeRow('RIV-2'), bad], 9)).rejects.toThrow();
			expect(await p.projectedSize()).toBe(5);
			expect((await p.getParcel('RIV-1'))?.addressLine).toBe('12 Mill Lane');
			expect(await p.getParcel('RIV-2')).toBeNull();
			expect(await ids({ text: 'changed' })).toEqual([]);
		});

		it('replaces rows by id and keeps the search index in step; never goes backwards', async () => {
			await p.saveParcels([makeRow('RIV-1')], 5);
			await p.saveParcels([makeRow('RIV-1', { addressLine: '3 Weir Road', lastIndex: 20 })], 21);
			expect(await ids({ text: 'mill' })).toEqual([]);
			expect(await ids({ text: 'weir' })).toEqual(['RIV-1']);
			// An older row (smaller lastIndex) and a smaller size are ignored.
			await p.saveParcels([makeRow('RIV-1', { addressLine: '9 Old Street', lastIndex: 15 })], 7);
			expect((await p.getParcel('RIV-1'))?.addressLine).toBe('3 Weir Road');
			expect(await ids({ text: 'old' })).toEqual([]);
			expect(await p.projectedSize()).toBe(21);
			// The same id twice in one batch: the larger lastIndex wins.
			await p.saveParcels([makeRow('RIV-1', { addressLine: 'A', lastIndex: 30 }), makeRow('RIV-1', { addressLine: 'B', lastIndex: 25 })], 31);
			expect((await p.getParcel('RIV-1'))?.addressLine).toBe('A');
		});

		it('finds parcels by word prefixes of id, APN, address, locality, postcode and owners', async () => {
			await p.saveParcels(
				[
					makeRow('RIV-000123'),
					makeRow('RIV-000124', { apn: '099-111-222', addressLine: '3 Weir Road', owners: ['Zoë Brontë-Smith'], postcode: 'RV9 9ZZ' }),
					makeRow('NORTH-5', { apn: 'N-77', addressLine: '1 Hill Top', locality: 'Northby', owners: ['Grace Hopper', 'Alan Turing'] })
				],
				3
			);
			expect(await ids({ text: '012-345-678' })).toEqual(['RIV-000123']);
			expect(await ids({ text: '099' })).toEqual(['RIV-000124']);
			expect(await ids({ text: 'RIV-000123' })).toEqual(['RIV-000123']);
			expect(await ids({ text: 'riv-00012' })).toEqual(['RIV-000123', 'RIV-000124']);
			expect(await ids({ text: 'Mill La' })).toEqual(['RIV-000123']);
			expect(await ids({ text: 'MILL' })).toEqual(['RIV-000123']);
			expect(await ids({ text: 'ill' })).toEqual([]); // a prefix of a word, not any substring
			expect(await ids({ text: 'north' })).toEqual(['NORTH-5']);
			expect(await ids({ text: 'rv9' })).toEqual(['RIV-000124']);
			expect(await ids({ text: 'tur' })).toEqual(['NORTH-5']);
			expect(await ids({ text: 'grace hop' })).toEqual(['NORTH-5']);
			expect(await ids({ text: 'grace lovelace' })).toEqual([]); // every word must match
			expect(await ids({ text: 'zoe' })).toEqual(['RIV-000124']);
			expect(await ids({ text: 'ZOË bront' })).toEqual(['RIV-000124']);
			expect(await ids({ text: 'smi' })).toEqual(['RIV-000124']);
			expect(await ids({ text: '  ' })).toEqual(['NORTH-5', 'RIV-000123', 'RIV-000124']);
		});

		it('treats quotes, operators and wildcards in a query as text', async () => {
			await p.saveParcels([makeRow('RIV-1'), makeRow('RIV-2', { addressLine: '5 Near Lane' })], 2);
			for (const text of ['"', "'", '""mill', 'mill"', '*', 'mill*', '%', '_', '\\', 'NEAR(mill', 'mill AND', '^mill', 'addressLine:mill', "' OR 1=1 --", '-mill', '(', '{x}']) {
				const r = await p.search({ text, limit: 10, offset: 0 });
				expect(r.total, text).toBe(r.rows.length);
			}
			expect(await ids({ text: '"mill"' })).toEqual(['RIV-1']);
			expect(await ids({ text: 'mill*' })).toEqual(['RIV-1']);
			expect(await ids({ text: 'NEAR(lane' })).toEqual(['RIV-2']);
			expect(await ids({ text: 'lane OR mill' })).toEqual([]); // OR is a word, not an operator
			expect(await ids({ text: '%' })).toEqual([]); // no words: matches nothing
			expect(await ids({ text: 'mi%ll' })).toEqual([]);
			expect(await ids({ text: 'm_ll' })).toEqual([]);
		});

		it('filters by district and counts districts', async () => {
			await p.saveParcels([makeRow('RIV-1'), makeRow('RIV-2'), makeRow('NORTH-1'), makeRow('EAST-9', { addressLine: 'Other' })], 4);
			expect(await p.districts()).toEqual([
				{ district: 'EAST', parcels: 1 },
				{ district: 'NORTH', parcels: 1 },
				{ district: 'RIV', parcels: 2 }
			]);
			expect(await ids({ district: 'RIV' })).toEqual(['RIV-1', 'RIV-2']);
			expect(await ids({ district: 'RIV', text: 'mill' })).toEqual(['RIV-1', 'RIV-2']);
			expect(await ids({ district: 'EAST', text: 'mill' })).toEqual([]);
			expect(await ids({ district: 'NONE' })).toEqual([]);
		});

		it('pages search results in id order with a total, and returns summaries', async () => {
			const rows = ['RIV-9', 'RIV-10', 'RIV-A', 'RIV-0', 'RIV-1Z'].map((id) => makeRow(id));
			await p.saveParcels(rows, 5);
			const page1 = await p.search({ text: 'mill', limit: 2, offset: 0 });
			const page2 = await p.search({ text: 'mill', limit: 2, offset: 2 });
			const page3 = await p.search({ text: 'mill', limit: 2, offset: 4 });
			expect([page1.total, page2.total, page3.total]).toEqual([5, 5, 5]);
			expect([...page1.rows, ...page2.rows, ...page3.rows].map((r) => r.id)).toEqual(['RIV-0', 'RIV-10', 'RIV-1Z', 'RIV-9', 'RIV-A']);
			expect(page1.rows[0]).toEqual(summaryOf(rows[3]));
			expect(await p.search({ text: 'mill', limit: 2, offset: 10 })).toEqual({ rows: [], total: 5 });
		});

		it('lists a district in id order after a given id, with full rows', async () => {
			const rows = ['RIV-9', 'RIV-10', 'RIV-A', 'RIV-0', 'NORTH-1'].map((id) => makeRow(id));
			await p.saveParcels(rows, 5);
			const first = await p.listParcels('RIV', null, 3);
			expect(first.map((r) => r.id)).toEqual(['RIV-0', 'RIV-10', 'RIV-9']);
			expect(first[0]).toEqual(rows[3]);
			expect((await p.listParcels('RIV', 'RIV-9', 3)).map((r) => r.id)).toEqual(['RIV-A']);
			expect(await p.listParcels('RIV', 'RIV-A', 3)).toEqual([]);
		});

		it('finds parcels whose bbox intersects a box, exactly', async () => {
			const at = (id: string, lon: number, lat: number, size = 0.001) => {
				const geometry = squareGeometry(lon, lat, size);
				return makeRow(id, { geometry, bbox: bboxOf(geometry) });
			};
			await p.saveParcels(
				[at('RIV-1', 10, 50), at('RIV-2', 10.002, 50), at('RIV-3', 20, -30), at('RIV-4', 100.0000001, 10), makeRow('RIV-5', { geometry: null, bbox: null })],
				5
			);
			const box = (b: BBox, text?: string) => ids({ bbox: b, text });
			expect(await box([9, 49, 11, 51])).toEqual(['RIV-1', 'RIV-2']);
			expect(await box([10.0005, 50.0005, 10.0006, 50.0006])).toEqual(['RIV-1']); // inside the parcel
			expect(await box([10 + 0.001, 50 + 0.001, 10.0015, 50.0015])).toEqual(['RIV-1']); // touching counts
			expect(await box([10.0011, 50, 10.0019, 51])).toEqual([]); // the gap between two parcels
			expect(await box([-180, -90, 180, 90])).toEqual(['RIV-1', 'RIV-2', 'RIV-3', 'RIV-4']);
			expect(await box([19, -31, 21, -29], 'mill')).toEqual(['RIV-3']);
			expect(await box([19, -31, 21, -29], 'weir')).toEqual([]);
			// 5e-8° away: inside float32 rounding (R*Tree) and PostgreSQL's 1e-6 box tolerance, still no match.
			expect(await box([99, 9, 100.00000005, 11])).toEqual([]);
			expect(await box([99, 9, 100.0000001, 11])).toEqual(['RIV-4']);
		});

		it('refuses malformed queries', async () => {
			for (const q of [
				{ limit: 0, offset: 0 },
				{ limit: 501, offset: 0 },
				{ limit: 1.5, offset: 0 },
				{ limit: 10, offset: -1 },
				{ limit: 10, offset: 0, bbox: [0, 0, Number.NaN, 1] as BBox },
				{ limit: 10, offset: 0, bbox: [2, 0, 1, 1] as BBox }
			]) {
				await expect(p.search(q)).rejects.toThrow(RangeError);
			}
			await expect(p.listParcels('RIV', null, 0)).rejects.toThrow(RangeError);
		});

		it('takes concurrent saves of overlapping rows', async () => {
			const batch = (n: number) => Array.from({ length: 50 }, (_, i) => makeRow(`RIV-${i}`, { lastIndex: n, zoning: `Z${n}` }));
			await Promise.all([p.saveParcels(batch(1), 10), p.saveParcels(batch(2).reverse(), 20), p.saveParcels(batch(3), 30)]);
			expect(await p.projectedSize()).toBe(30);
			expect((await p.getParcel('RIV-7'))?.zoning).toBe('Z3');
			expect((await p.search({ text: 'mill', limit: 1, offset: 0 })).total).toBe(50);
		});
	});
}
