// The log store: the only durable state of a Parcel Ledger server. Two implementations
// (SQLite, PostgreSQL) pass one conformance suite (conformance.ts).
//
// Contract, in the manner of Sunlight's backends:
// - Every method may be called concurrently; reads never see a half-applied batch.
// - `appendBatch` is all or nothing, and when its promise resolves the batch is durable
//   (SQLite WAL with synchronous=FULL, or a PostgreSQL COMMIT). If it rejects, nothing changed.
// - `appendBatch` is a compare-and-swap on the tree size: it refuses a batch whose `fromSize`
//   is not the committed size, so two sequencers can never both write one tree size.
// - Stored bytes are returned exactly as they were given.

import type { PartName } from '../../core/log/entry';
import { leafHash } from '../../core/log/hashing';
import type { MapPart } from '../../core/map/parts';
import type { NoticePart } from '../../core/claims/types';

export interface LogMeta {
	/** The log's origin line (C2SP tlog-checkpoint), e.g. `county.example/parcels`. */
	origin: string;
	/** The note verifier key, `<origin>+<keyid>+<base64>`. */
	verifierKey: string;
}

export interface Head {
	size: number;
	/** The signed checkpoint note for `size`, exactly as served at /log/checkpoint. */
	checkpoint: string;
}

/** What the store indexes about an entry, so queries need not decode entries. */
export interface EntryRow {
	index: number;
	data: Uint8Array;
	/** SHA-256 of the signed statement: the same edit submitted twice has the same identity. */
	identity: Uint8Array;
	kind: number;
	author: Uint8Array;
	parcel: string | null;
	district: string | null;
	part: PartName | null;
	changeHash: Uint8Array | null;
}

export interface ChangeRow {
	/** SHA-256 of `body`: the name an edit entry gives the change. */
	hash: Uint8Array;
	parcel: string;
	part: PartName;
	/** Automerge's own change hash (hex) and its actor and sequence number. */
	amHash: string;
	actor: string;
	seq: number;
	/** Empty once erased (see `erased`). */
	body: Uint8Array;
	/** True once an erasure entry removed the body (the row's metadata stays for ordering checks). */
	erased?: boolean;
}

export interface IndexedChangeRow extends ChangeRow {
	/** Index of the entry that names this change. */
	index: number;
}

/** A notice's pending change: its bytes, kept outside every document until an edit logs them. */
export interface NoticeChangeRow {
	hash: Uint8Array;
	parcel: string;
	part: NoticePart;
	body: Uint8Array;
}

export interface AppendBatch {
	fromSize: number;
	entries: EntryRow[];
	changes: ChangeRow[];
	/** New stored hashes (Go tlog layout): index → hash, for indexes storedHashCount(fromSize)… */
	hashes: { index: number; hash: Uint8Array }[];
	checkpoint: Head;
	/** Hashes of private change bodies to erase in the same transaction (erasure entries). */
	erase?: Uint8Array[];
	/** Pending changes of the batch's notices (a change already kept is kept once). */
	noticeChanges?: NoticeChangeRow[];
}

/** What the sequencer asks about the documents one batch touches (`changeFacts`). */
export interface DocQuery {
	parcel: string;
	part: PartName;
	/** Automerge change hashes to look up (the changes themselves and their dependencies). */
	amHashes: string[];
	/** Actors whose highest stored sequence number is wanted. */
	actors: string[];
}

export interface ChangeFacts {
	/** factKey(parcel, part, amHash) of every asked change the document has. */
	known: Set<string>;
	/** factKey(parcel, part, amHash) of every asked change that was erased. */
	erased: Set<string>;
	/** factKey(parcel, part, actor) → highest stored seq (absent: none). */
	maxSeq: Map<string, number>;
}

export const factKey = (parcel: string, part: string, x: string): string => `${parcel}\u0000${part}\u0000${x}`;

export interface StoredEntry {
	index: number;
	data: Uint8Array;
}

/**
 * What the parcel map (core/map/parts.ts mapFact) takes from an entry, read from the store's
 * columns: an edit's part and change hash; for a claim, decision or notice, the `claims` part and
 * the entry's leaf hash.
 */
export interface MapFact {
	index: number;
	parcel: string;
	part: MapPart;
	hash: Uint8Array;
}

/** Kind codes of the entries the map counts (core/log/entry.ts KIND_CODES): edit, claim, decision, notice. */
export const MAP_KIND_CODES = '1, 6, 7, 8';

