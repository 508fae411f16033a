// SQLite backups. `onlineBackup` uses SQLite's online backup API (better-sqlite3 `db.backup`),
// which copies a consistent snapshot while a server keeps writing through its own connection:
// SQLite restarts the copy if another connection writes between steps, so what it finishes is
// one moment of the database. The copy is switched to a rollback journal so it is one file, and
// takes the file bytes the live store keeps beside its database as rows (files/sqlite/backup.ts).
// `sqliteRecords` reads a SQLite log (live or a backup copy) as backup records inside one read
// transaction, files included; `loadIntoSqlite` writes records into an empty store in one transaction.
import { chmodSync } from 'node:fs';
import Database from 'better-sqlite3';
import { storedHashCount } from '../../../core/log/tree';
import type { PartName } from '../../../core/log/entry';
import type { NoticePart } from '../../../core/claims/types';
import { BACKUP_FORMAT, BackupTally, type BackupHeader, type BackupRecord } from '../backup-format';
import type { Head, LogStore, StoredEntry } from '../types';
import type { SqliteLogStore } from './log-store';
import { copyFileBytesInto, sqliteFileLoader, sqliteFileRecords } from '../../files/sqlite/backup';
import { filesDirOf } from '../../files/sqlite/file-dir';

type Row = Record<string, unknown>;
const u8 = (b: unknown): Uint8Array => new Uint8Array(b as Buffer);

/** The three reads start-up verification needs, over any connection. */
export function sqliteReader(db: Database.Database): Pick<LogStore, 'head' | 'readEntries' | 'readHashes'> {
	return {
		async head(): Promise<Head | null> {
			const r = db.prepare('SELECT c.size, c.note FROM head h JOIN checkpoints c ON c.size = h.size WHERE h.id = 1').get() as Row | undefined;
			return r ? { size: r.size as number, checkpoint: r.note as string } : null;
		},
		async readEntries(start: number, end: number): Promise<StoredEntry[]> {
			return (db.prepare('SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx').all(start, end) as Row[]).map((r) => ({ index: r.idx as number, data: u8(r.data) }));
		},
		async readHashes(indexes: number[]): Promise<Uint8Array[]> {
			const q = db.prepare('SELECT hash FROM hashes WHERE id = ?');
			return indexes.map((i) => {
				const r = q.get(i) as Row | undefined;
				if (!r) throw new Error(`stored hash ${i} is missing`);
				return u8(r.hash);
			});
		}
	};
}

/** Copies the live database to `path` (which must not exist), consistently, while others write. */
export async function onlineBackup(store: SqliteLogStore, path: string): Promise<void> {
	// After the first step, copy everything in one step: under a steady writer a small step
	// size could restart forever.
	await store.db.backup(path, { progress: () => 1 << 30 });
	chmodSync(path, 0o600); // it holds private change bodies
	const copy = new Database(path);
	try {
		copy.pragma('journal_mode = DELETE');
		await copyFileBytesInto(copy, filesDirOf(store.db.name));
	} finally {
		copy.close();
	}
}

