// The registry workspace's part of the read model: fields of public parts that hold concurrent
// values, overlaps and gaps between neighbouring parcels introduced by geometry changes, each
// author's last edit, and submissions refused for a revoked key. All but the refusals are derived
// from the log by the Projector and rebuilt with it; refusals are what the server observed.
import type { JsonValue } from '../../core/record/json';
import type { ClaimsExtras } from './claims-types';

export type PublicPartName = 'parcel' | 'valuation' | 'title';

export interface ConflictValueRow {
	value: JsonValue;
	/** Hex actor: the first 16 bytes name the signing key, the last 8 the device (tab session). */
	actor: string;
	/** Automerge op ID, `counter@actor`. */
	opId: string;
	/** The log entry of the change that wrote this value (null if not found below the projected size). */
	index: number | null;
	/** That entry's author key (hex), claimed time and log time (ms). */
	author: string | null;
	claimedTime: number | null;
	logTime: number | null;
}

export interface ConflictRow {
	parcelId: string;
	district: string;
	part: PublicPartName;
	/** Dotted field path, as crdt/conflicts.ts listConflicts gives it. */
	path: string;
	values: ConflictValueRow[];
	/** The largest entry index among the values: the queue shows newest first. */
	lastIndex: number;
}

export type SpatialKind = 'overlap' | 'gap';

/** A pair of neighbouring parcels whose shapes overlap, or that touched and now leave a sliver. */
export interface SpatialIssueRow {
	/** The parcel whose geometry change (or creation) introduced the issue. */
	parcelId: string;
	otherId: string;
	district: string;
	otherDistrict: string;
	kind: SpatialKind;
	/** m² of the overlap, or the gap's width in m. */
	measure: number;
	/** The entry (the parcel's last public entry) at which the issue was found. */
	index: number;
}

export interface AuthorActivityRow {
	/** Hex key. */
	author: string;
	lastIndex: number;
	lastLogTime: number;
	/** The parcel of the last edit (null for key entries). */
	lastParcel: string | null;
}

/** A submission the log refused because its key was revoked, as the server saw it. */
export interface RefusalRow {
	/** Server time (ms) of the refusal. */
	at: number;
	author: string;
	parcel: string;
	part: string;
	claimedTime: number;
	code: string;
	message: string;
}

export interface ListQuery {
	district?: string;
	limit: number;
	offset: number;
}

/** Written with the rows in saveParcels' transaction. */
export interface ProjectionExtras {
	/** Conflicts of the saved rows' parcels (all of them: a parcel absent here has none). */
	conflicts?: ConflictRow[];
	/** Last edits seen in the entries this save moves the projected size past. */
	activity?: AuthorActivityRow[];
	/** Issues involving `parcels` are replaced by `issues` (as replaceSpatialIssues does). */
	spatial?: { parcels: string[]; issues: SpatialIssueRow[] };
	/** Claims and notices as replayed (claims-types.ts), kept unless a later save wrote them already. */
	claims?: ClaimsExtras;
}

export const MAX_REFUSALS_KEPT = 10_000;
