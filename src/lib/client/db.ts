// The field device's IndexedDB database (Dexie), defined once. Every table the field client
// keeps, with the indexes that make offline search fast (a multiEntry index of search words).
import Dexie, { type EntityTable } from 'dexie';
import type { PartName } from '../core/record/parts';
import type { MapPart } from '../core/map/parts';
import type { ParcelShape, ParcelSummary } from '../core/record/summary';
import type { EditWire } from '../core/signing/submit';
import type { JsonValue } from '../core/record/json';
import type { ClaimKind } from '../core/claims/types';
import type { ClaimEntryWire } from '../core/claims/sign';
import type { NoticesRow } from './field-notices';

/** The data of one stored part: Automerge.save bytes or concatenated changes, or base64 of those. */
export type PartData = Uint8Array | string;

/**
 * A parcel's Automerge documents, one per part, in ONE row (IndexedDB's cost is per record),
 * written once the device changes them; until then they are in a pack (DocPackRow).
 */
export interface DocRow {
	parcelId: string;
	/**
	 * Per part: Automerge.save bytes, or concatenated changes; a string is base64 straight from a
	 * snapshot, decoded only when the parcel is opened (bootstrap does no Automerge or base64 work).
	 */
	parts: Partial<Record<PartName, PartData>>;
	/** Bumped on every write, so a save can tell that another tab wrote in between. */
	rev: number;
}

/**
 * The documents of up to PACK_SIZE parcels of one snapshot page, as a district download stored
 * them (doc-packs.ts): a parcel's `docs` row, once written, wins over its entry here.
 */
export interface DocPackRow {
	/** `${district}|${its first parcel}` */
	key: string;
	district: string;
	/** Parcel ids; `parts[i]` are the parts of `ids[i]` (base64 as the snapshot served them). */
	ids: string[];
	parts: Partial<Record<PartName, PartData>>[];
}

/** The materialized search row of a parcel (public parts only): its summary and shape. */
export interface SearchRow extends ParcelSummary, ParcelShape {
	/** Centre longitude, for "parcels in this map view" (null without geometry). */
	cx: number | null;
	cy: number | null;
	/** Lower-cased, accent-stripped words; searched through `searchIndex` (search-index.ts). */
	words: string[];
}

/** A district's search index: sorted distinct words and, per word, the ordinals of its parcels. */
export interface SearchIndexRow {
	/** `${district}@${builtAt}`: a rebuilt index has a new key, so tabs see it changed. */
	key?: string;
	district: string;
	/** Parcel ids in id order; an ordinal is a position here. */
	ids: string[];
	words: string[];
	/** Postings of words[i] are postings[starts[i] … starts[i + 1]). */
	starts: Uint32Array;
	postings: Uint32Array;
	builtAt: number;
}

/** The words of a row changed since its district's index was built (they override the index). */
export interface SearchDeltaRow {
	id: string;
	district: string;
	words: string[];
}

export interface OutboxRow {
	id?: number;
	parcelId: string;
	part: PartName;
	/** SHA-256 of the change (hex): the name the log entry will carry. */
	changeHash: string;
	wire: EditWire;
	createdAt: number;
	/** What changed, for people: `zoning → R2`. */
	summary: string;
	status: 'pending' | 'refused';
	code?: string;
	message?: string;
}

/**
 * A claim or objection this device signed (issue 21): its own table beside the edits' outbox,
 * because it is not a change of a part (no document, no change hash) and is sent to
 * `/api/entries`, not `/api/edits`. The row stays after the log takes it (`logged`, with the index
 * and the tree its inclusion was verified in), so the device shows what it filed.
 */
export interface ClaimOutboxRow {
	id?: number;
	parcelId: string;
	/** SHA-256 of the signed statement (hex): the claim's identity. */
	identity: string;
	kind: ClaimKind;
	contested: string[];
	text: string;
	/** The signed entry as `/api/entries` takes it. */
	wire: ClaimEntryWire;
	/** The signature (base64), to check the stored entry against. */
	signature: string;
	createdAt: number;
	status: 'pending' | 'refused' | 'logged';
	code?: string;
	message?: string;
	index?: number;
	treeSize?: number;
}

/** An own edit the log accepted and whose inclusion this device verified. */
export interface SyncedRow {
	changeHash: string;
	parcelId: string;
	part: PartName;
	summary: string;
	index: number;
	/** The checkpoint size the inclusion proof was checked against. */
	treeSize: number;
	verifiedAt: number;
}

export interface ConflictValueRow {
	value: JsonValue;
	actor: string;
	/** The author's name from the log's grants, when known. */
	author: string;
}

export interface ConflictRow {
	/** `${parcelId}|${part}|${path}` */
	key: string;
	parcelId: string;
	part: PartName;
	path: string;
	values: ConflictValueRow[];
	seenAt: number;
}

/**
 * What an alarm is about. `fork`, `bad-snapshot` and `missing-edits` halt sync (and downloads)
 * until someone acknowledges them (HALTING_ALARMS); `bad-entry` and `bad-row` are listed only.
 */
export type AlarmKind = 'fork' | 'bad-entry' | 'bad-snapshot' | 'missing-edits' | 'bad-row';
export const HALTING_ALARMS: readonly AlarmKind[] = ['fork', 'bad-snapshot', 'missing-edits'];

