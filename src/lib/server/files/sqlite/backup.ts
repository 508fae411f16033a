// The file store's part of a SQLite backup and restore (store/backup-files.ts has the format).
import type Database from 'better-sqlite3';
import type { PartName } from '../../../core/log/entry';
import type { FileType } from '../../../core/files/sniff';
import type { FileBackupLine } from '../../store/backup-files';
import { SQLITE_FILES_SCHEMA } from './schema';

type Row = Record<string, unknown>;

/**
 * Every complete file some logged change names, with those refs, then its chunk rows in order
 * (one row in memory at a time). Nothing when the database predates the file store.
 */
export function* sqliteFileRecords(db: Database.Database): Generator<FileBackupLine> {
	if (!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'files'`).get()) return;
	const refsOf = db.prepare('SELECT r.change_hash, r.parcel, r.part FROM file_refs r JOIN changes c ON c.hash = r.change_hash WHERE r.hash = ? ORDER BY r.change_hash');
	const chunks = db.prepare('SELECT off, data FROM file_chunks WHERE hash = ? ORDER BY off');
	for (const f of db.prepare('SELECT hash, size, type FROM files WHERE complete = 1 ORDER BY hash').all() as Row[]) {
		const hash = f.hash as string;
		const refs = (refsOf.all(hash) as Row[]).map((r) => ({ changeHash: new Uint8Array(r.change_hash as Buffer), parcel: r.parcel as string, part: r.part as PartName }));
		if (!refs.length) continue;
		yield { t: 'file', hash, size: f.size as number, type: f.type as FileType, refs };
		for (const c of chunks.iterate(hash) as Iterable<Row>) yield { t: 'file-chunk', hash, off: c.off as number, data: new Uint8Array(c.data as Buffer) };
	}
}

/** Writes file records into `db` (inside the restore's transaction); the tally has checked their order. */
export function sqliteFileLoader(db: Database.Database): (r: FileBackupLine) => void {
	db.exec(SQLITE_FILES_SCHEMA);
	const file = db.prepare('INSERT INTO files (hash, size, type, received, complete) VALUES (?, ?, ?, ?, 1)');
	const ref = db.prepare('INSERT INTO file_refs (hash, change_hash, parcel, part) VALUES (?, ?, ?, ?)');
	const chunk = db.prepare('INSERT INTO file_chunks (hash, off, data) VALUES (?, ?, ?)');
	return (r) => {
		if (r.t === 'file-chunk') {
			chunk.run(r.hash, r.off, r.data);
			return;
		}
		file.run(r.hash, r.size, r.type, r.size);
		for (const x of r.refs) ref.run(r.hash, x.changeHash, x.parcel, x.part);
	};
}
