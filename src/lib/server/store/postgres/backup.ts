// PostgreSQL backups: a logical dump of the log's tables in our own format (backup-format.ts),
// read inside one REPEATABLE READ READ ONLY transaction, so it is one consistent snapshot while a
// server keeps writing; no pg_dump is needed and the dump also restores into SQLite. Restores
// load into an empty database in one transaction that commits only after verification.
import type pg from 'pg';
import { storedHashCount } from '../../../core/log/tree';
import type { PartName } from '../../../core/log/entry';
import type { NoticePart } from '../../../core/claims/types';
import { BACKUP_FORMAT, BackupTally, type BackupHeader, type BackupRecord } from '../backup-format';
import type { EntryRow, ChangeRow, Head, LogStore, StoredEntry } from '../types';
import type { PostgresLogStore } from './log-store';
import { postgresFileLoader, postgresFileRecords } from '../../files/postgres/backup';

type Row = Record<string, unknown>;
const u8 = (b: unknown): Uint8Array => new Uint8Array(b as Buffer);
const buf = (b: Uint8Array | null): Buffer | null => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);
const PAGE = 2000;

/** The three reads start-up verification needs, over one client (and its open transaction). */
export function postgresReader(c: pg.ClientBase): Pick<LogStore, 'head' | 'readEntries' | 'readHashes'> {
	return {
		async head(): Promise<Head | null> {
			const [r] = (await c.query('SELECT c.size, c.note FROM head h JOIN checkpoints c ON c.size = h.size WHERE h.id = 1')).rows as Row[];
			return r ? { size: Number(r.size), checkpoint: r.note as string } : null;
		},
		async readEntries(start: number, end: number): Promise<StoredEntry[]> {
			const { rows } = await c.query('SELECT idx, data FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx', [start, end]);
			return (rows as Row[]).map((r) => ({ index: Number(r.idx), data: u8(r.data) }));
		},
		async readHashes(indexes: number[]): Promise<Uint8Array[]> {
			if (!indexes.length) return [];
			const { rows } = await c.query('SELECT id, hash FROM hashes WHERE id = ANY($1::bigint[])', [indexes]);
			const byId = new Map((rows as Row[]).map((r) => [Number(r.id), u8(r.hash)]));
			return indexes.map((i) => {
				const h = byId.get(i);
				if (!h) throw new Error(`stored hash ${i} is missing`);
				return h;
			});
		}
	};
}

const entryRow = (r: Row): EntryRow => ({
	index: Number(r.idx),
	data: u8(r.data),
	identity: u8(r.identity),
	kind: Number(r.kind),
	author: u8(r.author),
	parcel: r.parcel as string | null,
	district: r.district as string | null,
	part: r.part as PartName | null,
	changeHash: r.change_hash === null ? null : u8(r.change_hash)
});
const changeRow = (r: Row): ChangeRow => ({
	hash: u8(r.hash),
	parcel: r.parcel as string,
	part: r.part as PartName,
	amHash: r.am_hash as string,
	actor: r.actor as string,
	seq: Number(r.seq),
	body: u8(r.body)
});

/** The log as backup records, from one consistent snapshot, nothing past its head. */
export async function* postgresRecords(store: PostgresLogStore): AsyncGenerator<BackupRecord> {
	const c = await store.pool.connect();
	let committed = false;
	try {
		await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		const meta = new Map(((await c.query('SELECT key, value FROM meta')).rows as Row[]).map((r) => [r.key as string, r.value as string]));
		const size = Number((await c.query('SELECT size FROM head WHERE id = 1')).rows[0]?.size ?? 0);
		const origin = meta.get('origin');
		const verifierKey = meta.get('verifier_key');
		if (!origin || !verifierKey) throw new Error('this database holds no log');
		yield { t: 'header', format: BACKUP_FORMAT, store: 'postgres', origin, verifierKey, size, createdAt: new Date().toISOString() };
		const counts = { entries: 0, changes: 0, hashes: 0, checkpoints: 0, files: 0, fileBytes: 0, noticeChanges: 0 };
		for (let from = 0; from < size; from += PAGE) {
			const to = Math.min(size, from + PAGE);
			for (const r of (await c.query('SELECT * FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx', [from, to])).rows as Row[]) {
				counts.entries++;
				yield { t: 'entry', row: entryRow(r) };
			}
		}
		for (let from = 0; from < size; from += PAGE) {
			const to = Math.min(size, from + PAGE);
			const { rows } = await c.query('SELECT c.* FROM entries e JOIN changes c ON c.hash = e.change_hash WHERE e.idx >= $1 AND e.idx < $2 ORDER BY e.idx', [from, to]);
			for (const r of rows as Row[]) {
				counts.changes++;
				yield { t: 'change', row: changeRow(r) };
			}
		}
		const hashes = storedHashCount(size);
		for (let from = 0; from < hashes; from += PAGE) {
			const { rows } = await c.query('SELECT id, hash FROM hashes WHERE id >= $1 AND id < $2 ORDER BY id', [from, Math.min(hashes, from + PAGE)]);
			for (const r of rows as Row[]) {
				counts.hashes++;
				yield { t: 'hash', index: Number(r.id), hash: u8(r.hash) };
			}
		}
		for (const r of (await c.query('SELECT hash, parcel, part, body FROM notice_changes ORDER BY hash')).rows as Row[]) {
			counts.noticeChanges++;
			yield { t: 'notice-change', row: { hash: u8(r.hash), parcel: r.parcel as string, part: r.part as NoticePart, body: u8(r.body) } };
		}
		for (const r of (await c.query('SELECT size, note FROM checkpoints WHERE size <= $1 ORDER BY size', [size])).rows as Row[]) {
			counts.checkpoints++;
			yield { t: 'checkpoint', size: Number(r.size), note: r.note as string };
		}
		for await (const r of postgresFileRecords(c)) {
			if (r.t === 'file') counts.files++;
			else counts.fileBytes += r.data.length;
			yield r;
		}
		yield { t: 'end', counts };
		await c.query('COMMIT');
		committed = true;
	} finally {
		if (!committed) await c.query('ROLLBACK').catch(() => {});
		c.release();
	}
}