/** Evidence of a log that misbehaved. Rows are never deleted. Codes: docs/protocol.md "Snapshot". */
export interface AlarmRow {
	id?: number;
	kind: AlarmKind;
	/** Stable machine-readable code, e.g. `snapshot-part-mismatch` (absent on alarms of older versions). */
	code?: string;
	at: number;
	message: string;
	/** The last checkpoint this device verified (signed note). */
	trusted: string;
	/** What the server sent instead (signed note), when there was one. */
	received: string | null;
	/** The consistency proof that failed (base64 hashes), when the server gave one. */
	proof: string[] | null;
	/** An entry that broke the rules (base64), for kind bad-entry. */
	entry?: string;
	/** The parcel and the district the alarm names, when it names one. */
	parcel?: string;
	district?: string;
	/** What the server sent that failed the check (JSON: the page's parcel and map proof, the district path, the row). */
	evidence?: string;
	acknowledged: boolean;
}

/** Whether an alarm stops sync and downloads until acknowledged (a fork, a refused snapshot, missing edits). */
export const isHalting = (a: AlarmRow): boolean => HALTING_ALARMS.includes(a.kind) && !a.acknowledged;

/** A photo, addressed by the SHA-256 of its (resized JPEG) bytes; the log holds the edit naming it. */
export interface BlobRow {
	hash: string;
	blob: Blob;
	type: string;
	width: number;
	height: number;
	bytes: number;
	parcelId: string;
	createdAt: number;
	/** Set once the server holds it whole (client/upload.ts); the blob stays on the device. */
	uploadedAt: number | null;
	/** The SHA-256 of the edit that records it (set by the save): the x-change of its upload. */
	changeHash?: string;
	/** Or the claims-outbox row whose claim attaches it as evidence (issue 21): uploaded with x-claim once logged. */
	claimId?: number;
	/** Bytes the server held at the last chunk sent, and why the last upload stopped (retried next sync). */
	received?: number;
	uploadError?: string | null;
	/** Set when its bytes were dropped to free space (file-cache.ts): `blob` is then empty, the server holds it. */
	evictedAt?: number | null;
}

/** A key grant or revocation entry of the log, verified and kept to replay authorization. */
export interface KeyEntryRow {
	index: number;
	/** The entry bytes, base64. */
	entry: string;
}

/**
 * Parcel-map leaves of a district as one verified snapshot page proved them, packed
 * (core/map/device.ts packLeaves): one record per page rather than per part, so a 100,000-parcel
 * download writes 50 more records, not 300,000. `mapLeaves` overrides them.
 */
export interface MapChunkRow {
	/** `${district}|${the page's first parcel with a leaf}` */
	key: string;
	district: string;
	leaves: Uint8Array;
	/** Leaves in the chunk, and the tree size of the checkpoint the page was verified against. */
	count: number;
	size: number;
}

/** A map leaf advanced by pulled edits since its district's download (overrides `mapChunks`). */
export interface MapLeafRow {
	/** `${parcelId}|${part}` */
	key: string;
	district: string;
	parcel: string;
	part: MapPart;
	count: number;
	lastIndex: number;
	digest: Uint8Array;
}

export interface StateRow {
	key: string;
	value: unknown;
}

export class FieldDatabase extends Dexie {
	docs!: EntityTable<DocRow, 'parcelId'>;
	docPacks!: EntityTable<DocPackRow, 'key'>;
	parcels!: EntityTable<SearchRow, 'id'>;
	searchIndex!: EntityTable<SearchIndexRow, 'key'>;
	searchDelta!: EntityTable<SearchDeltaRow, 'id'>;
	outbox!: EntityTable<OutboxRow, 'id'>;
	synced!: EntityTable<SyncedRow, 'changeHash'>;
	conflicts!: EntityTable<ConflictRow, 'key'>;
	alarms!: EntityTable<AlarmRow, 'id'>;
	blobs!: EntityTable<BlobRow, 'hash'>;
	keyEntries!: EntityTable<KeyEntryRow, 'index'>;
	state!: EntityTable<StateRow, 'key'>;
	mapChunks!: EntityTable<MapChunkRow, 'key'>;
	mapLeaves!: EntityTable<MapLeafRow, 'key'>;
	claims!: EntityTable<ClaimOutboxRow, 'id'>;
	notices!: EntityTable<NoticesRow, 'parcelId'>;

	constructor(name = 'parcel-ledger-field') {
		super(name);
		this.version(1).stores({
			docs: 'parcelId',
			parcels: 'id, district, cx',
			searchIndex: 'key, district',
			searchDelta: 'id, district',
			outbox: '++id, parcelId, status, changeHash',
			synced: 'changeHash, parcelId, index',
			conflicts: 'key, parcelId',
			alarms: '++id, kind',
			blobs: 'hash, parcelId',
			keyEntries: 'index',
			state: 'key'
		});
		// Version 2: the parcel map's leaves of each district (bootstrap and pull verified against
		// the checkpoints' map roots). Districts downloaded before it have none and are followed as
		// before, without the district check (DistrictRecord.mapVerified).
		this.version(2).stores({
			mapChunks: 'key, district',
			mapLeaves: 'key, district'
		});
		// Version 3: claims and objections filed on this device, queued and sent like edits.
		this.version(3).stores({ claims: '++id, parcelId, status' });
		// Version 4: each parcel's public notices as last fetched online (client/field-notices.ts).
		this.version(4).stores({ notices: 'parcelId' });
		// Version 5: downloads store documents in packs of parcels (doc-packs.ts); rows stored
		// before stay where they are and are read as before.
		this.version(5).stores({ docPacks: 'key, district, *ids' });
	}
}

let shared: FieldDatabase | null = null;

/** The page's one database handle. */
export function fieldDb(): FieldDatabase {
	shared ??= new FieldDatabase();
	return shared;
}
