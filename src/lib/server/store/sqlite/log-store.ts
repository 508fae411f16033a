// SQLite log store (better-sqlite3): WAL journal with synchronous=FULL, so a committed batch
// survives a crash or power loss. better-sqlite3 is synchronous; the async interface is kept so
// the sequencer treats SQLite and PostgreSQL alike.
import Database from 'better-sqlite3';
import { toHex } from '../../../core/bytes';
import type { PartName } from '../../../core/log/entry';
import type { NoticePart } from '../../../core/claims/types';
import { districtOf } from '../../../core/record/ids';
import { SQLITE_SCHEMA } from './schema';
import { checkBatchShape } from '../batch';
import { StoreConflictError, factKey, type AppendBatch, type ChangeFacts, type DocQuery, type ChangeRow, type MapFact, MAP_KIND_CODES, mapFactOfRow, type Head, type IndexedChangeRow, type LogMeta, type LogStore, type NoticeChangeRow, type StoredEntry } from '../types';

type Row = Record<string, unknown>;
const u8 = (b: unknown): Uint8Array => new Uint8Array(b as Buffer);

function changeRow(r: Row): ChangeRow {
	return {
		hash: u8(r.hash),
		parcel: r.parcel as string,
		part: r.part as PartName,
		amHash: r.am_hash as string,
		actor: r.actor as string,
		seq: r.seq as number,
		body: u8(r.body),
		erased: r.erased === 1
	};
}
const entryRow = (r: Row): StoredEntry => ({ index: r.idx as number, data: u8(r.data) });

export class SqliteLogStore implements LogStore {
	readonly kind = 'sqlite';
	readonly db: Database.Database;
	#stmts: ReturnType<typeof prepare> | null = null;

	constructor(path: string) {
		this.db = new Database(path);
		this.db.pragma('journal_mode = WAL');
		this.db.pragma('synchronous = FULL');
		this.db.pragma('foreign_keys = ON');
		this.db.pragma('busy_timeout = 5000');
		// Freed pages are zeroed, so an erased change body leaves no bytes behind (see compact()).
		this.db.pragma('secure_delete = ON');
	}

	get #s() {
		if (!this.#stmts) throw new Error('SqliteLogStore: call migrate() first');
		return this.#stmts;
	}

	async migrate(): Promise<void> {
		// Data folders made before erasure existed lack the column.
		const cols = this.db.prepare(`SELECT name FROM pragma_table_info('changes')`).pluck().all() as string[];
		if (cols.length && !cols.includes('erased')) this.db.exec('ALTER TABLE changes ADD COLUMN erased INTEGER NOT NULL DEFAULT 0');
		this.db.exec(SQLITE_SCHEMA);
		this.#stmts = prepare(this.db);
	}

	async close(): Promise<void> {
		this.db.close();
	}

	async readMeta(): Promise<LogMeta | null> {
		const origin = this.#s.getMeta.get('origin') as Row | undefined;
		const key = this.#s.getMeta.get('verifier_key') as Row | undefined;
		return origin && key ? { origin: origin.value as string, verifierKey: key.value as string } : null;
	}

	async initialize(meta: LogMeta): Promise<void> {
		this.db.transaction(() => {
			const existing = this.#s.getMeta.get('origin') as Row | undefined;
			if (existing) {
				const key = this.#s.getMeta.get('verifier_key') as Row;
				if (existing.value !== meta.origin || key.value !== meta.verifierKey) {
					throw new StoreConflictError(`this store already holds the log ${existing.value}`);
				}
				return;
			}
			this.#s.putMeta.run('origin', meta.origin);
			this.#s.putMeta.run('verifier_key', meta.verifierKey);
		})();
	}

	async head(): Promise<Head | null> {
		const r = this.#s.head.get() as Row | undefined;
		return r ? { size: r.size as number, checkpoint: r.note as string } : null;
	}

	async readHashes(indexes: number[]): Promise<Uint8Array[]> {
		return indexes.map((i) => {
			const r = this.#s.hash.get(i) as Row | undefined;
			if (!r) throw new Error(`stored hash ${i} is missing`);
			return u8(r.hash);
		});
	}

