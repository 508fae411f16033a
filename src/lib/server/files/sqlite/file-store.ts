// SQLite file store (better-sqlite3), sharing the log's database handle: chunks are rows of at
// most CHUNK_ROW_BYTES, hashed in order by iterating the rows when the last one arrives, inside
// the chunk's one transaction.
import type Database from 'better-sqlite3';
import type { PartName } from '../../../core/log/entry';
import type { FileType } from '../../../core/files/sniff';
import { createHash } from 'node:crypto';
import { SQLITE_FILES_SCHEMA } from './schema';
import { CHUNK_ROW_BYTES, FileError, type Expectation, type FileRecord, type FileRef, type FileStatus, type FileStore } from '../types';
import { planWrite } from '../write-plan';

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
		insertChunk: db.prepare('INSERT INTO file_chunks (hash, off, data) VALUES (?, ?, ?)'),
		setReceived: db.prepare('UPDATE files SET received = ? WHERE hash = ?'),
		chunksInOrder: db.prepare('SELECT data FROM file_chunks WHERE hash = ? ORDER BY off').pluck(),
		setComplete: db.prepare('UPDATE files SET received = ?, complete = 1 WHERE hash = ?'),
		dropChunks: db.prepare('DELETE FROM file_chunks WHERE hash = ?')
	};
}

export class SqliteFileStore implements FileStore {
	readonly #db: Database.Database;
	#stmts: ReturnType<typeof prepare> | null = null;

	constructor(db: Database.Database) {
		this.#db = db;
	}

	async migrate(): Promise<void> {
		this.#db.exec(SQLITE_FILES_SCHEMA);
		this.#stmts = prepare(this.#db);
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

	async writeChunk(hash: string, offset: number, bytes: Uint8Array, first?: Expectation): Promise<FileStatus> {
		const s = this.#s;
		// One transaction (one fsync) per chunk: expectation, rows, received and, for the last
		// chunk, the hash check; a mismatch commits the dropped bytes, then throws.
		const mismatch = this.#db.transaction((): string | null => {
			if (first) this.#expect(first.file, first.ref);
			const current = this.#status(hash);
			const plan = planWrite(current, hash, offset, bytes);
			if (!plan) return null;
			for (let at = 0; at < plan.bytes.length; at += CHUNK_ROW_BYTES) {
				s.insertChunk.run(hash, plan.offset + at, plan.bytes.subarray(at, at + CHUNK_ROW_BYTES));
			}
			if (plan.received < current!.size) {
				s.setReceived.run(plan.received, hash);
				return null;
			}
			// Rows are read one at a time (`iterate`), so memory stays at one row.
			const h = createHash('sha256');
			for (const row of s.chunksInOrder.iterate(hash) as Iterable<Buffer>) h.update(row);
			const actual = h.digest('hex');
			if (actual === hash) {
				s.setComplete.run(plan.received, hash);
				return null;
			}
			s.dropChunks.run(hash);
			s.setReceived.run(0, hash);
			return actual;
		})();
		if (mismatch) throw new FileError('hash-mismatch', `the bytes received hash to ${mismatch}, not ${hash}: nothing was kept; send the file again`);
		return this.#status(hash)!;
	}

	async read(hash: string): Promise<AsyncIterable<Uint8Array> | null> {
		if (!this.#status(hash)?.complete) return null;
		const db = this.#db;
		// One row per step, by offset, so a concurrent write never holds the statement open.
		return (async function* () {
			let off = -1;
			const next = db.prepare('SELECT off, data FROM file_chunks WHERE hash = ? AND off > ? ORDER BY off LIMIT 1');
			for (;;) {
				const r = next.get(hash, off) as Row | undefined;
				if (!r) return;
				off = r.off as number;
				yield new Uint8Array(r.data as Buffer);
			}
		})();
	}

	async refs(hash: string): Promise<FileRef[]> {
		return (this.#db.prepare('SELECT * FROM file_refs WHERE hash = ?').all(hash) as Row[]).map(refOf);
	}

	async forgetChanges(changeHashes: Uint8Array[]): Promise<string[]> {
		const db = this.#db;
		return db.transaction(() => {
			const touched = new Set<string>();
			for (const c of changeHashes) {
				for (const h of db.prepare('SELECT hash FROM file_refs WHERE change_hash = ?').pluck().all(c) as string[]) touched.add(h);
				db.prepare('DELETE FROM file_refs WHERE change_hash = ?').run(c);
			}
			const dropped: string[] = [];
			for (const h of touched) {
				if (db.prepare('SELECT 1 FROM file_refs WHERE hash = ?').get(h)) continue;
				db.prepare('DELETE FROM file_chunks WHERE hash = ?').run(h);
				db.prepare('DELETE FROM files WHERE hash = ?').run(h);
				dropped.push(h);
			}
			return dropped;
		})();
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
