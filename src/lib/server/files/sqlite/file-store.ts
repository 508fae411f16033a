// SQLite file store (better-sqlite3), sharing the log's database handle: the rows (files,
// file_refs) are in the database, the bytes are files in a folder beside it (file-dir.ts). A
// chunk is one IMMEDIATE transaction — so no other connection writes files meanwhile — in which
// the bytes are made durable before the row that counts them commits. A whole file in one chunk
// is hashed in memory before anything is written; a file sent in several is hashed from its
// part file when the last chunk is in.
import type Database from 'better-sqlite3';
import type { PartName } from '../../../core/log/entry';
import type { FileType } from '../../../core/files/sniff';
import { createHash } from 'node:crypto';
import { SQLITE_FILES_SCHEMA } from './schema';
import { FileDir, filesDirOf } from './file-dir';
import { FileError, type Expectation, type FileRecord, type FileRef, type FileStatus, type FileStore } from '../types';
import { planWrite } from '../write-plan';
import { GroupCommit, outcomeOf } from './group-commit';
import { WalCommit } from './wal-commit';

type Row = Record<string, unknown>;
const status = (r: Row): FileStatus => ({
	hash: r.hash as string,
	size: r.size as number,
	type: r.type as FileType,
	received: r.received as number,
	complete: r.complete === 1
});
const refOf = (r: Row): FileRef => ({ changeHash: new Uint8Array(r.change_hash as Buffer), parcel: r.parcel as string, part: r.part as PartName });

/** The statements of the upload path, prepared once (after migrate: the tables must exist). */
function prepare(db: Database.Database) {
	return {
		status: db.prepare('SELECT * FROM files WHERE hash = ?'),
		expectFile: db.prepare('INSERT OR IGNORE INTO files (hash, size, type) VALUES (?, ?, ?)'),
		expectRef: db.prepare('INSERT OR IGNORE INTO file_refs (hash, change_hash, parcel, part) VALUES (?, ?, ?, ?)'),
		setReceived: db.prepare('UPDATE files SET received = ? WHERE hash = ?'),
		setComplete: db.prepare('UPDATE files SET received = ?, complete = 1 WHERE hash = ?')
	};
}

/** Moves the bytes of a database from before the folder (chunk rows) into it, once. */
function moveChunkRows(db: Database.Database, dir: FileDir): void {
	const hashes = db.prepare('SELECT DISTINCT hash FROM file_chunks').pluck().all() as string[];
	const rows = db.prepare('SELECT off, data FROM file_chunks WHERE hash = ? ORDER BY off');
	for (const hash of hashes) {
		for (const r of rows.iterate(hash) as Iterable<Row>) {
			const data = r.data as Buffer;
			dir.writePart(hash, r.off as number, data, (r.off as number) + data.length);
		}
		if ((db.prepare('SELECT complete FROM files WHERE hash = ?').pluck().get(hash) as number | undefined) === 1) dir.finishPart(hash);
	}
	db.prepare('DELETE FROM file_chunks').run();
}

