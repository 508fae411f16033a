// One conformance suite for every LogStore (as automerge-repo's runStorageAdapterTests does):
// an implementation's test file is a few lines that call runLogStoreConformance.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { toHex } from '../../core/bytes';
import { leafHash } from '../../core/log/hashing';
import { factKey, StoreConflictError, type AppendBatch, type ChangeRow, type EntryRow, type LogStore } from './types';

export interface StoreFixture {
	store: LogStore;
	/** Opens a second handle on the same storage (a restarted process, or another app server). */
	reopen(): Promise<LogStore>;
	cleanup(): Promise<void>;
}

const meta = { origin: 'test.example/log', verifierKey: 'test.example/log+01020304+AQ==' };

function bytes(seed: number, n = 32): Uint8Array {
	return Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

function entry(index: number, over: Partial<EntryRow> = {}): EntryRow {
	return {
		index,
		data: bytes(index + 1, 40 + (index % 5)),
		identity: bytes(index + 1000),
		kind: 1,
		author: bytes(7),
		parcel: `RIV-${index % 3}`,
		district: 'RIV',
		part: 'parcel',
		changeHash: bytes(index + 5000),
		...over
	};
}

function change(index: number, over: Partial<ChangeRow> = {}): ChangeRow {
	return {
		hash: bytes(index + 5000),
		parcel: `RIV-${index % 3}`,
		part: 'parcel',
		amHash: toHex(bytes(index + 9000)),
		actor: 'aa'.repeat(24),
		seq: index + 1,
		body: bytes(index + 77, 100),
		...over
	};
}

function batch(fromSize: number, n: number, over: (i: number) => Partial<EntryRow> = () => ({})): AppendBatch {
	const entries = Array.from({ length: n }, (_, i) => entry(fromSize + i, over(fromSize + i)));
	return {
		fromSize,
		entries,
		changes: entries.filter((e) => e.kind === 1).map((e) => change(e.index, { parcel: e.parcel!, hash: e.changeHash! })),
		hashes: entries.map((e) => ({ index: 10_000 + e.index, hash: bytes(e.index + 3) })),
		checkpoint: { size: fromSize + n, checkpoint: `test.example/log\n${fromSize + n}\nroot\n` }
	};
}

export function runLogStoreConformance(name: string, setup: () => Promise<StoreFixture>, skip = false): void {
	describe.skipIf(skip)(`LogStore conformance: ${name}`, () => {
		let f: StoreFixture;
		let s: LogStore;
		beforeEach(async () => {
			f = await setup();
			s = f.store;
			await s.migrate();
		});
		afterEach(async () => {
			await f.cleanup();
		});

		it('starts empty, and migrate is idempotent', async () => {
			await s.migrate();
			expect(await s.readMeta()).toBeNull();
			expect(await s.head()).toBeNull();
			expect(await s.readEntries(0, 10)).toEqual([]);
			expect(await s.keyEntries()).toEqual([]);
		});

		it('records the log identity once and refuses another', async () => {
			await s.initialize(meta);
			await s.initialize(meta);
			expect(await s.readMeta()).toEqual(meta);
			await expect(s.initialize({ ...meta, origin: 'other.example/log' })).rejects.toThrow(StoreConflictError);
			expect(await s.readMeta()).toEqual(meta);
		});

		it('appends a batch and returns every byte as given', async () => {
			const b = batch(0, 5, (i) => (i === 4 ? { kind: 2, parcel: null, district: null, part: null, changeHash: null } : {}));
			await s.appendBatch(b);
			expect(await s.head()).toEqual(b.checkpoint);
			const got = await s.readEntries(0, 10);
			expect(got.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
			got.forEach((e, i) => expect(toHex(e.data)).toBe(toHex(b.entries[i].data)));
			expect((await s.readEntries(1, 3)).map((e) => e.index)).toEqual([1, 2]);
			const hashes = await s.readHashes([10_003, 10_001]);
			expect(hashes.map(toHex)).toEqual([toHex(b.hashes[3].hash), toHex(b.hashes[1].hash)]);
			await expect(s.readHashes([99_999])).rejects.toThrow(/missing/);
			const c = await s.readChange(b.changes[2].hash);
			expect(c && { ...c, hash: toHex(c.hash), body: toHex(c.body) }).toEqual({
				...b.changes[2],
				hash: toHex(b.changes[2].hash),
				body: toHex(b.changes[2].body),
				erased: false
			});
			expect(await s.readChange(bytes(424242))).toBeNull();
			const some = await s.readChanges([b.changes[0].hash, bytes(424242), b.changes[2].hash]);
			expect(some.map((x) => toHex(x.hash)).sort()).toEqual([toHex(b.changes[0].hash), toHex(b.changes[2].hash)].sort());
			expect(await s.readChanges([])).toEqual([]);
			expect((await s.keyEntries()).map((e) => e.index)).toEqual([4]);
		});

		it('answers the indexes the sequencer and readers need', async () => {
			await s.appendBatch(batch(0, 6, (i) => (i === 5 ? { district: 'NORTH', parcel: 'NORTH-1' } : {})));
			const ids = await s.findIdentities([bytes(1000 + 2), bytes(1), bytes(1000 + 5)]);
			expect([...ids.entries()]).toEqual([
				[toHex(bytes(1002)), 2],
				[toHex(bytes(1005)), 5]
			]);
			const c0 = change(0);
			const known = await s.knownChanges('RIV-0', 'parcel', [c0.amHash, change(1).amHash, 'ff'.repeat(32)]);
			expect([...known]).toEqual([c0.amHash]);
			expect(await s.knownChanges('RIV-0', 'title', [c0.amHash])).toEqual(new Set());
			expect(await s.maxSeq('RIV-0', 'parcel', c0.actor)).toBe(4); // indexes 0 and 3 → seq 1 and 4
			expect(await s.maxSeq('RIV-0', 'parcel', 'bb'.repeat(24))).toBe(0);
			const facts = await s.changeFacts([
				{ parcel: 'RIV-0', part: 'parcel', amHashes: [c0.amHash, change(1).amHash, 'ff'.repeat(32)], actors: [c0.actor, 'bb'.repeat(24)] },
				{ parcel: 'RIV-1', part: 'parcel', amHashes: [change(1).amHash], actors: [c0.actor] }
			]);
			expect([...facts.known].sort()).toEqual([factKey('RIV-0', 'parcel', c0.amHash), factKey('RIV-1', 'parcel', change(1).amHash)].sort());
			expect(facts.erased.size).toBe(0);
			expect(Object.fromEntries(facts.maxSeq)).toEqual({ [factKey('RIV-0', 'parcel', c0.actor)]: 4, [factKey('RIV-1', 'parcel', c0.actor)]: 5 });
			expect(await s.changeFacts([])).toEqual({ known: new Set(), erased: new Set(), maxSeq: new Map() });
			expect((await s.entriesOfParcel('RIV-1')).map((e) => e.index)).toEqual([1, 4]);
			expect((await s.changesOfParcel('RIV-2')).map((c) => c.seq)).toEqual([3]);
			const many = await s.changesOfParcels(['RIV-1', 'RIV-2'], 5);
			expect(many.map((c) => [c.index, c.parcel, c.seq])).toEqual([[1, 'RIV-1', 2], [2, 'RIV-2', 3], [4, 'RIV-1', 5]]);
			expect((await s.changesOfParcels(['RIV-1'], 4)).map((c) => c.index)).toEqual([1]);
			expect(await s.changesOfParcels([], 10)).toEqual([]);
			expect((await s.entriesForDistricts(['NORTH'], 0, 10)).map((e) => e.index)).toEqual([5]);
			expect((await s.entriesForDistricts(['RIV'], 2, 2)).map((e) => e.index)).toEqual([2, 3]);
		});

		it('lists the entries the parcel map counts in an index range as map facts, in index order', async () => {
			const b = batch(0, 9, (i) =>
				i === 2
					? { kind: 2, parcel: null, district: null, part: null, changeHash: null }
					: i === 4
						? { kind: 5, parcel: 'RIV-1', district: 'RIV', part: null, changeHash: null }
						: i === 5
							? { parcel: 'NORTH-1', district: 'NORTH', part: 'title' }
							: i === 7 || i === 8
								? { kind: i === 7 ? 6 : 8, parcel: 'RIV-1', district: 'RIV', part: null, changeHash: null }
								: {}
			);
			await s.appendBatch(b);
			const facts = await s.mapFacts(0, 9);
			// Edits by their change hash; claims (6) and notices (8) into the claims leaf by their leaf hash.
			const fact = (i: number) =>
				i < 7
					? { index: i, parcel: b.entries[i].parcel, part: b.entries[i].part, hash: toHex(b.entries[i].changeHash!) }
					: { index: i, parcel: 'RIV-1', part: 'claims', hash: toHex(leafHash(b.entries[i].data)) };
			expect(facts.map((x) => ({ ...x, hash: toHex(x.hash) }))).toEqual([0, 1, 3, 5, 6, 7, 8].map(fact));
			expect((await s.mapFacts(1, 5)).map((x) => x.index)).toEqual([1, 3]);
			expect(await s.mapFacts(9, 100)).toEqual([]);
			expect(await s.mapFacts(3, 3)).toEqual([]);
			// A device following district RIV is sent its claims and notices too.
			expect((await s.entriesForDistricts(['RIV'], 6, 10)).map((e) => e.index)).toEqual([6, 7, 8]);
		});

		it('erases private change bodies in the batch that names them, keeping their metadata', async () => {
			const b = batch(0, 4, (i) => ({ part: i < 2 ? 'private' : 'parcel' }));
			b.changes.forEach((c, i) => (c.part = i < 2 ? 'private' : 'parcel'));
			await s.appendBatch(b);
			const [p0, p1, pub] = [b.changes[0], b.changes[1], b.changes[2]];
			// An erasure entry (kind 4) naming p0, with p0's body erased in the same transaction.
			const erasure = batch(4, 1, () => ({ kind: 4, parcel: p0.parcel, district: 'RIV', part: 'private', changeHash: null }));
			erasure.changes = [];
			await s.appendBatch({ ...erasure, erase: [p0.hash] });
			const gone = await s.readChange(p0.hash);
			expect(gone?.erased).toBe(true);
			expect(gone?.body.length).toBe(0);
			expect(gone?.amHash).toBe(p0.amHash);
			expect((await s.readChange(p1.hash))?.erased).toBe(false);
			expect(await s.knownChanges(p0.parcel, 'private', [p0.amHash])).toEqual(new Set([p0.amHash]));
			expect(await s.erasedAmong(p0.parcel, 'private', [p0.amHash, p1.amHash])).toEqual(new Set([p0.amHash]));
			expect((await s.entriesOfParcel(p0.parcel)).map((e) => e.index)).toContain(4);
			await s.compact();
			// Erasing twice, or a public change, fails and changes nothing.
			for (const hash of [p0.hash, pub.hash]) {
				const again = batch(5, 1, () => ({ kind: 4, parcel: p0.parcel, changeHash: null }));
				again.changes = [];
				await expect(s.appendBatch({ ...again, erase: [hash] })).rejects.toThrow();
				expect((await s.head())?.size).toBe(5);
			}
			expect((await s.readChange(pub.hash))?.body).toEqual(pub.body);
		});

		it('keeps access entries apart from a parcel’s history and from device sync', async () => {
			await s.appendBatch(
				batch(0, 4, (i) =>
					i === 2
						? { kind: 5, parcel: 'RIV-0', district: 'RIV', part: null, changeHash: null }
						: i === 3
							? { kind: 5, parcel: null, district: 'RIV', part: null, changeHash: null }
							: {}
				)
			);
			expect((await s.entriesOfParcel('RIV-0')).map((e) => e.index)).toEqual([0]);
			expect((await s.accessEntries('RIV-0')).map((e) => e.index)).toEqual([2, 3]);
			expect((await s.accessEntries('RIV-1')).map((e) => e.index)).toEqual([3]);
			expect((await s.entriesForDistricts(['RIV'], 0, 10)).map((e) => e.index)).toEqual([0, 1]);
		});

		it('lists claim entries apart from edits, and keeps a notice\'s pending change outside every document', async () => {
			const claimRow = (kind: number) => ({ kind, parcel: 'RIV-0', district: 'RIV', part: null, changeHash: null });
			const b = batch(0, 5, (i) => (i >= 2 ? claimRow(6 + (i - 2)) : {}));
			const pending = { hash: bytes(4242), parcel: 'RIV-0', part: 'title' as const, body: bytes(4243, 60) };
			await s.appendBatch({ ...b, noticeChanges: [pending, pending] });
			expect((await s.claimEntries()).map((e) => e.index)).toEqual([2, 3, 4]);
			expect(await s.readNoticeChange(pending.hash)).toEqual(pending);
			expect(await s.readNoticeChange(bytes(1))).toBeNull();
			expect(await s.readChange(pending.hash)).toBeNull();
			expect((await s.changesOfParcel('RIV-0')).map((c) => toHex(c.hash))).toEqual([toHex(bytes(5000))]);
			expect((await s.entriesOfParcel('RIV-0')).map((e) => e.index)).toEqual([0]);
			// A device follows them: the parcel map's claims leaf counts them (core/map/parts.ts).
			expect((await s.entriesForDistricts(['RIV'], 0, 10)).map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
			expect((await s.entriesForDistricts(['NORTH'], 0, 10)).map((e) => e.index)).toEqual([]);
			expect(await s.keyEntries()).toEqual([]);
		});

		it('keeps the cosigned note of a checkpoint, served as the head from then on and after a reopen', async () => {
			await s.appendBatch(batch(0, 3));
			const cosigned = `test.example/log\n3\nroot\n\n— witness.example/w1 AAAA\n`;
			expect(await s.saveCosignedCheckpoint(3, cosigned)).toBe(true);
			expect((await s.head())?.checkpoint).toBe(cosigned);
			expect(await s.saveCosignedCheckpoint(7, cosigned)).toBe(false);
			await s.close();
			s = f.store = await f.reopen();
			expect((await s.head())?.checkpoint).toBe(cosigned);
		});

		it('is a compare-and-swap on the tree size', async () => {
			await s.appendBatch(batch(0, 3));
			await expect(s.appendBatch(batch(0, 3))).rejects.toThrow(StoreConflictError);
			await expect(s.appendBatch(batch(2, 1))).rejects.toThrow(StoreConflictError);
			expect((await s.head())?.size).toBe(3);
			await s.appendBatch(batch(3, 2));
			expect((await s.head())?.size).toBe(5);
		});

		it('applies a failing batch not at all', async () => {
			await s.appendBatch(batch(0, 2));
			const bad = batch(2, 3);
			bad.entries[2].identity = bad.entries[0].identity; // violates identity uniqueness at the end
			await expect(s.appendBatch(bad)).rejects.toThrow();
			expect((await s.head())?.size).toBe(2);
			expect((await s.readEntries(0, 10)).length).toBe(2);
			expect(await s.readChange(bad.changes[0].hash)).toBeNull();
			await expect(s.readHashes([10_002])).rejects.toThrow(/missing/);
			await s.appendBatch(batch(2, 3));
			expect((await s.head())?.size).toBe(5);
		});

		it('refuses a batch whose shape is inconsistent', async () => {
			const b = batch(0, 2);
			b.entries[1].index = 5;
			await expect(s.appendBatch(b)).rejects.toThrow(/index/);
			const c = batch(0, 2);
			c.checkpoint.size = 3;
			await expect(s.appendBatch(c)).rejects.toThrow(/checkpoint/);
			expect(await s.head()).toBeNull();
		});

		it('lets exactly one of two racing writers win, seen by another handle', async () => {
			await s.appendBatch(batch(0, 1));
			const other = await f.reopen();
			try {
				const results = await Promise.allSettled([s.appendBatch(batch(1, 2)), other.appendBatch(batch(1, 3))]);
				expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
				const size = (await other.head())?.size;
				expect(size === 3 || size === 4).toBe(true);
				expect((await s.readEntries(0, 100)).length).toBe(size);
			} finally {
				await other.close();
			}
		});

		it('keeps what was committed across a reopen', async () => {
			await s.initialize(meta);
			await s.appendBatch(batch(0, 4));
			await s.close();
			const again = await f.reopen();
			f.store = again;
			s = again;
			expect(await again.readMeta()).toEqual(meta);
			expect((await again.head())?.size).toBe(4);
			expect((await again.readEntries(0, 10)).length).toBe(4);
		});
	});
}