/** Loads backup records into an empty database: one transaction, committed only after `verify`. */
export async function loadIntoPostgres(
	store: PostgresLogStore,
	records: AsyncIterable<BackupRecord>,
	verify: (header: BackupHeader, reader: Pick<LogStore, 'head' | 'readEntries' | 'readHashes'>) => Promise<void>
): Promise<BackupHeader> {
	const c = await store.pool.connect();
	try {
		await c.query('BEGIN');
		// No one may append while we restore (a second writer would fail its compare-and-swap anyway).
		await c.query('LOCK TABLE head, meta IN EXCLUSIVE MODE');
		const held = (await c.query('SELECT (SELECT count(*) FROM meta) AS meta, (SELECT size FROM head WHERE id = 1) AS size')).rows[0] as Row;
		if (Number(held.meta) > 0 || Number(held.size) > 0) {
			throw new Error('the target database already holds a log: restore only into an empty database');
		}
		const pending = { entries: [] as EntryRow[], changes: [] as ChangeRow[], hashes: [] as { index: number; hash: Uint8Array }[], checkpoints: [] as { size: number; note: string }[] };
		const flush = async () => {
			const e = pending.entries.splice(0);
			if (e.length) {
				await c.query(
					`INSERT INTO entries (idx, data, identity, kind, author, parcel, district, part, change_hash)
					 SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::smallint[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::bytea[])`,
					[e.map((x) => x.index), e.map((x) => buf(x.data)), e.map((x) => buf(x.identity)), e.map((x) => x.kind), e.map((x) => buf(x.author)), e.map((x) => x.parcel), e.map((x) => x.district), e.map((x) => x.part), e.map((x) => buf(x.changeHash))]
				);
			}
			const ch = pending.changes.splice(0);
			if (ch.length) {
				await c.query(
					`INSERT INTO changes (hash, parcel, part, am_hash, actor, seq, body)
					 SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bytea[])`,
					[ch.map((x) => buf(x.hash)), ch.map((x) => x.parcel), ch.map((x) => x.part), ch.map((x) => x.amHash), ch.map((x) => x.actor), ch.map((x) => x.seq), ch.map((x) => buf(x.body))]
				);
			}
			const h = pending.hashes.splice(0);
			if (h.length) await c.query('INSERT INTO hashes (id, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [h.map((x) => x.index), h.map((x) => buf(x.hash))]);
			const cp = pending.checkpoints.splice(0);
			if (cp.length) await c.query('INSERT INTO checkpoints (size, note) SELECT * FROM unnest($1::bigint[], $2::text[])', [cp.map((x) => x.size), cp.map((x) => x.note)]);
		};
		const tally = new BackupTally();
		const loadFile = await postgresFileLoader(c);
		let buffered = 0;
		for await (const r of records) {
			tally.accept(r);
			// File bytes go straight in, never batched: a batch of chunks could be large.
			if (r.t === 'file' || r.t === 'file-chunk') await loadFile(r);
			else if (r.t === 'entry') pending.entries.push(r.row);
			else if (r.t === 'change') pending.changes.push(r.row);
			else if (r.t === 'hash') pending.hashes.push({ index: r.index, hash: r.hash });
			else if (r.t === 'checkpoint') pending.checkpoints.push({ size: r.size, note: r.note });
			else if (r.t === 'notice-change') {
				// Few and small: inserted as they come.
				await c.query('INSERT INTO notice_changes (hash, parcel, part, body) VALUES ($1, $2, $3, $4)', [buf(r.row.hash), r.row.parcel, r.row.part, buf(r.row.body)]);
				continue;
			}
			else continue;
			if (++buffered % 1000 === 0) await flush();
		}
		await flush();
		const header = tally.finish();
		await c.query(`INSERT INTO meta (key, value) VALUES ('origin', $1), ('verifier_key', $2)`, [header.origin, header.verifierKey]);
		await c.query('UPDATE head SET size = $1 WHERE id = 1', [header.size]);
		await verify(header, postgresReader(c));
		await c.query('COMMIT');
		return header;
	} catch (e) {
		await c.query('ROLLBACK').catch(() => {});
		throw e;
	} finally {
		c.release();
	}
}
