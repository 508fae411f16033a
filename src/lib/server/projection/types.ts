// The read model: one row per parcel, derived from the log's PUBLIC parts only, for search,
// listings and exports. It can always be rebuilt from the log; the log stays the only truth.
// Two implementations (SQLite, PostgreSQL) pass one conformance suite (conformance.ts).
import type { BBox, ParcelShape, ParcelSummary } from '../../core/record/summary';
import type { JsonObject } from '../../core/record/json';
import type {
	AuthorActivityRow,
	ConflictRow,
	ListQuery,
	ProjectionExtras,
	RefusalRow,
	SpatialIssueRow
} from './registry-types';

/** The projection's row: a parcel's summary and shape (core/record/summary.ts), with its record. */
export interface ParcelRow extends ParcelSummary, ParcelShape {
	/** The merged public view (crdt/merge.ts publicView): never anything from `private`. */
	record: JsonObject;
	/** Index of the last log entry that touched one of this parcel's public parts. */
	lastIndex: number;
	/** How many edits (log entries) of public parts the row reflects. */
	editCount: number;
}

/** What a search returns per parcel: everything but the heavy JSON. */
export type ParcelHit = Omit<ParcelRow, 'record' | 'geometry'>;

export interface SearchQuery {
	/**
	 * Words; each must be a prefix of some word of the parcel id, APN, address line, locality,
	 * postcode or an owner's name (case- and accent-insensitive). Blank means no text filter;
	 * text with no letters or digits matches nothing. Operators and quotes are plain text.
	 */
	text?: string;
	district?: string;
	/** Parcels whose bbox intersects this one (touching counts); parcels without geometry never match. */
	bbox?: BBox;
	/** 1 … MAX_SEARCH_LIMIT */
	limit: number;
	offset: number;
}

export interface SearchResult {
	/** Ordered by parcel id (binary order). */
	rows: ParcelHit[];
	/** Matches in all, ignoring limit and offset. */
	total: number;
}

/**
 * Contract:
 * - Every method may be called concurrently, from several processes on one database.
 * - `saveParcels` is all or nothing: rows and projected size commit in one transaction, durable
 *   when the promise resolves. If it rejects, nothing changed.
 * - Monotonic: a saved row never replaces one with a larger `lastIndex`, and the projected size
 *   never decreases, so a slow projector cannot undo a faster one's work.
 * - Methods throw RangeError for malformed arguments (limits, bboxes), as misuse, not data.
 */
export interface ProjectionStore extends ClaimTables {
	readonly kind: 'sqlite' | 'postgres';
	/** Creates the schema when missing. Idempotent. */
	migrate(): Promise<void>;
	/** The log size the projection reflects: every entry below it has been projected (0 at first). */
	projectedSize(): Promise<number>;
	/**
	 * Upserts rows (by id) and records `projectedSize`, in one transaction. `extras` (registry
	 * workspace, registry-types.ts) commit in the same transaction: the conflicts of every row that
	 * was saved are replaced by those given for it; author activity only moves forward.
	 */
	saveParcels(rows: ParcelRow[], projectedSize: number, extras?: ProjectionExtras): Promise<void>;
	getParcel(id: string): Promise<ParcelRow | null>;
	/** The bounding box of every parcel with geometry, or null when there is none. */
	extent(): Promise<BBox | null>;
	/** Full rows for these ids, in the order asked; unknown ids are left out. At most MAX_LIST_LIMIT. */
	getParcels(ids: string[]): Promise<ParcelRow[]>;
	search(query: SearchQuery): Promise<SearchResult>;
	/** Every district with its parcel count, ordered by district. */
	districts(): Promise<{ district: string; parcels: number }[]>;
	/** Rows of a district with id > afterId (null: from the start), ordered by id: pages for exports. limit 1 … MAX_LIST_LIMIT. */
	listParcels(district: string, afterId: string | null, limit: number): Promise<ParcelRow[]>;

	// The registry workspace's read model (registry-types.ts): conflicts, spatial issues, activity.
	/** Conflicts of public parts, newest first (largest lastIndex), optionally of one district. */
	conflicts(q: ListQuery): Promise<{ rows: ConflictRow[]; total: number }>;
	conflictsOf(parcelId: string): Promise<ConflictRow[]>;
	/** Overlaps and gaps, newest first; `district` matches either parcel's district. */
	spatialIssues(q: ListQuery): Promise<{ rows: SpatialIssueRow[]; total: number }>;
	/** Every issue that involves one of these parcels (either side). */
	spatialIssuesOf(ids: string[]): Promise<SpatialIssueRow[]>;
	/** Replaces every issue involving `parcels` by `issues`, in one transaction. */
	replaceSpatialIssues(parcels: string[], issues: SpatialIssueRow[]): Promise<void>;
	/** Each author's last edit entry, ordered by author. */
	authorActivity(): Promise<AuthorActivityRow[]>;
	/** Remembers submissions refused for a revoked key (not derivable from the log; kept bounded). */
	recordRefusals(rows: RefusalRow[]): Promise<void>;
	/** Recorded refusals, newest first. */
	refusals(limit: number): Promise<RefusalRow[]>;
}

export type {
	AuthorActivityRow,
	ConflictRow,
	ConflictValueRow,
	ListQuery,
	ProjectionExtras,
	RefusalRow,
	SpatialIssueRow
} from './registry-types';
export type { BBox } from '../../core/record/summary';
import type { ClaimTables } from './claims-types';

export const MAX_SEARCH_LIMIT = 500;
export const MAX_LIST_LIMIT = 10_000;

export function checkLimit(limit: number, max = MAX_SEARCH_LIMIT): void {
	if (!Number.isSafeInteger(limit) || limit < 1 || limit > max) throw new RangeError(`limit must be a whole number in 1…${max}`);
}

export function checkListQuery(q: ListQuery): void {
	checkLimit(q.limit, MAX_LIST_LIMIT);
	if (!Number.isSafeInteger(q.offset) || q.offset < 0) throw new RangeError('offset must be a whole number ≥ 0');
}

export function checkSearchQuery(q: SearchQuery): void {
	checkLimit(q.limit);
	if (!Number.isSafeInteger(q.offset) || q.offset < 0) throw new RangeError('offset must be a whole number ≥ 0');
	if (q.bbox !== undefined) {
		const b = q.bbox;
		if (!Array.isArray(b) || b.length !== 4 || !b.every(Number.isFinite)) throw new RangeError('bbox must be four finite numbers');
		if (b[0] > b[2] || b[1] > b[3]) throw new RangeError('bbox must be [minLon, minLat, maxLon, maxLat] with min ≤ max');
	}
}
