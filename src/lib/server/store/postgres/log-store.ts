// PostgreSQL log store (node-postgres). A batch is one transaction; the head row is the
// compare-and-swap that keeps two sequencers from writing the same tree size.
import { inTransaction } from './transaction';
import pg from 'pg';
import { toHex } from '../../../core/bytes';
import type { PartName } from '../../../core/log/entry';
import type { NoticePart } from '../../../core/claims/types';
import { districtOf } from '../../../core/record/ids';
import { POSTGRES_SCHEMA } from './schema';
import { checkBatchShape } from '../batch';
import { StoreConflictError, factKey, type AppendBatch, type ChangeFacts, type DocQuery, type ChangeRow, type MapFact, MAP_KIND_CODES, mapFactOfRow, type Head, type IndexedChangeRow, type LogMeta, type LogStore, type NoticeChangeRow, type StoredEntry } from '../types';

// BIGINT comes back as a string by default; our indexes stay below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

type Row = Record<string, unknown>;
const u8 = (b: unknown): Uint8Array => new Uint8Array(b as Buffer);
const buf = (b: Uint8Array | null): Buffer | null => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : null);

function changeRow(r: Row): ChangeRow {
	return {
		hash: u8(r.hash),
		parcel: r.parcel as string,
		part: r.part as PartName,
		amHash: r.am_hash as string,
		actor: r.actor as string,
		seq: r.seq as number,
		body: u8(r.body),
		erased: r.erased === true
	};
}
const entryRow = (r: Row): StoredEntry => ({ index: r.idx as number, data: u8(r.data) });

export class PostgresLogStore implements LogStore {
	readonly kind = 'postgres';
	readonly pool: pg.Pool;

	constructor(connectionString: string, options: { max?: number } = {}) {
		this.pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
		// An idle client's connection error (e.g. the server restarted) must not crash the process.
		this.pool.on('error', () => {});
		// Nor a checked-out client's between two queries (pg-pool listens only while a client is
		// idle): the client is then unqueryable, its next query rejects, and the pool drops it on
		// release. Found by tests/reliability-pg-restart.e2e.ts (pg_ctl stop -m immediate).
		this.pool.on('connect', (client) => client.on('error', () => {}));
	}