/** The log in a SQLite file as backup records: one read transaction, nothing past its head. */
export async function* sqliteRecords(path: string, createdAt = new Date().toISOString()): AsyncGenerator<BackupRecord> {
	const db = new Database(path, { fileMustExist: true });
	db.pragma('busy_timeout = 5000');
	try {
		db.exec('BEGIN'); // the snapshot is fixed by the first read below
		const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as Row[]).map((r) => [r.key as string, r.value as string]));
		const size = ((db.prepare('SELECT size FROM head WHERE id = 1').get() as Row | undefined)?.size as number) ?? 0;
		const origin = meta.get('origin');
		const verifierKey = meta.get('verifier_key');
		if (!origin || !verifierKey) throw new Error(`${path} holds no log`);
		yield { t: 'header', format: BACKUP_FORMAT, store: 'sqlite', origin, verifierKey, size, createdAt };
		const counts = { entries: 0, changes: 0, hashes: 0, checkpoints: 0, files: 0, fileBytes: 0, noticeChanges: 0 };
		for (const r of db.prepare('SELECT * FROM entries WHERE idx < ? ORDER BY idx').iterate(size) as Iterable<Row>) {
			counts.entries++;
			yield {
				t: 'entry',
				row: {
					index: r.idx as number,
					data: u8(r.data),
					identity: u8(r.identity),
					kind: r.kind as number,
					author: u8(r.author),
					parcel: r.parcel as string | null,
					district: r.district as string | null,
					part: r.part as PartName | null,
					changeHash: r.change_hash === null ? null : u8(r.change_hash)
				}
			};
		}
		const changes = db.prepare('SELECT c.* FROM entries e JOIN changes c ON c.hash = e.change_hash WHERE e.idx < ? ORDER BY e.idx');
		for (const r of changes.iterate(size) as Iterable<Row>) {
			counts.changes++;
			yield { t: 'change', row: { hash: u8(r.hash), parcel: r.parcel as string, part: r.part as PartName, amHash: r.am_hash as string, actor: r.actor as string, seq: r.seq as number, body: u8(r.body) } };
		}
		for (const r of db.prepare('SELECT hash, parcel, part, body FROM notice_changes ORDER BY hash').iterate() as Iterable<Row>) {
			counts.noticeChanges++;
			yield { t: 'notice-change', row: { hash: u8(r.hash), parcel: r.parcel as string, part: r.part as NoticePart, body: u8(r.body) } };
		}
		for (const r of db.prepare('SELECT id, hash FROM hashes WHERE id < ? ORDER BY id').iterate(storedHashCount(size)) as Iterable<Row>) {
			counts.hashes++;
			yield { t: 'hash', index: r.id as number, hash: u8(r.hash) };
		}
		for (const r of db.prepare('SELECT size, note FROM checkpoints WHERE size <= ? ORDER BY size').iterate(size) as Iterable<Row>) {
			counts.checkpoints++;
			yield { t: 'checkpoint', size: r.size as number, note: r.note as string };
		}
		for await (const r of sqliteFileRecords(db)) {
			if (r.t === 'file') counts.files++;
			else counts.fileBytes += r.data.length;
			yield r;
		}
		yield { t: 'end', counts };
		db.exec('COMMIT');
	} finally {
		db.close();
	}
}

/**
 * Loads backup records into an empty SQLite store, in one transaction that commits only after
 * `verify` (start-up verification, run on the uncommitted rows) passed. On any failure nothing
 * is written.
 */
export async function loadIntoSqlite(
	store: SqliteLogStore,
	records: AsyncIterable<BackupRecord>,
	verify: (header: BackupHeader, reader: Pick<LogStore, 'head' | 'readEntries' | 'readHashes'>) => Promise<void>
): Promise<BackupHeader> {
	const db = store.db;
	let fileLoader: ReturnType<typeof sqliteFileLoader> | null = null;
	db.exec('BEGIN IMMEDIATE');
	try {
		if (db.prepare('SELECT count(*) AS n FROM meta').pluck().get() || (db.prepare('SELECT size FROM head WHERE id = 1').pluck().get() as number) > 0) {
			throw new Error('the target store already holds a log: restore only into an empty data folder or database');
		}
		const insert = {
			entry: db.prepare(`INSERT INTO entries (idx, data, identity, kind, author, parcel, district, part, change_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			change: db.prepare('INSERT INTO changes (hash, parcel, part, am_hash, actor, seq, body) VALUES (?, ?, ?, ?, ?, ?, ?)'),
			hash: db.prepare('INSERT INTO hashes (id, hash) VALUES (?, ?)'),
			noticeChange: db.prepare('INSERT INTO notice_changes (hash, parcel, part, body) VALUES (?, ?, ?, ?)'),
			checkpoint: db.prepare('INSERT INTO checkpoints (size, note) VALUES (?, ?)')
		};
		const tally = new BackupTally();
		const files = sqliteFileLoader(db);
		fileLoader = files;
		for await (const r of records) {
			tally.accept(r);
			if (r.t === 'file' || r.t === 'file-chunk') files.load(r);
			else if (r.t === 'entry') {
				const e = r.row;
				insert.entry.run(e.index, e.data, e.identity, e.kind, e.author, e.parcel, e.district, e.part, e.changeHash);
			} else if (r.t === 'change') {
				const c = r.row;
				insert.change.run(c.hash, c.parcel, c.part, c.amHash, c.actor, c.seq, c.body);
			} else if (r.t === 'notice-change') insert.noticeChange.run(r.row.hash, r.row.parcel, r.row.part, r.row.body);
			else if (r.t === 'hash') insert.hash.run(r.index, r.hash);
			else if (r.t === 'checkpoint') insert.checkpoint.run(r.size, r.note);
		}
		const header = tally.finish();
		db.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run('origin', header.origin, 'verifier_key', header.verifierKey);
		db.prepare('UPDATE head SET size = ? WHERE id = 1').run(header.size);
		await verify(header, sqliteReader(db));
		files.finish();
		db.exec('COMMIT');
		return header;
	} catch (e) {
		if (db.inTransaction) db.exec('ROLLBACK');
		fileLoader?.abandon();
		throw e;
	}
}