export class SqliteFileStore implements FileStore {
	readonly #db: Database.Database;
	readonly #dir: FileDir;
	#stmts: ReturnType<typeof prepare> | null = null;
	/** Commits whose WAL fsync runs off the event loop (wal-commit.ts). */
	#walCommit: WalCommit | null = null;
	/** Whole files written and durable, recorded complete together: one transaction (one WAL fsync) for the photos in flight. */
	readonly #wholeRows = new GroupCommit<{ hash: string; bytes: Uint8Array; first?: Expectation }, FileStatus>(
		(written) => {
			const record = this.#db.transaction(() => written.map((w) => outcomeOf(() => this.#recordWhole(w.hash, w.bytes, w.first))));
			return this.#walCommit!.run(() => record.immediate());
		},
		{ gather: true }
	);

	constructor(db: Database.Database) {
		if (db.memory) throw new Error('SqliteFileStore keeps bytes beside the database file: open a database on disk');
		this.#db = db;
		this.#dir = new FileDir(filesDirOf(db.name));
	}

	async migrate(): Promise<void> {
		this.#db.exec(SQLITE_FILES_SCHEMA);
		this.#stmts = prepare(this.#db);
		this.#walCommit = new WalCommit(this.#db);
		this.#dir.ensure();
		// Under the write lock, so no upload of another connection is between its file and its row.
		this.#db
			.transaction(() => {
				moveChunkRows(this.#db, this.#dir);
				this.#dir.sweep((hash, partial) => {
					const s = this.#status(hash);
					// A complete file renamed before its row committed is kept: the next chunk takes it back.
					return !!s && (partial ? !s.complete : true);
				});
			})
			.immediate();
	}

	get #s() {
		if (!this.#stmts) throw new Error('SqliteFileStore: call migrate() first');
		return this.#stmts;
	}

	#status(hash: string): FileStatus | null {
		const r = this.#s.status.get(hash) as Row | undefined;
		return r ? status(r) : null;
	}

	#expect(file: Expectation['file'], ref: FileRef): void {
		this.#s.expectFile.run(file.hash, file.size, file.type);
		this.#s.expectRef.run(file.hash, ref.changeHash, ref.parcel, ref.part);
	}

	async expect(file: Expectation['file'], ref: FileRef): Promise<FileStatus> {
		this.#db.transaction(() => this.#expect(file, ref))();
		return this.#status(file.hash)!;
	}

	async status(hash: string): Promise<FileStatus | null> {
		return this.#status(hash);
	}

	/** Records a whole file written already: complete, if it is still there (a savepoint of the group's transaction). */
	#recordWhole(hash: string, bytes: Uint8Array, first?: Expectation): FileStatus {
		const record = this.#db.transaction((): FileStatus => {
			if (first) this.#expect(first.file, first.ref);
			const current = this.#status(hash)!;
			if (!planWrite(current, hash, 0, bytes)) return current; // complete already (another writer)
			// Erased while it was written (forgetChanges): nothing is recorded.
			if (!this.#dir.has(hash)) throw new Error(`the file ${hash} was erased while it was written; send it again`);
			this.#s.setComplete.run(current.size, hash);
			this.#dir.dropPart(hash); // a concurrent chunked upload's bytes, now superseded
			return { ...current, received: current.size, complete: true };
		});
		return record();
	}

	/** Whether these bytes are the whole of a file none of which is stored yet. */
	#isWholeFile(hash: string, offset: number, bytes: Uint8Array, first?: Expectation): boolean {
		const known = this.#status(hash) ?? (first ? { ...first.file, received: 0, complete: false } : null);
		return offset === 0 && !!known && !known.complete && known.received === 0 && bytes.length === known.size;
	}

	async writeChunk(hash: string, offset: number, bytes: Uint8Array, first?: Expectation): Promise<FileStatus> {
		// A whole file in one chunk (a photo) that hashes to its name is written and fsynced off the
		// event loop, so that another upload is served meanwhile; its row commits afterwards, in one
		// transaction with the rows of the other photos whose bytes became durable meanwhile.
		if (this.#isWholeFile(hash, offset, bytes, first) && createHash('sha256').update(bytes).digest('hex') === hash) {
			await this.#dir.writeWholeAsync(hash, bytes);
			try {
				return await this.#wholeRows.add({ hash, bytes, first });
			} catch (e) {
				// Refused meanwhile (its changes erased, say): bytes no complete row relies on go too.
				if (!this.#status(hash)?.complete) this.#dir.eraseComplete(hash);
				throw e;
			}
		}
		const s = this.#s;
		const dir = this.#dir;
		// One transaction (one fsync of the WAL, after the bytes' own) per chunk: expectation,
		// bytes, received and, for the last chunk, the hash check; a mismatch commits the
		// dropped bytes, then throws.
		const mismatch = this.#db.transaction((): string | null => {
			if (first) this.#expect(first.file, first.ref);
			const current = this.#status(hash);
			const plan = planWrite(current, hash, offset, bytes);
			if (!plan) return null;
			const size = current!.size;
			if (plan.offset === 0 && plan.received === size) {
				const actual = createHash('sha256').update(plan.bytes).digest('hex');
				if (actual !== hash) return drop(actual);
				dir.writeWhole(hash, plan.bytes);
				s.setComplete.run(size, hash);
				return null;
			}
			dir.writePart(hash, plan.offset, plan.bytes, plan.received);
			if (plan.received < size) {
				s.setReceived.run(plan.received, hash);
				return null;
			}
			const actual = dir.hashPart(hash);
			if (actual !== hash) return drop(actual);
			dir.finishPart(hash);
			s.setComplete.run(size, hash);
			return null;
		});
		const drop = (actual: string) => {
			dir.erase(hash);
			s.setReceived.run(0, hash);
			return actual;
		};
		const wrong = mismatch.immediate();
		if (wrong) throw new FileError('hash-mismatch', `the bytes received hash to ${wrong}, not ${hash}: nothing was kept; send the file again`);
		return this.#status(hash)!;
	}

	async read(hash: string): Promise<AsyncIterable<Uint8Array> | null> {
		if (!this.#status(hash)?.complete) return null;
		return this.#dir.read(hash);
	}

	async refs(hash: string): Promise<FileRef[]> {
		return (this.#db.prepare('SELECT * FROM file_refs WHERE hash = ?').all(hash) as Row[]).map(refOf);
	}

	async forgetChanges(changeHashes: Uint8Array[]): Promise<string[]> {
		const db = this.#db;
		const dropped = db.transaction(() => {
			const touched = new Set<string>();
			for (const c of changeHashes) {
				for (const h of db.prepare('SELECT hash FROM file_refs WHERE change_hash = ?').pluck().all(c) as string[]) touched.add(h);
				db.prepare('DELETE FROM file_refs WHERE change_hash = ?').run(c);
			}
			const dropped: string[] = [];
			for (const h of touched) {
				if (db.prepare('SELECT 1 FROM file_refs WHERE hash = ?').get(h)) continue;
				db.prepare('DELETE FROM files WHERE hash = ?').run(h);
				dropped.push(h);
			}
			return dropped;
		})();
		// After the rows are gone: a crash in between leaves files no row names, which the next
		// start erases (migrate's sweep).
		for (const h of dropped) this.#dir.erase(h);
		return dropped;
	}

	async *list(): AsyncIterable<FileRecord> {
		const hashes = this.#db.prepare('SELECT hash FROM files WHERE complete = 1 ORDER BY hash').pluck().all() as string[];
		for (const hash of hashes) {
			const s = this.#status(hash);
			if (s) yield { hash, size: s.size, type: s.type, refs: await this.refs(hash) };
		}
	}

	async usage(): Promise<{ files: number; bytes: number; pendingBytes: number }> {
		const r = this.#db
			.prepare('SELECT COALESCE(SUM(complete), 0) AS files, COALESCE(SUM(CASE WHEN complete = 1 THEN size ELSE 0 END), 0) AS bytes, COALESCE(SUM(CASE WHEN complete = 0 THEN received ELSE 0 END), 0) AS pending FROM files')
			.get() as Row;
		return { files: r.files as number, bytes: r.bytes as number, pendingBytes: r.pending as number };
	}
}
