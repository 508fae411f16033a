// The server's parcel map: every checkpoint the sequencer signs commits to the map of the stored
// entries below its size; recent versions stay readable; a follower advances its map from the
// entries after the version it holds; and what readers get over HTTP (/api/map, /api/map/path,
// snapshot pages, sync answers) verifies against the checkpoint it comes with. On both stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fromBase64, fromHex } from '../../core/bytes';
import { decodeEntry } from '../../core/log/entry';
import {
	applyEntries,
	indexedEntry,
	digestOf,
	districtPrefix,
	hashOfLeaves,
	leafKey,
	leavesUnder,
	mapKey,
	mapRootOf,
	parcelPrefix,
	ParcelMap,
	rootFromPath,
	verifyMapProof,
	type MapLeaf
} from '../../core/map';
import { planErasure } from '../../core/privacy/erasure';
import { sampleParcel, samplePrivate, sampleTitle } from '../../core/record/samples';
import type { PartName } from '../../core/record/parts';
import type { Submission } from '../../core/log/submission';
import { errorToResponse } from '../http/endpoint';
import { Ledger } from '../ledger';
import { openProjection } from '../projection/open';
import { Projector } from '../projection/projector';
import type { ProjectionStore } from '../projection/types';
import { skipPostgres } from '../store/postgres/test-database';
import type { LogStore } from '../store/types';
import { editChange, genesisChange, ledgerFixture, ORIGIN, type Fixture, type StoreKind } from '../testing/fixture';
import { snapshotPage, SnapshotNotReady, snapshotQuery, type SnapshotPageJson } from '../field/snapshot';
import { syncAnswer, syncQuery } from '../field/sync';
import { districtParam, mapPathAnswer, mapProofAnswer, mapQuery, MAX_MAP_PARCELS } from './read';
import { MapHistory } from './versions';

const kinds: StoreKind[] = skipPostgres() ? ['sqlite'] : ['sqlite', 'postgres'];

/** The map of the stored entries below `size`, from the entry bytes (as an auditor would). */
async function mapOfStore(store: LogStore, size: number): Promise<ParcelMap> {
	const entries = await store.readEntries(0, size);
	return applyEntries(ParcelMap.empty, entries.map((e) => indexedEntry(e.index, e.data)));
}

async function opened(f: Fixture, note: string) {
	const cp = await f.ledger.identity.openCheckpoint(note);
	const root = mapRootOf(cp);
	if (!root.ok) throw new Error(root.message);
	return { size: cp.size, mapRoot: root.value };
}

async function accepted(f: Fixture, subs: Submission[]) {
	const rs = await f.ledger.submit(subs);
	for (const r of rs) if (r.status !== 'accepted') throw new Error(`refused: ${r.code}: ${r.message}`);
	return rs as Extract<(typeof rs)[number], { status: 'accepted' }>[];
}

const url = (q: string) => new URL(`http://localhost/api/x?${q}`);