/** A MapFact from a row of `SELECT idx, kind, parcel, part, change_hash, data` (data only needed for kinds 6–8). */
export function mapFactOfRow(r: { idx: number; kind: number; parcel: string; part: string | null; change_hash: Uint8Array | null; data: Uint8Array | null }): MapFact {
	if (r.kind === 1) return { index: r.idx, parcel: r.parcel, part: r.part as PartName, hash: r.change_hash! };
	return { index: r.idx, parcel: r.parcel, part: 'claims', hash: leafHash(r.data!) };
}

export interface LogStore {
	readonly kind: 'sqlite' | 'postgres';
	/** Creates the schema when missing. Idempotent. */
	migrate(): Promise<void>;
	close(): Promise<void>;

	/** Null until `initialize` has run. */
	readMeta(): Promise<LogMeta | null>;
	/** Records the log's identity once; refuses a second, different identity. Durable on resolve. */
	initialize(meta: LogMeta): Promise<void>;

	/** The last committed head, or null for an empty log. */
	head(): Promise<Head | null>;
	/** Stored hashes by index, in the order asked; throws when one is missing. */
	readHashes(indexes: number[]): Promise<Uint8Array[]>;
	/** Entries [start, end) in index order. */
	readEntries(start: number, end: number): Promise<StoredEntry[]>;
	/** The entries among [start, end) the parcel map counts (edits, claims, decisions, notices), in index order, as map facts (sequencer load, followers). */
	mapFacts(start: number, end: number): Promise<MapFact[]>;
	/** Indexes of entries whose identity is among `identities` (hex identity → index). */
	findIdentities(identities: Uint8Array[]): Promise<Map<string, number>>;

	/** Which of these Automerge change hashes the (parcel, part) document already has. */
	knownChanges(parcel: string, part: PartName, amHashes: string[]): Promise<Set<string>>;
	/** knownChanges, erasedAmong and maxSeq for a whole batch at once (one round trip on PostgreSQL). */
	changeFacts(queries: DocQuery[]): Promise<ChangeFacts>;
	/** The highest sequence number stored for an actor in a (parcel, part) document (0 if none). */
	maxSeq(parcel: string, part: PartName, actor: string): Promise<number>;
	readChange(hash: Uint8Array): Promise<ChangeRow | null>;
	/** The stored changes among these hashes, in any order (missing ones are left out): one round trip. */
	readChanges(hashes: Uint8Array[]): Promise<ChangeRow[]>;
	/** All changes of one parcel (every part), in log order. */
	changesOfParcel(parcel: string): Promise<ChangeRow[]>;
	/**
	 * Changes of several parcels (every part) whose entries are below `end`, in log order, each
	 * with its entry's index: one query for a snapshot page (GET /api/snapshot).
	 */
	changesOfParcels(parcels: string[], end: number): Promise<IndexedChangeRow[]>;

	/** Edits and erasures naming a parcel, in index order (access entries: `accessEntries`). */
	entriesOfParcel(parcel: string): Promise<StoredEntry[]>;
	/** Access entries (who was served private details) for a parcel or its whole district. */
	accessEntries(parcel: string): Promise<StoredEntry[]>;
	/** Which of these Automerge change hashes of the (parcel, part) document have been erased. */
	erasedAmong(parcel: string, part: PartName, amHashes: string[]): Promise<Set<string>>;
	/**
	 * Makes erased bytes unrecoverable from the database files: SQLite checkpoints the WAL and
	 * VACUUMs (with secure_delete on), PostgreSQL VACUUMs the changes table. Slow; after erasures only.
	 */
	compact(): Promise<void>;
	/** Edit, erasure, claim, decision and notice entries of the given districts with index ≥ since, plus every key grant and revocation. */
	entriesForDistricts(districts: string[], since: number, limit: number): Promise<StoredEntry[]>;
	/** Every key grant and revocation entry, in index order (authorization is replayed from these). */
	keyEntries(): Promise<StoredEntry[]>;
	/** Every claim, decision and notice entry, in index order (core/claims/state.ts replays these). */
	claimEntries(): Promise<StoredEntry[]>;
	/** A notice's pending change, or null. */
	readNoticeChange(hash: Uint8Array): Promise<NoticeChangeRow | null>;

	appendBatch(batch: AppendBatch): Promise<void>;
	/**
	 * Replaces the stored checkpoint note of `size` with `note`: the same signed text with witness
	 * cosignature lines added (the caller verified them), so a restarted server serves them again.
	 * Durable when the promise resolves; resolves false (changing nothing) if no checkpoint of that
	 * size is stored.
	 */
	saveCosignedCheckpoint(size: number, note: string): Promise<boolean>;
}

export class StoreConflictError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'StoreConflictError';
	}
}
