import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sampleParcel } from '../core/record/samples';
import { Ledger } from './ledger';
import { logIdentity } from './log-identity';
import { SqliteLogStore } from './store/sqlite/log-store';
import { genesisChange, ORIGIN, sqliteFixture, type Fixture } from './testing/fixture';
import { LogIntegrityError } from './verify-store';

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

	it('refuses a log opened with another log key', async () => {
		const store = new SqliteLogStore(path);
		await store.migrate();
		f.store = store;
		const other = logIdentity(ORIGIN, (await sqliteFixture()).logSigner);
		await expect(Ledger.open({ store, identity: other })).rejects.toThrow(/log key/);
	});
});
