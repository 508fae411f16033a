import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFileStoreConformance } from '../conformance';
import { filesDirOf } from './file-dir';
import { SqliteFileStore } from './file-store';

function openDb(dir: string) {
	const db = new Database(join(dir, 'ledger.db'));
	db.pragma('journal_mode = WAL');
	return db;
}

runFileStoreConformance('sqlite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-files-'));
	const db = openDb(dir);
	return {
		store: new SqliteFileStore(db),
		async cleanup() {
			db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
});

describe('SQLite file store: bytes in the folder beside the database', () => {
	const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
	const ref = { changeHash: new Uint8Array(32).fill(1), parcel: 'RIV-000001', part: 'parcel' as const };
	const jpeg = (n: number) => {
		const b = new Uint8Array(randomBytes(n));
		b.set([0xff, 0xd8, 0xff]);
		return b;
	};
	const read = async (store: SqliteFileStore, hash: string) => {
		const parts: Uint8Array[] = [];
		for await (const p of (await store.read(hash))!) parts.push(p);
		return sha(Buffer.concat(parts));
	};
	let dir: string;
	let db: Database.Database;
	let store: SqliteFileStore;
	let files: string;
	beforeEach(async () => {
		dir = mkdtempSync(join(tmpdir(), 'pl-files-dir-'));
		db = openDb(dir);
		store = new SqliteFileStore(db);
		await store.migrate();
		files = filesDirOf(db.name);
	});
	afterEach(() => {
		db.close();
		rmSync(dir, { recursive: true, force: true });
	});

	it('keeps a complete file as <hash> in the folder, and none of its bytes in the database', async () => {
		const bytes = jpeg(300_000);
		const hash = sha(bytes);
		await store.writeChunk(hash, 0, bytes, { file: { hash, size: bytes.length, type: 'image/jpeg' }, ref });
		expect(readdirSync(files)).toEqual([hash]);
		expect(sha(readFileSync(join(files, hash)))).toBe(hash);
		const needle = Buffer.from(bytes.subarray(150_000, 150_064));
		for (const f of ['ledger.db', 'ledger.db-wal']) if (existsSync(join(dir, f))) expect(readFileSync(join(dir, f)).includes(needle), f).toBe(false);
	});

	it('moves the chunk rows of a database from before the folder into it', async () => {
		const bytes = jpeg(600_000);
		const hash = sha(bytes);
		db.prepare('INSERT INTO files (hash, size, type, received, complete) VALUES (?, ?, ?, ?, 1)').run(hash, bytes.length, 'image/jpeg', bytes.length);
		db.prepare('INSERT INTO file_refs (hash, change_hash, parcel, part) VALUES (?, ?, ?, ?)').run(hash, ref.changeHash, ref.parcel, ref.part);
		for (let off = 0; off < bytes.length; off += 262_144) db.prepare('INSERT INTO file_chunks (hash, off, data) VALUES (?, ?, ?)').run(hash, off, bytes.subarray(off, off + 262_144));
		await store.migrate();
		expect(db.prepare('SELECT count(*) FROM file_chunks').pluck().get()).toBe(0);
		expect(readdirSync(files)).toEqual([hash]);
		expect(await read(store, hash)).toBe(hash);
	});

	it('after a crash: erases bytes no row accounts for, and takes back a part renamed before its row said complete', async () => {
		const orphan = jpeg(1000);
		writeFileSync(join(files, sha(orphan)), orphan); // erased, but the crash came before its bytes went
		writeFileSync(join(files, `${sha(jpeg(10))}.part`), jpeg(10));
		const bytes = jpeg(3000);
		const hash = sha(bytes);
		await store.expect({ hash, size: bytes.length, type: 'image/jpeg' }, ref);
		await store.writeChunk(hash, 0, bytes.subarray(0, 1000));
		// The crash came after the part was renamed to its hash, before the row said complete.
		renameSync(join(files, `${hash}.part`), join(files, hash));
		await store.migrate();
		expect(readdirSync(files)).toEqual([hash]);
		expect(await store.status(hash)).toMatchObject({ received: 1000, complete: false });
		expect((await store.writeChunk(hash, 1000, bytes.subarray(1000))).complete).toBe(true);
		expect(await read(store, hash)).toBe(hash);
	});

	it('a part holding more than its row counts (a crash before the row) is cut where the next chunk ends', async () => {
		const bytes = jpeg(3000);
		const hash = sha(bytes);
		await store.expect({ hash, size: bytes.length, type: 'image/jpeg' }, ref);
		await store.writeChunk(hash, 0, bytes.subarray(0, 1000));
		writeFileSync(join(files, `${hash}.part`), Buffer.concat([bytes.subarray(0, 1000), randomBytes(1500)]));
		await store.writeChunk(hash, 1000, bytes.subarray(1000, 2000));
		expect((await store.writeChunk(hash, 2000, bytes.subarray(2000))).complete).toBe(true);
		expect(await read(store, hash)).toBe(hash);
	});

	it('a whole file whose changes are erased while it is written is not recorded, and its bytes go', async () => {
		const bytes = jpeg(300_000);
		const hash = sha(bytes);
		await store.expect({ hash, size: bytes.length, type: 'image/jpeg' }, ref);
		const writing = store.writeChunk(hash, 0, bytes); // waits for the disk off the event loop
		expect(await store.forgetChanges([ref.changeHash])).toEqual([hash]);
		await expect(writing).rejects.toMatchObject({ code: 'unknown-file' });
		expect(await store.status(hash)).toBeNull();
		expect(readdirSync(files)).toEqual([]);
	});

	it('photos written at once are recorded in one transaction; one erased meanwhile fails alone', async () => {
		// Every statement the store runs, seen from outside it (better-sqlite3's verbose hook).
		const ran: string[] = [];
		const own = mkdtempSync(join(tmpdir(), 'pl-files-group-'));
		const groupDb = new Database(join(own, 'ledger.db'), { verbose: (sql) => ran.push(String(sql)) });
		try {
			groupDb.pragma('journal_mode = WAL');
			const group = new SqliteFileStore(groupDb);
			await group.migrate();
			const photos = Array.from({ length: 6 }, (_, i) => {
				const bytes = jpeg(200_000);
				return { bytes, hash: sha(bytes), ref: { ...ref, changeHash: new Uint8Array(32).fill(10 + i) } };
			});
			for (const p of photos) await group.expect({ hash: p.hash, size: p.bytes.length, type: 'image/jpeg' }, p.ref);
			ran.length = 0;
			const writing = photos.map((p) => group.writeChunk(p.hash, 0, p.bytes)); // wait for the disk off the event loop
			expect(await group.forgetChanges([photos[2].ref.changeHash])).toEqual([photos[2].hash]);
			const outcomes = await Promise.allSettled(writing);
			expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
			const kept = [0, 1, 3, 4, 5].map((i) => photos[i]);
			for (const p of kept) expect(await read(group, p.hash)).toBe(p.hash);
			expect(await group.status(photos[2].hash)).toBeNull();
			expect(readdirSync(filesDirOf(groupDb.name)).sort()).toEqual(kept.map((p) => p.hash).sort());
			// Their disk waits overlap, so fewer row transactions than photos (one each, six, before group commit).
			const begun = ran.filter((sql) => sql === 'BEGIN IMMEDIATE').length;
			expect(begun).toBeGreaterThanOrEqual(1);
			expect(begun).toBeLessThan(photos.length);
		} finally {
			groupDb.close();
			rmSync(own, { recursive: true, force: true });
		}
	});

	it('forgetting the changes that named a file removes its bytes from the folder', async () => {
		const bytes = jpeg(5000);
		const hash = sha(bytes);
		await store.writeChunk(hash, 0, bytes, { file: { hash, size: bytes.length, type: 'image/jpeg' }, ref });
		expect(await store.forgetChanges([ref.changeHash])).toEqual([hash]);
		expect(readdirSync(files)).toEqual([]);
	});
});