describe.each(kinds)('the parcel map on %s', (kind) => {
	let f: Fixture;
	let projection: ProjectionStore;
	/** Every checkpoint a submission was answered with. */
	let checkpoints: string[];

	beforeEach(async () => {
		f = await ledgerFixture(kind);
		checkpoints = [];
		const batch = async (subs: Submission[]) => {
			for (const r of await accepted(f, subs)) checkpoints.push(r.checkpoint);
			await f.ledger.sequencer.drain();
		};
		// Parcels of RIV in three batches; titles and private parts on some; one parcel of NORTH.
		const docs = new Map<string, ReturnType<typeof genesisChange>>();
		const ids = Array.from({ length: 9 }, (_, i) => `RIV-00000${i + 1}`);
		const first: Submission[] = [];
		for (const id of ids) {
			const g = genesisChange(f.assessor, 'parcel', id, sampleParcel(id));
			docs.set(id, g);
			first.push(await f.edit(f.assessor, id, 'parcel', g.change));
		}
		await batch(first);
		const second: Submission[] = [];
		for (const id of ['RIV-000002', 'RIV-000004', 'RIV-000006']) {
			second.push(await f.edit(f.registrar, id, 'title', genesisChange(f.registrar, 'title', id, sampleTitle(id)).change));
			second.push(await f.edit(f.assessor, id, 'parcel', editChange(f.assessor, docs.get(id)!.doc, 'parcel', { zoning: 'R9' }).change!));
		}
		const priv = genesisChange(f.registrar, 'private', 'RIV-000003', samplePrivate('RIV-000003'));
		second.push(await f.edit(f.registrar, 'RIV-000003', 'private', priv.change));
		second.push(await f.edit(f.registrar, 'RIV-000005', 'private', genesisChange(f.registrar, 'private', 'RIV-000005', samplePrivate('RIV-000005')).change));
		// A parcel with a private part only: no search row, yet the map holds it.
		second.push(await f.edit(f.registrar, 'RIV-000004A', 'private', genesisChange(f.registrar, 'private', 'RIV-000004A', samplePrivate('RIV-000004A')).change));
		second.push(await f.edit(f.assessor, 'NORTH-000001', 'parcel', genesisChange(f.assessor, 'parcel', 'NORTH-000001', sampleParcel('NORTH-000001')).change));
		await batch(second);
		// RIV-000003's private part is erased (its bodies deleted, its entries stay).
		const plan = await planErasure({
			origin: ORIGIN,
			registrar: f.registrar.signer,
			parcelId: 'RIV-000003',
			changes: [priv.change],
			paths: ['nationalIds.p1'],
			reason: 'test',
			legalBasis: 'GDPR Art. 17(1)(a)',
			now: f.clock.now,
			random: (n) => randomBytes(n)
		});
		if (!plan.ok) throw new Error(plan.message);
		await batch(plan.submissions);
		projection = await openProjection(f.store);
		await new Projector({ log: f.store, projection }).catchUp();
	});
	afterEach(async () => {
		await f.cleanup();
	});

	it('signs every checkpoint with the root of applyEntries over the stored entries below its size', async () => {
		expect(checkpoints.length).toBeGreaterThan(20);
		for (const note of new Set(checkpoints)) {
			const { size, mapRoot } = await opened(f, note);
			expect(mapRoot).toEqual((await mapOfStore(f.store, size)).root);
			// The version of that size is retained, with exactly that checkpoint.
			const v = f.ledger.mapAt(size);
			expect(v?.checkpoint).toBe(note);
			expect(v?.map.root).toEqual(mapRoot);
		}
		const head = f.ledger.mapVersion();
		expect(head.size).toBe(f.ledger.sequencer.size);
		expect(head.checkpoint).toBe(f.ledger.sequencer.checkpoint);
		expect((await opened(f, head.checkpoint)).mapRoot).toEqual((await mapOfStore(f.store, head.size)).root);
		// The leaf of a part: its count, last index and the digest of its change hashes in log order.
		const leaf = head.map.get(mapKey('RIV-000004', 'parcel'))!;
		expect(leaf.count).toBe(2);
		expect(f.ledger.mapAt(head.size + 1)).toBeNull();
		expect(f.ledger.mapAtMost(head.size + 5)).toBe(head);
		// The size-0 checkpoint (before genesis) carried the empty map's root too.
		expect(f.ledger.mapAt(0)?.map.root).toEqual(ParcelMap.empty.root);
	});

	it('reopens with the map recomputed by start-up verification, and a follower advances its map from the new entries only', async () => {
		const again = await Ledger.open({ store: f.store, identity: f.ledger.identity });
		expect(again.mapVersion().checkpoint).toBe(f.ledger.sequencer.checkpoint);
		expect(again.mapVersion().map.root).toEqual(f.ledger.mapVersion().map.root);
		// A follower on the same store (paused, like an app server without the lease).
		const asked: [number, number][] = [];
		const spy = new Proxy(f.store, {
			get(target, prop, receiver) {
				if (prop === 'mapFacts') return (a: number, b: number) => (asked.push([a, b]), target.mapFacts(a, b));
				const v = Reflect.get(target, prop, receiver);
				return typeof v === 'function' ? v.bind(target) : v;
			}
		});
		const follower = await Ledger.open({ store: spy, identity: f.ledger.identity, verify: false, paused: true });
		const before = follower.sequencer.size;
		expect(asked[0][0]).toBe(0); // nothing to start from: built from the store
		asked.length = 0;
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000010', sampleParcel('RIV-000010'));
		await accepted(f, [await f.edit(f.assessor, 'RIV-000010', 'parcel', g.change)]);
		await accepted(f, [await f.edit(f.assessor, 'NORTH-000002', 'parcel', genesisChange(f.assessor, 'parcel', 'NORTH-000002', sampleParcel('NORTH-000002')).change)]);
		await follower.sequencer.load();
		expect(follower.sequencer.size).toBe(before + 2);
		expect(asked).toEqual([[before, before + 2]]);
		expect(follower.mapVersion().map.root).toEqual(f.ledger.mapVersion().map.root);
		expect(follower.mapVersion().checkpoint).toBe(f.ledger.sequencer.checkpoint);
		expect(follower.mapAt(before)?.map.root).toEqual(f.ledger.mapAt(before)?.map.root);
	});

	it('GET /api/map: a proof of the parcels asked, at the head, that verifies against the checkpoint it comes with', async () => {
		const ids = ['RIV-000004', 'RIV-000003', 'RIV-999999', 'NORTH-000001'];
		const a = mapProofAnswer(f.ledger.mapVersion(), mapQuery(url(`parcels=${ids.join(',')}`)));
		const { size, mapRoot } = await opened(f, a.checkpoint);
		expect(size).toBe(a.size);
		const v = verifyMapProof(fromBase64(a.proof), mapRoot);
		if (!v.ok) throw new Error(v.message);
		const head = f.ledger.mapVersion().map;
		for (const id of ids) {
			const got = leavesUnder(v.value, parcelPrefix(id));
			expect(got).toEqual({ ok: true, value: head.leavesUnder(parcelPrefix(id)) });
		}
		const parts = (id: string) => {
			const got = leavesUnder(v.value, parcelPrefix(id));
			return got.ok ? got.value.map((l) => l.part) : null;
		};
		expect(parts('RIV-000004')).toEqual(['parcel', 'title']);
		expect(parts('RIV-000003')).toEqual(['parcel', 'private']);
		expect(parts('RIV-999999')).toEqual([]);
		// A proof of these parcels vouches for no other parcel.
		expect(leavesUnder(v.value, parcelPrefix('RIV-000005')).ok).toBe(false);
		// A whole district.
		const d = mapProofAnswer(f.ledger.mapVersion(), mapQuery(url('district=NORTH')));
		const vd = verifyMapProof(fromBase64(d.proof), (await opened(f, d.checkpoint)).mapRoot);
		expect(vd.ok && leavesUnder(vd.value, districtPrefix('NORTH'))).toEqual({ ok: true, value: head.leavesUnder(districtPrefix('NORTH')) });
	});

	it('GET /api/map/path: a district path that leads from the district’s leaves to the checkpoint’s map root', async () => {
		const a = mapPathAnswer(f.ledger.mapVersion(), districtParam(url('district=RIV')));
		const { mapRoot } = await opened(f, a.checkpoint);
		const leaves = f.ledger.mapVersion().map.leavesUnder(districtPrefix('RIV'));
		const path = a.path!.map((p) => ({ bit: p.bit, hash: fromBase64(p.hash) }));
		expect(path.map((p) => p.bit)).toEqual([...path.map((p) => p.bit)].sort((x, y) => y - x)); // lowest first: bits fall
		expect(rootFromPath(districtPrefix('RIV'), hashOfLeaves(leaves), path)).toEqual({ ok: true, value: mapRoot });
		expect(mapPathAnswer(f.ledger.mapVersion(), 'EAST').path).toBeNull();
	});

	it('refuses bad map queries with 400 and a JSON error', async () => {
		const tooMany = Array.from({ length: MAX_MAP_PARCELS + 1 }, (_, i) => `RIV-${i}`).join(',');
		const bad = [
			'parcels=RIV-1,riv-2',
			'parcels=',
			'parcels=RIV-1,,RIV-2',
			`parcels=${tooMany}`,
			'parcels=RIV-1&district=RIV',
			'',
			'district=R',
			'district=riv',
			'district=TOOLONGDISTRICT'
		];
		for (const q of bad) {
			let res: Response | null = null;
			try {
				mapQuery(url(q));
			} catch (e) {
				res = errorToResponse(e, 'test');
			}
			expect(res?.status, q).toBe(400);
			expect((await res!.json()).error.code, q).toBe('bad-request');
		}
		expect(mapQuery(url(`parcels=${Array.from({ length: MAX_MAP_PARCELS }, (_, i) => `RIV-${i}`).join(',')}`)).length).toBe(MAX_MAP_PARCELS);
		for (const q of ['', 'district=', 'district=ab', 'district=A-B']) {
			let status = 0;
			try {
				districtParam(url(q));
			} catch (e) {
				status = errorToResponse(e, 'test').status;
			}
			expect(status, q).toBe(400);
		}
	});

	it('snapshot pages: each at a retained version, its proof shows every parcel since the previous page and each part’s leaf', async () => {
		const pages: SnapshotPageJson[] = [];
		let after: string | null = null;
		for (;;) {
			const page = await snapshotPage({ ledger: f.ledger, projection }, snapshotQuery(url(`district=RIV&limit=3${after ? `&after=${after}` : ''}`)), false);
			pages.push(page);
			if (!page.next) break;
			after = page.next;
			if (pages.length === 1) {
				// The log moves on between pages: the next page is at a larger size.
				await accepted(f, [await f.edit(f.assessor, 'RIV-000011', 'parcel', genesisChange(f.assessor, 'parcel', 'RIV-000011', sampleParcel('RIV-000011')).change)]);
				await new Projector({ log: f.store, projection }).catchUp();
			}
		}
		expect(pages.length).toBeGreaterThanOrEqual(4);
		expect(pages.at(-1)!.size).toBeGreaterThan(pages[0].size);
		const seen: MapLeaf[] = [];
		let afterKey: string | undefined;
		for (const [n, page] of pages.entries()) {
			const { size, mapRoot } = await opened(f, page.checkpoint);
			expect(size).toBe(page.size);
			const version = f.ledger.mapAt(size)!;
			expect(version.checkpoint).toBe(page.checkpoint);
			const v = verifyMapProof(fromBase64(page.mapProof), mapRoot);
			if (!v.ok) throw new Error(v.message);
			const ids = [...page.parcels.map((p) => p.row.id), ...(page.unlisted ?? []).map((p) => p.id)].sort();
			// The previous page's last parcel is in this proof: start after its last leaf (at this size).
			if (n > 0) {
				const prev = leavesUnder(v.value, parcelPrefix(pages[n - 1].next!));
				if (!prev.ok) throw new Error(prev.message);
				afterKey = leafKey(prev.value.at(-1)!);
			}
			const withLeaves = ids.filter((id) => version.map.leavesUnder(parcelPrefix(id)).length);
			const through = page.next ? leafKey(version.map.leavesUnder(parcelPrefix(withLeaves.at(-1)!)).at(-1)!) : undefined;
			const got = leavesUnder(v.value, districtPrefix('RIV'), { after: afterKey, through });
			if (!got.ok) throw new Error(`page ${n}: ${got.message}`);
			// Exactly the leaves of the page's parcels, as the version holds them.
			expect(got.value).toEqual(ids.flatMap((id) => version.map.leavesUnder(parcelPrefix(id))));
			seen.push(...got.value);
			if (page.unlisted?.length) {
				// Without the unlisted parcel the proof would hide it, and the device would see that.
				const rowsOnly = [pages[n - 1].next!, ...page.parcels.map((p) => p.row.id)].map(parcelPrefix);
				const short = verifyMapProof(version.map.prove(rowsOnly), mapRoot);
				expect(short.ok && leavesUnder(short.value, districtPrefix('RIV'), { after: afterKey, through }).ok).toBe(false);
			}
			// Parts whose bytes are not all served come with their change hashes: the leaf's digest.
			for (const p of [...page.parcels.map((x) => ({ ...x, id: x.row.id })), ...(page.unlisted ?? [])]) {
				for (const [part, hashes] of Object.entries(p.hashes ?? {})) {
					const leaf = version.map.get(mapKey(p.id, part as PartName))!;
					expect(digestOf(hashes!.map(fromHex))).toEqual(leaf.digest);
					expect(hashes!.length).toBe(leaf.count);
				}
				const privateLeaf = version.map.get(mapKey(p.id, 'private'));
				if (privateLeaf) expect(p.hashes?.private?.length, p.id).toBe(privateLeaf.count);
				expect(Object.keys(p.hashes ?? {}).every((k) => k === 'private')).toBe(true);
			}
		}
		// Across the pages: every leaf of the district, each from the page that revealed it.
		const last = f.ledger.mapVersion().map.leavesUnder(districtPrefix('RIV'));
		expect(seen.map(leafKey)).toEqual(last.map(leafKey));
		const all = pages.flatMap((p) => p.parcels.map((x) => x));
		expect(all.find((p) => p.row.id === 'RIV-000005')?.withheld).toEqual(['private']);
		// Erased then started afresh: the fresh change is withheld, and both hashes are there.
		const erased = all.find((p) => p.row.id === 'RIV-000003')!;
		expect(erased.withheld).toEqual(['private']); // the fresh start the erasure wrote
		expect(erased.hashes?.private?.length).toBe(2);
		// The private-only parcel has no row: it comes as unlisted, so the proof hides nothing.
		expect(pages.flatMap((p) => p.unlisted ?? []).map((p) => p.id)).toEqual(['RIV-000004A']);
		expect(pages[0].keyEntries!.every((e) => e.index < pages[0].size)).toBe(true);
	});

	it('snapshot: a page for an editor of the district serves private bodies, and hashes only where an erasure took some', async () => {
		const page = await snapshotPage({ ledger: f.ledger, projection }, snapshotQuery(url('district=RIV&limit=100')), true);
		const five = page.parcels.find((p) => p.row.id === 'RIV-000005')!;
		expect(Object.keys(five.parts)).toContain('private');
		expect(five.hashes).toBeUndefined();
		const erased = page.parcels.find((p) => p.row.id === 'RIV-000003')!;
		expect(Object.keys(erased.parts)).toContain('private');
		expect(erased.hashes?.private?.length).toBe(2);
	});

	it('snapshot: 503 when no retained version is at or below the projected size', async () => {
		const ledger = await Ledger.open({ store: f.store, identity: f.ledger.identity, verify: false, paused: true, mapHistory: { versions: 1 } });
		const behind = { ...projection, projectedSize: async () => ledger.sequencer.size - 1, listParcels: projection.listParcels.bind(projection), districts: projection.districts.bind(projection) };
		await expect(snapshotPage({ ledger, projection: behind }, snapshotQuery(url('district=RIV')), false)).rejects.toThrow(SnapshotNotReady);
	});

	it('sync: each district’s map path, at the answer’s checkpoint, leads from the leaves its entries give to the map root', async () => {
		const { body } = await syncAnswer(f.ledger, syncQuery(url('districts=RIV,NORTH,EAST&since=0&limit=2000')), null);
		const { size, mapRoot } = await opened(f, body.checkpoint);
		expect(size).toBe(body.treeSize);
		expect(body.next).toBeNull();
		// What a device that applied every entry below treeSize holds: the leaves of its districts.
		const device = applyEntries(
			ParcelMap.empty,
			body.entries.map((e) => indexedEntry(e.index, fromBase64(e.entry)))
		);
		for (const d of ['RIV', 'NORTH']) {
			const path = body.mapPaths[d]!.map((p) => ({ bit: p.bit, hash: fromBase64(p.hash) }));
			expect(rootFromPath(districtPrefix(d), hashOfLeaves(device.leavesUnder(districtPrefix(d))), path)).toEqual({ ok: true, value: mapRoot });
		}
		expect(body.mapPaths.EAST).toBeNull();
		expect(Object.keys(body.mapPaths)).toEqual(['RIV', 'NORTH', 'EAST']);
	});
});

describe('map history', () => {
	const v = (size: number) => ({ size, checkpoint: `cp ${size}`, map: ParcelMap.empty });

	it('keeps the last versions, within the entry span, and finds the largest at or below a size', () => {
		const h = new MapHistory({ versions: 4, entries: 1000 });
		for (const s of [0, 1, 5, 9, 20, 21]) h.push(v(s));
		expect(h.sizes).toEqual([5, 9, 20, 21]);
		expect(h.at(9)?.checkpoint).toBe('cp 9');
		expect(h.at(10)).toBeNull();
		expect(h.atMost(10)?.size).toBe(9);
		expect(h.atMost(4)).toBeNull();
		expect(h.atMost(1e9)?.size).toBe(21);
		h.push(v(1500));
		expect(h.sizes).toEqual([1500]); // every other version is more than 1,000 entries older
		h.push(v(1500));
		expect(h.sizes).toEqual([1500]);
		h.push(v(7)); // a smaller size: the log was replaced (a restore); start over
		expect(h.sizes).toEqual([7]);
	});
});