	async #q(text: string, values: unknown[] = []): Promise<Row[]> {
		return (await this.pool.query(text, values)).rows;
	}

	async migrate(): Promise<void> {
		const client = await this.pool.connect();
		try {
			// Serialize concurrent migrations from several app servers.
			await client.query('SELECT pg_advisory_lock(7240001)');
			await client.query(POSTGRES_SCHEMA);
		} finally {
			await client.query('SELECT pg_advisory_unlock(7240001)').catch(() => {});
			client.release();
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}

	async readMeta(): Promise<LogMeta | null> {
		const rows = await this.#q(`SELECT key, value FROM meta WHERE key IN ('origin', 'verifier_key')`);
		const m = new Map(rows.map((r) => [r.key as string, r.value as string]));
		const origin = m.get('origin');
		const verifierKey = m.get('verifier_key');
		return origin && verifierKey ? { origin, verifierKey } : null;
	}

	async initialize(meta: LogMeta): Promise<void> {
		await this.#tx(async (c) => {
			await c.query('LOCK TABLE meta IN EXCLUSIVE MODE');
			const rows = (await c.query(`SELECT key, value FROM meta WHERE key IN ('origin', 'verifier_key')`)).rows;
			const m = new Map(rows.map((r: Row) => [r.key as string, r.value as string]));
			if (m.size) {
				if (m.get('origin') !== meta.origin || m.get('verifier_key') !== meta.verifierKey) {
					throw new StoreConflictError(`this store already holds the log ${m.get('origin')}`);
				}
				return;
			}
			await c.query(`INSERT INTO meta (key, value) VALUES ('origin', $1), ('verifier_key', $2)`, [
				meta.origin,
				meta.verifierKey
			]);
		});
	}

	async head(): Promise<Head | null> {
		const [r] = await this.#q('SELECT c.size, c.note FROM head h JOIN checkpoints c ON c.size = h.size WHERE h.id = 1');
		return r ? { size: r.size as number, checkpoint: r.note as string } : null;
	}

	async readHashes(indexes: number[]): Promise<Uint8Array[]> {
		if (!indexes.length) return [];
		const rows = await this.#q('SELECT id, hash FROM hashes WHERE id = ANY($1::bigint[])', [indexes]);
		const byId = new Map(rows.map((r) => [r.id as number, u8(r.hash)]));
		return indexes.map((i) => {
			const h = byId.get(i);
			if (!h) throw new Error(`stored hash ${i} is missing`);
			return h;
		});
	}

	async readEntries(start: number, end: number): Promise<StoredEntry[]> {
		const rows = await this.#q('SELECT idx, data FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx', [start, end]);
		return rows.map(entryRow);
	}

	async mapFacts(start: number, end: number): Promise<MapFact[]> {
		const rows = await this.#q(
			`SELECT idx, kind, parcel, part, change_hash, CASE WHEN kind = 1 THEN NULL ELSE data END AS data FROM entries
			 WHERE idx >= $1 AND idx < $2 AND kind IN (${MAP_KIND_CODES}) ORDER BY idx`,
			[start, end]
		);
		return rows.map((r) =>
			mapFactOfRow({ idx: r.idx as number, kind: r.kind as number, parcel: r.parcel as string, part: r.part as string | null, change_hash: r.change_hash ? u8(r.change_hash) : null, data: r.data ? u8(r.data) : null })
		);
	}

	async findIdentities(identities: Uint8Array[]): Promise<Map<string, number>> {
		if (!identities.length) return new Map();
		const rows = await this.#q('SELECT identity, idx FROM entries WHERE identity = ANY($1::bytea[])', [
			identities.map(buf)
		]);
		return new Map(rows.map((r) => [toHex(u8(r.identity)), r.idx as number]));
	}

	async knownChanges(parcel: string, part: PartName, amHashes: string[]): Promise<Set<string>> {
		if (!amHashes.length) return new Set();
		const rows = await this.#q(
			'SELECT am_hash FROM changes WHERE parcel = $1 AND part = $2 AND am_hash = ANY($3::text[])',
			[parcel, part, amHashes]
		);
		return new Set(rows.map((r) => r.am_hash as string));
	}

	async changeFacts(queries: DocQuery[]): Promise<ChangeFacts> {
		const facts: ChangeFacts = { known: new Set(), erased: new Set(), maxSeq: new Map() };
		const hp: string[] = [], hq: string[] = [], hh: string[] = [];
		const ap: string[] = [], aq: string[] = [], aa: string[] = [];
		for (const q of queries) {
			for (const h of q.amHashes) hp.push(q.parcel), hq.push(q.part), hh.push(h);
			for (const a of q.actors) ap.push(q.parcel), aq.push(q.part), aa.push(a);
		}
		const [known, seqs] = await Promise.all([
			hh.length
				? this.#q(
						`SELECT c.parcel, c.part, c.am_hash, c.erased FROM changes c
						 JOIN unnest($1::text[], $2::text[], $3::text[]) AS q(parcel, part, am_hash)
						 ON c.parcel = q.parcel AND c.part = q.part AND c.am_hash = q.am_hash`,
						[hp, hq, hh]
					)
				: [],
			aa.length
				? this.#q(
						`SELECT c.parcel, c.part, c.actor, max(c.seq) AS seq FROM changes c
						 JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[])) AS q(parcel, part, actor)
						 ON c.parcel = q.parcel AND c.part = q.part AND c.actor = q.actor
						 GROUP BY c.parcel, c.part, c.actor`,
						[ap, aq, aa]
					)
				: []
		]);
		for (const r of known) {
			const k = factKey(r.parcel as string, r.part as string, r.am_hash as string);
			facts.known.add(k);
			if (r.erased === true) facts.erased.add(k);
		}
		for (const r of seqs) facts.maxSeq.set(factKey(r.parcel as string, r.part as string, r.actor as string), r.seq as number);
		return facts;
	}

	async maxSeq(parcel: string, part: PartName, actor: string): Promise<number> {
		const [r] = await this.#q('SELECT max(seq) AS seq FROM changes WHERE parcel = $1 AND part = $2 AND actor = $3', [
			parcel,
			part,
			actor
		]);
		return (r?.seq as number | null) ?? 0;
	}

	async readChange(hash: Uint8Array): Promise<ChangeRow | null> {
		const [r] = await this.#q('SELECT * FROM changes WHERE hash = $1', [buf(hash)]);
		return r ? changeRow(r) : null;
	}

	async readChanges(hashes: Uint8Array[]): Promise<ChangeRow[]> {
		if (hashes.length === 0) return [];
		const rows = await this.#q('SELECT * FROM changes WHERE hash = ANY($1::bytea[])', [hashes.map(buf)]);
		return rows.map(changeRow);
	}

	async changesOfParcel(parcel: string): Promise<ChangeRow[]> {
		const rows = await this.#q(
			'SELECT c.* FROM entries e JOIN changes c ON c.hash = e.change_hash WHERE e.parcel = $1 ORDER BY e.idx',
			[parcel]
		);
		return rows.map(changeRow);
	}

	async changesOfParcels(parcels: string[], end: number): Promise<IndexedChangeRow[]> {
		if (parcels.length === 0) return [];
		const rows = await this.#q(
			`SELECT e.idx, c.* FROM entries e JOIN changes c ON c.hash = e.change_hash
			 WHERE e.parcel = ANY($1::text[]) AND e.idx < $2 ORDER BY e.idx`,
			[parcels, end]
		);
		return rows.map((r) => ({ ...changeRow(r), index: Number(r.idx) }));
	}

	async entriesOfParcel(parcel: string): Promise<StoredEntry[]> {
		return (await this.#q('SELECT idx, data FROM entries WHERE parcel = $1 AND kind IN (1, 4) ORDER BY idx', [parcel])).map(entryRow);
	}

	async accessEntries(parcel: string): Promise<StoredEntry[]> {
		const rows = await this.#q(
			'SELECT idx, data FROM entries WHERE kind = 5 AND district = $1 AND (parcel = $2 OR parcel IS NULL) ORDER BY idx',
			[districtOf(parcel), parcel]
		);
		return rows.map(entryRow);
	}

	async erasedAmong(parcel: string, part: PartName, amHashes: string[]): Promise<Set<string>> {
		if (!amHashes.length) return new Set();
		const rows = await this.#q('SELECT am_hash FROM changes WHERE parcel = $1 AND part = $2 AND am_hash = ANY($3::text[]) AND erased', [parcel, part, amHashes]);
		return new Set(rows.map((r) => r.am_hash as string));
	}

	async compact(): Promise<void> {
		// Dead row versions holding erased bodies are removed (VACUUM cannot run in a transaction).
		await this.pool.query('VACUUM changes');
	}

	async entriesForDistricts(districts: string[], since: number, limit: number): Promise<StoredEntry[]> {
		const rows = await this.#q(
			`SELECT idx, data FROM entries WHERE idx >= $1 AND (kind IN (2, 3) OR (kind IN (1, 4, 6, 7, 8) AND district = ANY($2::text[])))
			 ORDER BY idx LIMIT $3`,
			[since, districts, limit]
		);
		return rows.map(entryRow);
	}

	async keyEntries(): Promise<StoredEntry[]> {
		return (await this.#q('SELECT idx, data FROM entries WHERE kind IN (2, 3) ORDER BY idx')).map(entryRow);
	}

	async claimEntries(): Promise<StoredEntry[]> {
		return (await this.#q('SELECT idx, data FROM entries WHERE kind IN (6, 7, 8) ORDER BY idx')).map(entryRow);
	}

	async readNoticeChange(hash: Uint8Array): Promise<NoticeChangeRow | null> {
		const [r] = await this.#q('SELECT hash, parcel, part, body FROM notice_changes WHERE hash = $1', [buf(hash)]);
		return r ? { hash: new Uint8Array(r.hash as Buffer), parcel: r.parcel as string, part: r.part as NoticePart, body: new Uint8Array(r.body as Buffer) } : null;
	}

	async saveCosignedCheckpoint(size: number, note: string): Promise<boolean> {
		return (await this.pool.query('UPDATE checkpoints SET note = $2 WHERE size = $1', [size, note])).rowCount === 1;
	}

	async appendBatch(batch: AppendBatch): Promise<void> {
		checkBatchShape(batch);
		await this.#tx(async (c) => {
			const moved = await c.query('UPDATE head SET size = $1 WHERE id = 1 AND size = $2', [
				batch.checkpoint.size,
				batch.fromSize
			]);
			if (moved.rowCount !== 1) {
				const size = (await c.query('SELECT size FROM head WHERE id = 1')).rows[0]?.size;
				throw new StoreConflictError(`tree size is ${size}, not ${batch.fromSize}: another sequencer appended`);
			}
			const e = batch.entries;
			if (e.length) {
				await c.query(
					`INSERT INTO entries (idx, data, identity, kind, author, parcel, district, part, change_hash)
					 SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::smallint[], $5::bytea[],
					                      $6::text[], $7::text[], $8::text[], $9::bytea[])`,
					[
						e.map((x) => x.index),
						e.map((x) => buf(x.data)),
						e.map((x) => buf(x.identity)),
						e.map((x) => x.kind),
						e.map((x) => buf(x.author)),
						e.map((x) => x.parcel),
						e.map((x) => x.district),
						e.map((x) => x.part),
						e.map((x) => buf(x.changeHash))
					]
				);
			}
			const ch = batch.changes;
			if (ch.length) {
				await c.query(
					`INSERT INTO changes (hash, parcel, part, am_hash, actor, seq, body)
					 SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bytea[])`,
					[
						ch.map((x) => buf(x.hash)),
						ch.map((x) => x.parcel),
						ch.map((x) => x.part),
						ch.map((x) => x.amHash),
						ch.map((x) => x.actor),
						ch.map((x) => x.seq),
						ch.map((x) => buf(x.body))
					]
				);
			}
			if (batch.erase?.length) {
				const r = await c.query(`UPDATE changes SET body = '\\x'::bytea, erased = true WHERE hash = ANY($1::bytea[]) AND NOT erased AND part = 'private'`, [
					batch.erase.map(buf)
				]);
				if (r.rowCount !== batch.erase.length) throw new Error('an erased change is missing or already erased');
			}
			const nc = batch.noticeChanges ?? [];
			if (nc.length) {
				await c.query(
					`INSERT INTO notice_changes (hash, parcel, part, body)
					 SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::bytea[]) ON CONFLICT (hash) DO NOTHING`,
					[nc.map((x) => buf(x.hash)), nc.map((x) => x.parcel), nc.map((x) => x.part), nc.map((x) => buf(x.body))]
				);
			}
			if (batch.hashes.length) {
				await c.query('INSERT INTO hashes (id, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [
					batch.hashes.map((h) => h.index),
					batch.hashes.map((h) => buf(h.hash))
				]);
			}
			await c.query('INSERT INTO checkpoints (size, note) VALUES ($1, $2)', [
				batch.checkpoint.size,
				batch.checkpoint.checkpoint
			]);
		});
	}

	#tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
		return inTransaction(this.pool, fn);
	}
}
