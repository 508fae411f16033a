// End to end: signed edits into a real ledger (SQLite, and PostgreSQL when available), then the
// projector, then search. The log store and the projection share one database, as in production.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { toPlain } from '../../core/crdt/document';
import type { PartDoc } from '../../core/crdt/representation';
import type { PartName } from '../../core/record/parts';
import { sampleParcel, samplePrivate, sampleTitle, sampleValuation, squareGeometry } from '../../core/record/samples';
import type { ParcelPart } from '../../core/record/parcel-schema';
import { editChange, genesisChange, sqliteFixture, type Editor, type Fixture } from '../testing/fixture';
import { appendUnchecked } from '../testing/unchecked-append';
import { SqliteLogStore } from '../store/sqlite/log-store';
import { PostgresLogStore } from '../store/postgres/log-store';
import { createTestDatabase, skipPostgres } from '../store/postgres/test-database';
import { SqliteProjectionStore } from './sqlite';
import { PostgresProjectionStore } from './postgres';
import { Projector, type CatchUpProgress } from './projector';
import type { ProjectionStore, SearchQuery } from './types';

interface Backend {
	f: Fixture;
	projection: ProjectionStore;
	/** Every projection table as text. */
	dump(): Promise<string>;
	cleanup(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
	const f = await sqliteFixture();
	const db = (f.store as SqliteLogStore).db;
	const tables = ['parcels', 'parcels_fts', 'parcels_rtree', 'projection_state'];
	return {
		f,
		projection: new SqliteProjectionStore(db),
		dump: async () => JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t}`).all())),
		cleanup: () => f.cleanup()
	};
}

async function postgresBackend(): Promise<Backend> {
	const database = await createTestDatabase();
	const store = new PostgresLogStore(database.url);
	const f = await sqliteFixture({ store });
	const query = async (sql: string) => JSON.stringify((await store.pool.query(sql)).rows);
	return {
		f,
		projection: new PostgresProjectionStore(store.pool),
		dump: async () => (await query('SELECT row_to_json(p)::text FROM parcels p')) + (await query('SELECT * FROM projection_state')),
		async cleanup() {
			await f.cleanup();
			await database.drop();
		}
	};
}

const SECRET_NOTE = 'Xyzzyqx vault code 99412';
const SECRET_ID = 'QQ777333SECRET';

describe.each([
	{ name: 'sqlite', make: sqliteBackend, skip: false },
	{ name: 'postgres', make: postgresBackend, skip: skipPostgres() }
])('projector on $name', ({ make, skip }) => {
	let b: Backend;
	let f: Fixture;
	let projection: ProjectionStore;
	let projector: Projector;
	beforeEach(async () => {
		if (skip) return;
		b = await make();
		f = b.f;
		projection = b.projection;
		await projection.migrate();
		projector = new Projector({ log: f.store, projection, debounceMs: 5 });
	});
	afterEach(async () => {
		if (skip) return;
		await projector.idle();
		await b.cleanup();
	});

	async function submit(e: Editor, id: string, part: PartName, change: Uint8Array) {
		const [r] = await f.ledger.submit([await f.edit(e, id, part, change)]);
		if (r.status !== 'accepted') throw new Error(`${r.code}: ${r.message}`);
		return r.index;
	}

	/** A parcel with all four parts; the private part holds values that must never be projected. */
	async function register(id: string, parcel: Partial<ParcelPart> = {}, owner = 'Ada Lovelace') {
		const title = sampleTitle(id);
		title.parties.p1.name = owner;
		const priv = samplePrivate(id);
		priv.internalNotes = SECRET_NOTE;
		priv.nationalIds.p1 = SECRET_ID;
		const docs = {
			parcel: genesisChange(f.assessor, 'parcel', id, { ...sampleParcel(id), ...parcel }),
			valuation: genesisChange(f.assessor, 'valuation', id, sampleValuation(id)),
			title: genesisChange(f.registrar, 'title', id, title),
			private: genesisChange(f.assessor, 'private', id, priv)
		};
		for (const part of ['parcel', 'valuation', 'title', 'private'] as const) {
			await submit(part === 'title' ? f.registrar : f.assessor, id, part, docs[part].change);
		}
		return docs;
	}

	const find = async (q: Partial<SearchQuery>) => (await projection.search({ limit: 50, offset: 0, ...q })).rows.map((r) => r.id);
	const size = async () => (await f.store.head())!.size;

	it.skipIf(skip)('projects public parts into rows that search finds', async () => {
		await register('RIV-000001');
		await register('RIV-000002', { apn: '555-010-020', addressLine: '7 Weir Road' }, 'Grace Hopper');
		await register('NORTH-000001', { apn: 'N-1', addressLine: '1 Hill Top', locality: 'Northby', postcode: 'NB1 1AA' }, 'Alan Turing');
		const seen: CatchUpProgress[] = [];
		expect(await projector.catchUp((p) => seen.push(p))).toBe(await size());
		expect(await projection.projectedSize()).toBe(await size());
		expect(seen.at(-1)).toMatchObject({ done: seen.at(-1)!.total, parcels: 3 });

		const row = (await projection.getParcel('RIV-000001'))!;
		expect(row).toMatchObject({
			district: 'RIV',
			apn: '012-345-678',
			addressLine: '12 Mill Lane',
			owners: ['Ada Lovelace'], // the mortgage holder is not an owner
			totalValue: 250_000,
			valueYear: '2024',
			bbox: [-1.5, 52.1, -1.5 + 0.001, 52.1 + 0.001],
			editCount: 3
		});
		expect(row.record).toMatchObject({ zoning: 'R1', assessments: { '2024': { total: 250_000 } }, parties: { p2: { name: 'Northern Bank' } } });
		expect(row.geometry).toEqual(squareGeometry(-1.5, 52.1));

		expect(await find({ text: '555-010' })).toEqual(['RIV-000002']);
		expect(await find({ text: 'weir ro' })).toEqual(['RIV-000002']);
		expect(await find({ text: 'hopp' })).toEqual(['RIV-000002']);
		expect(await find({ text: 'alan tur' })).toEqual(['NORTH-000001']);
		expect(await find({ text: 'RIV-000001' })).toEqual(['RIV-000001']);
		expect(await find({ district: 'RIV' })).toEqual(['RIV-000001', 'RIV-000002']);
		expect(await projection.districts()).toEqual([
			{ district: 'NORTH', parcels: 1 },
			{ district: 'RIV', parcels: 2 }
		]);
	});

	it.skipIf(skip)('never reads or stores anything from the private part', async () => {
		const docs = await register('RIV-000003');
		await projector.catchUp();
		const afterPublic = await projection.projectedSize();
		// A private-only edit moves the projected size but re-projects nothing.
		const edit = editChange(f.assessor, docs.private.doc, 'private', { internalNotes: `${SECRET_NOTE} (updated)` });
		await submit(f.assessor, 'RIV-000003', 'private', edit.change!);
		const seen: CatchUpProgress[] = [];
		await projector.catchUp((p) => seen.push(p));
		expect(await projection.projectedSize()).toBe(afterPublic + 1);
		expect(seen.at(-1)?.parcels).toBe(0);

		const everything = [
			await b.dump(),
			JSON.stringify(await projection.getParcel('RIV-000003')),
			JSON.stringify(await projection.listParcels('RIV', null, 100)),
			JSON.stringify(await projection.search({ limit: 50, offset: 0 }))
		].join('\n');
		expect(everything).toContain('Mill Lane'); // the dump does hold the public record
		for (const secret of ['Xyzzyqx', 'xyzzyqx', '99412', SECRET_ID, 'qq777333', 'ada@example.org', '1632 960123', 'contacts', 'nationalIds']) {
			expect(everything).not.toContain(secret);
		}
		for (const text of ['xyzzyqx', 'vault', SECRET_ID, 'ada@example', '960123']) expect(await find({ text })).toEqual([]);
	});

	it.skipIf(skip)('re-projects an edited address, and a restarted projector resumes without redoing work', async () => {
		const docs = await register('RIV-000004');
		await register('RIV-000005');
		await projector.catchUp();
		const before = await projection.projectedSize();

		const edit = editChange(f.assessor, docs.parcel.doc, 'parcel', { addressLine: '14 Weir Road' });
		const index = await submit(f.assessor, 'RIV-000004', 'parcel', edit.change!);
		// A new Projector on the same stores: a restarted process.
		const restarted = new Projector({ log: f.store, projection });
		const seen: CatchUpProgress[] = [];
		expect(await restarted.catchUp((p) => seen.push(p))).toBe(before + 1);
		expect(seen).toEqual([{ done: 1, total: 1, parcels: 1 }]);
		expect(await projection.getParcel('RIV-000004')).toMatchObject({ addressLine: '14 Weir Road', lastIndex: index, editCount: 4 });
		expect(await find({ text: 'weir' })).toEqual(['RIV-000004']);
		expect(await find({ text: 'mill' })).toEqual(['RIV-000005']);

		const again: CatchUpProgress[] = [];
		expect(await new Projector({ log: f.store, projection }).catchUp((p) => again.push(p))).toBe(before + 1);
		expect(again).toEqual([]); // nothing to do
		expect(await projection.projectedSize()).toBe(before + 1);
	});

	it.skipIf(skip)('projects concurrent edits deterministically, as Automerge merges them', async () => {
		const docs = await register('RIV-000006');
		const a = editChange(f.assessor, docs.parcel.doc, 'parcel', { addressLine: '1 Assessor Way' });
		const r = editChange(f.registrar, docs.parcel.doc, 'parcel', { addressLine: '2 Registrar Row' });
		await submit(f.assessor, 'RIV-000006', 'parcel', a.change!);
		await submit(f.registrar, 'RIV-000006', 'parcel', r.change!);
		await projector.catchUp();
		const winner = (x: PartDoc, y: PartDoc) => toPlain('parcel', Automerge.merge(Automerge.clone(x), y)).addressLine;
		expect(winner(a.doc, r.doc)).toBe(winner(r.doc, a.doc));
		const row = (await projection.getParcel('RIV-000006'))!;
		expect(row.addressLine).toBe(winner(a.doc, r.doc));
		expect(['1 Assessor Way', '2 Registrar Row']).toContain(row.addressLine);
		expect(row.editCount).toBe(5);
	});

	it.skipIf(skip)('finds parcels by bbox, and projects in small chunks and batches', async () => {
		await register('RIV-000010', { geometry: squareGeometry(10, 50) });
		await register('RIV-000011', { geometry: squareGeometry(10.01, 50) });
		await register('NORTH-000010', { geometry: squareGeometry(-70, -20) });
		const small = new Projector({ log: f.store, projection, batchParcels: 2, chunkEntries: 3 });
		const seen: CatchUpProgress[] = [];
		await small.catchUp((p) => seen.push(p));
		expect(seen.map((p) => p.done)).toEqual([3, 6, 9, 12, 14]);
		expect(seen.at(-1)?.parcels).toBe(3);
		expect(await projection.projectedSize()).toBe(await size());
		for (const id of ['RIV-000010', 'RIV-000011', 'NORTH-000010']) expect((await projection.getParcel(id))?.editCount).toBe(3);

		expect(await find({ bbox: [9.9, 49.9, 10.005, 50.1] })).toEqual(['RIV-000010']);
		expect(await find({ bbox: [9.9, 49.9, 10.02, 50.1] })).toEqual(['RIV-000010', 'RIV-000011']);
		expect(await find({ bbox: [-71, -21, -69, -19], text: 'mill' })).toEqual(['NORTH-000010']);
		expect(await find({ bbox: [0, 0, 1, 1] })).toEqual([]);
	});

	it.skipIf(skip)('ignores a part document that names another parcel, instead of stalling', async () => {
		// The server now refuses a part whose id names another parcel (issue 22), but a log written
		// before it did can hold one: filed here without the checks.
		await submit(f.assessor, 'RIV-000030', 'parcel', genesisChange(f.assessor, 'parcel', 'RIV-000030', sampleParcel('RIV-000030')).change);
		const misfiled = await f.edit(f.assessor, 'RIV-000030', 'valuation', genesisChange(f.assessor, 'valuation', 'RIV-000031', sampleValuation('RIV-000031')).change);
		const [refused] = await f.ledger.submit([misfiled]);
		expect(refused.status === 'refused' && refused.code).toBe('bad-change');
		await appendUnchecked(f.store, f.ledger.identity, [misfiled], f.clock.now);
		await f.ledger.sequencer.load();
		await submit(f.assessor, 'RIV-000032', 'valuation', genesisChange(f.assessor, 'valuation', 'RIV-000032', sampleValuation('RIV-000032')).change);
		expect(await projector.catchUp()).toBe(await size());
		expect(await projection.getParcel('RIV-000030')).toMatchObject({ totalValue: null, record: { id: 'RIV-000030', assessments: {} } });
		expect(await projection.getParcel('RIV-000032')).toBeNull(); // no parcel part yet: nothing to show
	});

	it.skipIf(skip)('schedule catches up after commits, and reports failures instead of throwing', async () => {
		await register('RIV-000020');
		projector.schedule();
		projector.schedule();
		await projector.idle();
		expect(await projection.projectedSize()).toBe(await size());
		expect(await find({ text: 'RIV-000020' })).toEqual(['RIV-000020']);

		const onError = vi.fn();
		const failing: ProjectionStore = { ...projection, projectedSize: () => Promise.reject(new Error('disk gone')) };
		const broken = new Projector({ log: f.store, projection: failing, debounceMs: 1, onError });
		broken.schedule();
		await broken.idle();
		expect(onError).toHaveBeenCalledTimes(1);
		expect(String(onError.mock.calls[0][0])).toContain('disk gone');
	});
});
