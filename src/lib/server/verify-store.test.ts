import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sampleParcel } from '../core/record/samples';
import { Ledger } from './ledger';
import { logIdentity } from './log-identity';
import { SqliteLogStore } from './store/sqlite/log-store';
import { genesisChange, ORIGIN, sqliteFixture, type Fixture } from './testing/fixture';
import { signCheckpoint } from '../core/log/checkpoint';
import { EMPTY_MAP_ROOT, MAP_V1_LINE_PREFIX, mapKey, mapLine, mapRootOf, v1Root } from '../core/map';
import { signClaim } from '../core/claims/sign';
import { toBase64 } from '../core/bytes';
import { LogIntegrityError, verifyStore } from './verify-store';

describe('start-up verification refuses a log that disagrees with its checkpoint', () => {
	let f: Fixture;
	let path: string;
	beforeEach(async () => {
		f = await sqliteFixture();
		const subs = [];
		for (let i = 0; i < 40; i++) {
			const id = `RIV-${1000 + i}`;
			subs.push(await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change));
		}
		await f.ledger.submit(subs);
		await f.ledger.sequencer.drain();
		await f.store.close();
		path = join(f.dir, 'log.db');
	});
	afterEach(async () => {
		await f.cleanup();
	});

	async function reopen() {
		const store = new SqliteLogStore(path);
		await store.migrate();
		f.store = store;
		return Ledger.open({ store, identity: logIdentity(ORIGIN, f.logSigner) });
	}

	function tamper(sql: string, ...params: unknown[]) {
		const db = new Database(path);
		const r = db.prepare(sql).run(...params);
		db.close();
		expect(r.changes).toBeGreaterThan(0);
	}

	it('opens an untouched log', async () => {
		const ledger = await reopen();
		expect(ledger.sequencer.size).toBe(42);
	});

	it('refuses an entry whose bytes changed', async () => {
		tamper(`UPDATE entries SET data = substr(data, 1, 20) || X'FF' || substr(data, 22) WHERE idx = 17`);
		await expect(reopen()).rejects.toThrow(LogIntegrityError);
	});

	it('refuses a stored hash that changed', async () => {
		tamper(`UPDATE hashes SET hash = zeroblob(32) WHERE id = 30`);
		await expect(reopen()).rejects.toThrow(/stored hash 30/);
	});

	it('refuses a missing entry', async () => {
		tamper(`DELETE FROM entries WHERE idx = 41`);
		await expect(reopen()).rejects.toThrow(/missing|incomplete/);
	});

	it('refuses a checkpoint not signed by the log key', async () => {
		tamper(`UPDATE checkpoints SET note = replace(note, '42', '43') WHERE size = 42`);
		await expect(reopen()).rejects.toThrow(/checkpoint/);
	});

	/** Re-signs the last checkpoint (valid signature, same tree) with other extension lines. */
	async function resign(extensions: string[], size = 42) {
		const db = new Database(path);
		const { note } = db.prepare('SELECT note FROM checkpoints WHERE size = ?').get(size) as { note: string };
		db.close();
		const cp = await logIdentity(ORIGIN, f.logSigner).openCheckpoint(note);
		const next = await signCheckpoint({ ...cp, extensions }, ORIGIN, f.logSigner);
		tamper(`UPDATE checkpoints SET note = ? WHERE size = ?`, next, size);
		return cp;
	}

	it('accepts a log of the first map rule (map/v1: edits only) that holds a claim; its next checkpoint commits to the v2 map', async () => {
		const before = await reopen();
		const claim = await signClaim({ origin: ORIGIN, signer: f.assessor.signer, parcelId: 'RIV-1000', text: 'A fence moved.', claimedTime: f.clock.now, claimKind: 'boundary', contested: [] });
		expect((await before.submit([claim]))[0].status).toBe('accepted');
		await before.sequencer.drain();
		const v2 = before.mapVersion().map;
		await f.store.close();
		// What a server before v2 signed at size 43: the map of the 40 edits, no claims leaf.
		expect(v1Root(v2)).not.toEqual(v2.root);
		await resign([`${MAP_V1_LINE_PREFIX}${toBase64(v1Root(v2))}`], 43);
		const ledger = await reopen();
		expect(ledger.sequencer.size).toBe(43);
		expect(ledger.mapVersion().map.root).toEqual(v2.root);
		// Until the next batch its checkpoint commits to no v2 map: clients are told so.
		expect(mapRootOf(await ledger.identity.openCheckpoint(ledger.sequencer.checkpoint))).toMatchObject({ ok: false, message: expect.stringMatching(/first rule \(map\/v1, which does not count claims\)/) });
		const id = 'RIV-2000';
		const [r] = await ledger.submit([await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change)]);
		expect(r.status).toBe('accepted');
		const next = await ledger.identity.openCheckpoint(ledger.sequencer.checkpoint);
		expect(mapRootOf(next)).toEqual({ ok: true, value: ledger.mapVersion().map.root });
		expect(ledger.mapVersion().map.get(mapKey('RIV-1000', 'claims'))).toMatchObject({ count: 1, lastIndex: 42 });
		await f.store.close();
		// A v1 line that is not the edits' map is refused like any wrong map line.
		await resign([`${MAP_V1_LINE_PREFIX}${toBase64(v2.root)}`], 44);
		await expect(reopen()).rejects.toThrow(/first rule, edits only/);
	});

	it('refuses a checkpoint whose map line is not the map of the entries', async () => {
		await resign([mapLine(EMPTY_MAP_ROOT)]);
		await expect(reopen()).rejects.toThrow(LogIntegrityError);
		await expect(reopen()).rejects.toThrow(/parcel map/);
		await resign(['parcel-ledger/map/v2 not-base64']);
		await expect(reopen()).rejects.toThrow(/malformed map line/);
	});

	it('accepts a log from before the map (no map line), and its next checkpoint carries the line', async () => {
		const cp = await resign([]);
		const ledger = await reopen();
		expect(ledger.sequencer.size).toBe(42);
		expect(ledger.mapVersion().map.size).toBe(40);
		const id = 'RIV-2000';
		const [r] = await ledger.submit([await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change)]);
		expect(r.status).toBe('accepted');
		const next = await ledger.identity.openCheckpoint(ledger.sequencer.checkpoint);
		expect(next.size).toBe(cp.size + 1);
		expect(mapRootOf(next)).toEqual({ ok: true, value: ledger.mapVersion().map.root });
		expect(ledger.mapVersion().map.size).toBe(41);
	});

	it('refuses a log opened with another log key', async () => {
		const store = new SqliteLogStore(path);
		await store.migrate();
		f.store = store;
		const other = logIdentity(ORIGIN, (await sqliteFixture()).logSigner);
		await expect(Ledger.open({ store, identity: other })).rejects.toThrow(/log key/);
	});
});

describe('start-up verification beside another app server', () => {
	// An empty log whose store then shows two entries: damage if the head, read after one, did not
	// move past it; another server's commits if it did (each read may find one more commit).
	const store = (heads: number[]) => {
		let reads = 0;
		return {
			head: async () => {
				const size = heads[Math.min(reads++, heads.length - 1)];
				return size ? { size, checkpoint: '' } : null;
			},
			readEntries: async (start: number) => (start < 2 ? [{ index: start, data: new Uint8Array(1) }] : []),
			readHashes: async () => []
		};
	};
	const identity = { openCheckpoint: async () => ({ origin: ORIGIN, size: 0, root: new Uint8Array(32) }) };

	it('refuses entries past a head that stayed where it was', async () => {
		await expect(verifyStore(store([0, 0]), identity)).rejects.toThrow(/entries past the committed size 0/);
	});

	it('accepts entries another server committed while it read, one commit after another', async () => {
		await expect(verifyStore(store([0, 1, 2]), identity)).resolves.toMatchObject({ size: 0 });
		await expect(verifyStore(store([0, 1, 1]), identity)).rejects.toThrow(/entries past the committed size 1/);
	});
});
