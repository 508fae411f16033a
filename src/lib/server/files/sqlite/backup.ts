// The file store's part of a SQLite backup and restore (store/backup-files.ts has the format).
// A live database keeps its bytes in the folder beside it (file-dir.ts); a SQLite backup copy is
// one self-contained file, so `copyFileBytesInto` puts them into the copy's `file_chunks` rows,
// and reading records takes a file's bytes from its rows when it has any, else from the folder.
import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { PartName } from '../../../core/log/entry';
import type { FileType } from '../../../core/files/sniff';
import type { FileBackupLine } from '../../store/backup-files';
import { SQLITE_FILES_SCHEMA } from './schema';
import { FileDir, filesDirOf } from './file-dir';

type Row = Record<string, unknown>;
const hasFileTables = (db: Database.Database) => !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'files'`).get();

/** The bytes of a complete file, from its rows in `db` or else from the folder `dir`. */
async function* fileBytes(db: Database.Database, dir: FileDir, hash: string): AsyncGenerator<{ off: number; data: Uint8Array }> {
	const rows = db.prepare('SELECT off, data FROM file_chunks WHERE hash = ? ORDER BY off');
	let any = false;
	for (const c of rows.iterate(hash) as Iterable<Row>) {
		any = true;
		yield { off: c.off as number, data: new Uint8Array(c.data as Buffer) };
	}
	if (any) return;
	let off = 0;
	for await (const data of dir.read(hash)) {
		yield { off, data };
		off += data.length;
	}
}

/**
 * Every complete file some logged change names, with those refs, then its bytes in order (one
 * row's worth in memory at a time). Nothing when the database predates the file store.
 */
export async function* sqliteFileRecords(db: Database.Database): AsyncGenerator<FileBackupLine> {
	if (!hasFileTables(db)) return;
	const dir = new FileDir(filesDirOf(db.name));
	const refsOf = db.prepare('SELECT r.change_hash, r.parcel, r.part FROM file_refs r JOIN changes c ON c.hash = r.change_hash WHERE r.hash = ? ORDER BY r.change_hash');
	for (const f of db.prepare('SELECT hash, size, type FROM files WHERE complete = 1 ORDER BY hash').all() as Row[]) {
		const hash = f.hash as string;
		const refs = (refsOf.all(hash) as Row[]).map((r) => ({ changeHash: new Uint8Array(r.change_hash as Buffer), parcel: r.parcel as string, part: r.part as PartName }));
		if (!refs.length) continue;
		yield { t: 'file', hash, size: f.size as number, type: f.type as FileType, refs };
		for await (const c of fileBytes(db, dir, hash)) yield { t: 'file-chunk', hash, ...c };
	}
}

/**
 * Fills the `file_chunks` rows of a SQLite backup copy from the live folder `liveDir`. A file
 * erased since the copy was taken is dropped from the copy: erased bytes never come back.
 */
export async function copyFileBytesInto(copy: Database.Database, liveDir: string): Promise<void> {
	if (!hasFileTables(copy)) return;
	const dir = new FileDir(liveDir);
	const insert = copy.prepare('INSERT INTO file_chunks (hash, off, data) VALUES (?, ?, ?)');
	copy.exec('BEGIN');
	try {
		copy.exec('DELETE FROM file_chunks');
		copy.exec('DELETE FROM files WHERE complete = 0');
		for (const hash of copy.prepare('SELECT hash FROM files ORDER BY hash').pluck().all() as string[]) {
			if (!existsSync(dir.complete(hash))) {
				copy.prepare('DELETE FROM file_refs WHERE hash = ?').run(hash);
				copy.prepare('DELETE FROM files WHERE hash = ?').run(hash);
				continue;
			}
			let off = 0;
			for await (const data of dir.read(hash)) {
				insert.run(hash, off, data);
				off += data.length;
			}
		}
		copy.exec('COMMIT');
	} catch (e) {
		if (copy.inTransaction) copy.exec('ROLLBACK');
		throw e;
	}
}

/**
 * Writes file records into the store of `db` (inside the restore's transaction; the tally has
 * checked their order): rows into the database, bytes into its folder. `finish` makes the last
 * file durable before the restore commits; `abandon` erases what was written when it does not.
 */
export function sqliteFileLoader(db: Database.Database): { load(r: FileBackupLine): void; finish(): void; abandon(): void } {
	db.exec(SQLITE_FILES_SCHEMA);
	const dir = new FileDir(filesDirOf(db.name));
	dir.ensure();
	const file = db.prepare('INSERT INTO files (hash, size, type, received, complete) VALUES (?, ?, ?, ?, 1)');
	const ref = db.prepare('INSERT INTO file_refs (hash, change_hash, parcel, part) VALUES (?, ?, ?, ?)');
	const written: string[] = [];
	let open: string | null = null;
	const close = () => {
		if (open) dir.finishPart(open);
		open = null;
	};
	return {
		load(r) {
			if (r.t === 'file-chunk') {
				dir.writePart(r.hash, r.off, r.data, r.off + r.data.length);
				return;
			}
			close();
			file.run(r.hash, r.size, r.type, r.size);
			for (const x of r.refs) ref.run(r.hash, x.changeHash, x.parcel, x.part);
			dir.writePart(r.hash, 0, new Uint8Array(0), 0);
			written.push(r.hash);
			open = r.hash;
		},
		finish: close,
		abandon() {
			for (const h of written) dir.erase(h);
		}
	};
}