	async readEntries(start: number, end: number): Promise<StoredEntry[]> {
		return (this.#s.entries.all(start, end) as Row[]).map(entryRow);
	}

	async mapFacts(start: number, end: number): Promise<MapFact[]> {
		return (this.#s.mapFacts.all(start, end) as Row[]).map((r) =>
			mapFactOfRow({ idx: r.idx as number, kind: r.kind as number, parcel: r.parcel as string, part: r.part as string | null, change_hash: r.change_hash ? u8(r.change_hash) : null, data: r.data ? u8(r.data) : null })
		);
	}

	async findIdentities(identities: Uint8Array[]): Promise<Map<string, number>> {
		const out = new Map<string, number>();
		for (const id of identities) {
			const r = this.#s.identity.get(id) as Row | undefined;
			if (r) out.set(toHex(id), r.idx as number);
		}
		return out;
	}

	async knownChanges(parcel: string, part: PartName, amHashes: string[]): Promise<Set<string>> {
		return new Set(amHashes.filter((h) => this.#s.knownChange.get(parcel, part, h)));
	}

	async changeFacts(queries: DocQuery[]): Promise<ChangeFacts> {
		const facts: ChangeFacts = { known: new Set(), erased: new Set(), maxSeq: new Map() };
		for (const q of queries) {
			for (const h of q.amHashes) {
				const r = this.#s.changeState.get(q.parcel, q.part, h) as { erased: number } | undefined;
				if (!r) continue;
				facts.known.add(factKey(q.parcel, q.part, h));
				if (r.erased) facts.erased.add(factKey(q.parcel, q.part, h));
			}
			for (const a of q.actors) {
				const r = this.#s.maxSeq.get(q.parcel, q.part, a) as Row;
				if (r.seq !== null) facts.maxSeq.set(factKey(q.parcel, q.part, a), r.seq as number);
			}
		}
		return facts;
	}

	async maxSeq(parcel: string, part: PartName, actor: string): Promise<number> {
		const r = this.#s.maxSeq.get(parcel, part, actor) as Row;
		return (r.seq as number | null) ?? 0;
	}

	async readChange(hash: Uint8Array): Promise<ChangeRow | null> {
		const r = this.#s.change.get(hash) as Row | undefined;
		return r ? changeRow(r) : null;
	}

	async readChanges(hashes: Uint8Array[]): Promise<ChangeRow[]> {
		// Point lookups on a prepared statement: in-process, so a loop costs no round trips.
		const out: ChangeRow[] = [];
		for (const h of hashes) {
			const r = this.#s.change.get(h) as Row | undefined;
			if (r) out.push(changeRow(r));
		}
		return out;
	}

	async changesOfParcel(parcel: string): Promise<ChangeRow[]> {
		return (this.#s.changesOfParcel.all(parcel) as Row[]).map(changeRow);
	}

	async changesOfParcels(parcels: string[], end: number): Promise<IndexedChangeRow[]> {
		if (parcels.length === 0) return [];
		const rows = this.#s.changesOfParcels.all(JSON.stringify(parcels), end) as Row[];
		return rows.map((r) => ({ ...changeRow(r), index: r.idx as number }));
	}

	async entriesOfParcel(parcel: string): Promise<StoredEntry[]> {
		return (this.#s.entriesOfParcel.all(parcel) as Row[]).map(entryRow);
	}

	async accessEntries(parcel: string): Promise<StoredEntry[]> {
		return (this.#s.accessEntries.all(districtOf(parcel), parcel) as Row[]).map(entryRow);
	}

	async erasedAmong(parcel: string, part: PartName, amHashes: string[]): Promise<Set<string>> {
		return new Set(amHashes.filter((h) => this.#s.erased.get(parcel, part, h)));
	}

	async compact(): Promise<void> {
		this.db.pragma('wal_checkpoint(TRUNCATE)');
		this.db.exec('VACUUM');
		this.db.pragma('wal_checkpoint(TRUNCATE)');
	}

	async entriesForDistricts(districts: string[], since: number, limit: number): Promise<StoredEntry[]> {
		const list = JSON.stringify(districts);
		return (this.#s.entriesForDistricts.all(since, list, limit) as Row[]).map(entryRow);
	}

	async keyEntries(): Promise<StoredEntry[]> {
		return (this.#s.keyEntries.all() as Row[]).map(entryRow);
	}

	async claimEntries(): Promise<StoredEntry[]> {
		return (this.#s.claimEntries.all() as Row[]).map(entryRow);
	}

	async readNoticeChange(hash: Uint8Array): Promise<NoticeChangeRow | null> {
		const r = this.#s.noticeChange.get(hash) as { hash: Uint8Array; parcel: string; part: NoticePart; body: Uint8Array } | undefined;
		return r ? { hash: new Uint8Array(r.hash), parcel: r.parcel, part: r.part, body: new Uint8Array(r.body) } : null;
	}

	async saveCosignedCheckpoint(size: number, note: string): Promise<boolean> {
		return this.#s.saveCheckpointNote.run(note, size).changes === 1;
	}

	async appendBatch(batch: AppendBatch): Promise<void> {
		checkBatchShape(batch);
		const s = this.#s;
		this.db.transaction(() => {
			const moved = s.advanceHead.run(batch.checkpoint.size, batch.fromSize);
			if (moved.changes !== 1) {
				const { size } = s.size.get() as { size: number };
				throw new StoreConflictError(`tree size is ${size}, not ${batch.fromSize}: another sequencer appended`);
			}
			for (const e of batch.entries) {
				s.insertEntry.run(e.index, e.data, e.identity, e.kind, e.author, e.parcel, e.district, e.part, e.changeHash);
			}
			for (const c of batch.changes) s.insertChange.run(c.hash, c.parcel, c.part, c.amHash, c.actor, c.seq, c.body);
			for (const n of batch.noticeChanges ?? []) s.insertNoticeChange.run(n.hash, n.parcel, n.part, n.body);
			for (const h of batch.hashes) s.insertHash.run(h.index, h.hash);
			for (const hash of batch.erase ?? []) {
				if (s.eraseChange.run(hash).changes !== 1) throw new Error('an erased change is missing or already erased');
			}
			s.insertCheckpoint.run(batch.checkpoint.size, batch.checkpoint.checkpoint);
		})();
	}
}

function prepare(db: Database.Database) {
	return {
		getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
		putMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)'),
		size: db.prepare('SELECT size FROM head WHERE id = 1'),
		head: db.prepare('SELECT c.size, c.note FROM head h JOIN checkpoints c ON c.size = h.size WHERE h.id = 1'),
		advanceHead: db.prepare('UPDATE head SET size = ? WHERE id = 1 AND size = ?'),
		hash: db.prepare('SELECT hash FROM hashes WHERE id = ?'),
		entries: db.prepare('SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx'),
		identity: db.prepare('SELECT idx FROM entries WHERE identity = ?'),
		mapFacts: db.prepare(
			`SELECT idx, kind, parcel, part, change_hash, CASE WHEN kind = 1 THEN NULL ELSE data END AS data FROM entries
			 WHERE idx >= ? AND idx < ? AND kind IN (${MAP_KIND_CODES}) ORDER BY idx`
		),
		knownChange: db.prepare('SELECT 1 FROM changes WHERE parcel = ? AND part = ? AND am_hash = ?').pluck(),
		maxSeq: db.prepare('SELECT max(seq) AS seq FROM changes WHERE parcel = ? AND part = ? AND actor = ?'),
		change: db.prepare('SELECT * FROM changes WHERE hash = ?'),
		changesOfParcel: db.prepare(
			'SELECT c.* FROM entries e JOIN changes c ON c.hash = e.change_hash WHERE e.parcel = ? ORDER BY e.idx'
		),
		changesOfParcels: db.prepare(
			`SELECT e.idx, c.* FROM entries e JOIN changes c ON c.hash = e.change_hash
			 WHERE e.parcel IN (SELECT value FROM json_each(?)) AND e.idx < ? ORDER BY e.idx`
		),
		entriesOfParcel: db.prepare('SELECT idx, data FROM entries WHERE parcel = ? AND kind IN (1, 4) ORDER BY idx'),
		accessEntries: db.prepare(
			`SELECT idx, data FROM entries WHERE kind = 5 AND district = ? AND (parcel = ? OR parcel IS NULL) ORDER BY idx`
		),
		erased: db.prepare('SELECT 1 FROM changes WHERE parcel = ? AND part = ? AND am_hash = ? AND erased = 1').pluck(),
		changeState: db.prepare('SELECT erased FROM changes WHERE parcel = ? AND part = ? AND am_hash = ?'),
		eraseChange: db.prepare(`UPDATE changes SET body = X'', erased = 1 WHERE hash = ? AND erased = 0 AND part = 'private'`),
		entriesForDistricts: db.prepare(
			`SELECT idx, data FROM entries WHERE idx >= ?
			 AND (kind IN (2, 3) OR (kind IN (1, 4, 6, 7, 8) AND district IN (SELECT value FROM json_each(?))))
			 ORDER BY idx LIMIT ?`
		),
		keyEntries: db.prepare('SELECT idx, data FROM entries WHERE kind IN (2, 3) ORDER BY idx'),
		claimEntries: db.prepare('SELECT idx, data FROM entries WHERE kind IN (6, 7, 8) ORDER BY idx'),
		noticeChange: db.prepare('SELECT hash, parcel, part, body FROM notice_changes WHERE hash = ?'),
		insertNoticeChange: db.prepare('INSERT OR IGNORE INTO notice_changes (hash, parcel, part, body) VALUES (?, ?, ?, ?)'),
		insertEntry: db.prepare(
			`INSERT INTO entries (idx, data, identity, kind, author, parcel, district, part, change_hash)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		),
		insertChange: db.prepare(
			'INSERT INTO changes (hash, parcel, part, am_hash, actor, seq, body) VALUES (?, ?, ?, ?, ?, ?, ?)'
		),
		insertHash: db.prepare('INSERT INTO hashes (id, hash) VALUES (?, ?)'),
		insertCheckpoint: db.prepare('INSERT INTO checkpoints (size, note) VALUES (?, ?)'),
		saveCheckpointNote: db.prepare('UPDATE checkpoints SET note = ? WHERE size = ?')
	};
}
