// PostgreSQL file store, sharing the log store's pool: chunk rows of at most CHUNK_ROW_BYTES,
// written under a row lock on the file, hashed page by page when the last one arrives.
import { inTransaction } from '../../store/postgres/transaction';
import type pg from 'pg';
import type { PartName } from '../../../core/log/entry';
import type { FileType } from '../../../core/files/sniff';
import { sha256OfPieces } from '../hashing';
import { POSTGRES_FILES_SCHEMA } from './schema';
import { CHUNK_ROW_BYTES, FileError, type Expectation, type FileRecord, type FileRef, type FileStatus, type FileStore } from '../types';
import { planWrite } from '../write-plan';

type Row = Record<string, unknown>;
const status = (r: Row): FileStatus => ({
	hash: r.hash as string,
	size: Number(r.size),
	type: r.type as FileType,
	received: Number(r.received),
	complete: r.complete === true
});
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const refOf = (r: Row): FileRef => ({ changeHash: new Uint8Array(r.change_hash as Buffer), parcel: r.parcel as string, part: r.part as PartName });

export class PostgresFileStore implements FileStore {
	readonly #pool: pg.Pool;

	constructor(pool: pg.Pool) {
		this.#pool = pool;
	}

	async #q(text: string, values: unknown[] = []): Promise<Row[]> {
		return (await this.#pool.query(text, values)).rows;
	}

	#tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
		return inTransaction(this.#pool, fn);
	}

	async migrate(): Promise<void> {
		const c = await this.#pool.connect();
		try {
			await c.query('SELECT pg_advisory_lock(7240017)');
			await c.query(POSTGRES_FILES_SCHEMA);
		} finally {
			await c.query('SELECT pg_advisory_unlock(7240017)').catch(() => {});
			c.release();
		}
	}

	async #expect(c: pg.ClientBase, file: Expectation['file'], ref: FileRef): Promise<void> {
		await c.query('INSERT INTO files (hash, size, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [file.hash, file.size, file.type]);
		await c.query('INSERT INTO file_refs (hash, change_hash, parcel, part) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [file.hash, buf(ref.changeHash), ref.parcel, ref.part]);
	}

	async expect(file: Expectation['file'], ref: FileRef): Promise<FileStatus> {
		await this.#tx((c) => this.#expect(c, file, ref));
		return (await this.status(file.hash))!;
	}

	async status(hash: string): Promise<FileStatus | null> {
		const [r] = await this.#q('SELECT * FROM files WHERE hash = $1', [hash]);
		return r ? status(r) : null;
	}

	async writeChunk(hash: string, offset: number, bytes: Uint8Array, first?: Expectation): Promise<FileStatus> {
		// One transaction per chunk: expectation, rows, received and, for the last chunk, the hash
		// check; a mismatch commits the dropped bytes, then throws.
		const mismatch = await this.#tx(async (c): Promise<string | null> => {
			if (first) await this.#expect(c, first.file, first.ref);
			const [r] = (await c.query('SELECT * FROM files WHERE hash = $1 FOR UPDATE', [hash])).rows;
			const current = r ? status(r) : null;
			const plan = planWrite(current, hash, offset, bytes);
			if (!plan) return null;
			for (let at = 0; at < plan.bytes.length; at += CHUNK_ROW_BYTES) {
				await c.query('INSERT INTO file_chunks (hash, off, data) VALUES ($1, $2, $3)', [hash, plan.offset + at, buf(plan.bytes.subarray(at, at + CHUNK_ROW_BYTES))]);
			}
			if (plan.received < current!.size) {
				await c.query('UPDATE files SET received = $2 WHERE hash = $1', [hash, plan.received]);
				return null;
			}
			const actual = await sha256OfPieces(this.#pieces(c, hash));
			if (actual === hash) {
				await c.query('UPDATE files SET received = $2, complete = true WHERE hash = $1', [hash, plan.received]);
				return null;
			}
			await c.query('DELETE FROM file_chunks WHERE hash = $1', [hash]);
			await c.query('UPDATE files SET received = 0 WHERE hash = $1', [hash]);
			return actual;
		});
		if (mismatch) throw new FileError('hash-mismatch', `the bytes received hash to ${mismatch}, not ${hash}: nothing was kept; send the file again`);
		return (await this.status(hash))!;
	}

	/** The stored chunks in order, a few rows per query. */
	async *#pieces(c: pg.Pool | pg.ClientBase, hash: string): AsyncGenerator<Uint8Array> {
		let off = -1;
		for (;;) {
			const { rows } = await c.query('SELECT off, data FROM file_chunks WHERE hash = $1 AND off > $2 ORDER BY off LIMIT 8', [hash, off]);
			for (const r of rows) yield new Uint8Array(r.data as Buffer);
			if (rows.length < 8) return;
			off = Number(rows[rows.length - 1].off);
		}
	}

	async read(hash: string): Promise<AsyncIterable<Uint8Array> | null> {
		if (!(await this.status(hash))?.complete) return null;
		return this.#pieces(this.#pool, hash);
	}

	async refs(hash: string): Promise<FileRef[]> {
		return (await this.#q('SELECT * FROM file_refs WHERE hash = $1', [hash])).map(refOf);
	}

	async forgetChanges(changeHashes: Uint8Array[]): Promise<string[]> {
		if (!changeHashes.length) return [];
		return this.#tx(async (c) => {
			const gone = (await c.query('DELETE FROM file_refs WHERE change_hash = ANY($1::bytea[]) RETURNING hash', [changeHashes.map(buf)])).rows.map((r) => r.hash as string);
			const dropped: string[] = [];
			for (const h of new Set(gone)) {
				if ((await c.query('SELECT 1 FROM file_refs WHERE hash = $1', [h])).rowCount) continue;
				await c.query('DELETE FROM file_chunks WHERE hash = $1', [h]);
				await c.query('DELETE FROM files WHERE hash = $1', [h]);
				dropped.push(h);
			}
			return dropped;
		});
	}

	async *list(): AsyncIterable<FileRecord> {
		const rows = await this.#q('SELECT * FROM files WHERE complete ORDER BY hash');
		for (const r of rows) {
			const s = status(r);
			yield { hash: s.hash, size: s.size, type: s.type, refs: await this.refs(s.hash) };
		}
	}

	async usage(): Promise<{ files: number; bytes: number; pendingBytes: number }> {
		const [r] = await this.#q(
			'SELECT COUNT(*) FILTER (WHERE complete) AS files, COALESCE(SUM(size) FILTER (WHERE complete), 0) AS bytes, COALESCE(SUM(received) FILTER (WHERE NOT complete), 0) AS pending FROM files'
		);
		return { files: Number(r.files), bytes: Number(r.bytes), pendingBytes: Number(r.pending) };
	}
}
