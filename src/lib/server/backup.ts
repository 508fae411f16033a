// Operator backups of the log store (docs/reliability.md, README "Backups"):
// - SQLite: a consistent online copy through SQLite's backup API — one self-contained database
//   file — or, with format 'ndjson', the logical dump below.
// - PostgreSQL: a logical dump (store/backup-format.ts) read in one REPEATABLE READ snapshot.
// Every backup is checked before it is kept (the copy recomputes to its checkpoint; a dump's
// counts match), written to FILE.partial, fsynced, then renamed, so FILE is always whole.
// A restore reads either kind into an empty store of either kind, in one transaction that
// commits only after start-up verification passed on what it wrote. The log key is never in a
// backup: keep `log-key.json` safe separately.
import { closeSync, createReadStream, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { BACKUP_FORMAT, BackupTally, decodeRecord, encodeRecord, type BackupHeader, type BackupRecord } from './store/backup-format';
import { loadIntoSqlite, onlineBackup, sqliteReader, sqliteRecords } from './store/sqlite/backup';
import { loadIntoPostgres, postgresRecords } from './store/postgres/backup';
import { SqliteLogStore } from './store/sqlite/log-store';
import { PostgresLogStore } from './store/postgres/log-store';
import type { LogStore } from './store/types';
import { verifierIdentity, type LogIdentity } from './log-identity';
import { verifyStoredLog } from './verify-store';
import { fsyncPath } from './atomic-file';

export type BackupFileFormat = 'sqlite' | 'ndjson';

export interface BackupResult {
	path: string;
	format: BackupFileFormat;
	/** Tree size of the snapshot in the file. */
	size: number;
	bytes: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

function keep(partial: string, out: string): void {
	fsyncPath(partial);
	renameSync(partial, out);
	fsyncPath(dirname(out));
}

/** Takes a backup of `store` into `out` (which must not exist) and checks it with `identity`. */
export async function backupLog(o: { store: LogStore; out: string; identity: LogIdentity; format?: BackupFileFormat }): Promise<BackupResult> {
	const format = o.format ?? (o.store.kind === 'sqlite' ? 'sqlite' : 'ndjson');
	if (existsSync(o.out)) throw new Error(`${o.out} exists; choose a new file for the backup`);
	if (format === 'sqlite' && !(o.store instanceof SqliteLogStore)) throw new Error('a PostgreSQL log is backed up as ndjson (a logical dump)');
	const partial = `${o.out}.partial`;
	rmSync(partial, { force: true });
	try {
		let size: number;
		if (format === 'sqlite') {
			await onlineBackup(o.store as SqliteLogStore, partial);
			const copy = new Database(partial, { readonly: true, fileMustExist: true });
			try {
				size = await verifyStoredLog(sqliteReader(copy), o.identity);
			} finally {
				copy.close();
			}
		} else {
			const records = o.store instanceof SqliteLogStore ? sqliteRecords(o.store.db.name) : postgresRecords(o.store as PostgresLogStore);
			const header = await writeNdjson(records, partial);
			if (header.verifierKey !== o.identity.verifierKey) throw new Error(`the store holds the log ${header.verifierKey}, not ${o.identity.verifierKey}`);
			size = header.size;
		}
		keep(partial, o.out);
		return { path: o.out, format, size, bytes: statSync(o.out).size };
	} finally {
		rmSync(partial, { force: true });
	}
}

async function writeNdjson(records: AsyncIterable<BackupRecord>, path: string): Promise<BackupHeader> {
	const fd = openSync(path, 'wx', 0o600);
	const tally = new BackupTally();
	try {
		let buffer = '';
		for await (const r of records) {
			tally.accept(r);
			buffer += encodeRecord(r) + '\n';
			if (buffer.length > 1 << 20) {
				writeSync(fd, buffer);
				buffer = '';
			}
		}
		writeSync(fd, buffer);
		return tally.finish();
	} finally {
		closeSync(fd);
	}
}

async function* ndjsonRecords(path: string): AsyncGenerator<BackupRecord> {
	const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
	let n = 0;
	for await (const line of lines) {
		n++;
		if (line.trim()) yield decodeRecord(line, n);
	}
}

/** What kind of backup a file is, from its first bytes. */
export function backupFileFormat(path: string): BackupFileFormat {
	const fd = openSync(path, 'r');
	try {
		const head = Buffer.alloc(16);
		const n = readSync(fd, head, 0, 16, 0);
		if (n === 16 && head.toString('latin1') === SQLITE_MAGIC) return 'sqlite';
		if (head.subarray(0, n).toString('utf8').startsWith('{')) return 'ndjson';
		throw new Error(`${path} is neither a SQLite backup nor a ${BACKUP_FORMAT} dump`);
	} finally {
		closeSync(fd);
	}
}

/**
 * Restores a backup file into an empty store. `identity` pins the log key the backup must verify
 * with; without it the backup's own verifier key is used (and reported, to be compared).
 */
export async function restoreLog(o: { store: LogStore; from: string; identity?: LogIdentity }): Promise<BackupHeader> {
	if (!existsSync(o.from)) throw new Error(`no backup at ${o.from}`);
	// A SQLite copy carries no date of its own: the file's is when it was taken.
	const records = backupFileFormat(o.from) === 'sqlite' ? sqliteRecords(o.from, statSync(o.from).mtime.toISOString()) : ndjsonRecords(o.from);
	const verify = async (header: BackupHeader, reader: Parameters<typeof verifyStoredLog>[0]) => {
		if (o.identity && header.verifierKey !== o.identity.verifierKey) {
			throw new Error(`the backup is of the log ${header.verifierKey}, not ${o.identity.verifierKey}`);
		}
		const size = await verifyStoredLog(reader, o.identity ?? verifierIdentity(header.verifierKey));
		if (size !== header.size) throw new Error(`restored ${size} entries, the backup says ${header.size}`);
	};
	if (o.store instanceof SqliteLogStore) return loadIntoSqlite(o.store, records, verify);
	if (o.store instanceof PostgresLogStore) return loadIntoPostgres(o.store, records, verify);
	throw new Error(`cannot restore into a ${o.store.kind} store of this class`);
}
