// Claims, objections and public notices (issue 21): the shapes every layer shares. Claims are log
// entries of their own (docs/protocol.md "Claims and notices"), not fields of a parcel part: a
// dispute has a state and a deadline, and the log must prove when it was filed and decided.
//
// Entry bodies (binary encoding in core/log/entry.ts):
//   kind 6 claim:    str8 parcelId ‖ u8 claimKind ‖ u8 n (0–16) ‖ n × str8 contested
//                    ‖ u8 hasNotice ‖ [u64 noticeIndex] ‖ str16 text ‖ u8 m (0–16) ‖ m × (sha256[32] ‖ u64 size)
//   kind 7 decision: str8 parcelId ‖ u64 claimIndex ‖ u8 outcome ‖ str16 text ‖ u8 n (0–100) ‖ n × changeHash[32]
//   kind 8 notice:   str8 parcelId ‖ u8 part ‖ changeHash[32] ‖ u64 deadline ‖ str16 text
// then, as for every kind, author[32] ‖ u64 claimedTime.

/** What a claim contests. Codes are the binary encoding. */
export const CLAIM_KIND_CODES = Object.freeze({ boundary: 1, ownership: 2, charge: 3, other: 4 } as const);
export type ClaimKind = keyof typeof CLAIM_KIND_CODES;
export const CLAIM_KINDS = Object.keys(CLAIM_KIND_CODES) as ClaimKind[];

/** How a registrar decided a claim. Codes are the binary encoding. */
export const OUTCOME_CODES = Object.freeze({ upheld: 1, rejected: 2, withdrawn: 3 } as const);
export type Outcome = keyof typeof OUTCOME_CODES;
export const OUTCOMES = Object.keys(OUTCOME_CODES) as Outcome[];

/** Parts a notice may hold a change of: boundaries (parcel) and rights (title). */
export const NOTICE_PARTS = Object.freeze(['parcel', 'title'] as const);
export type NoticePart = (typeof NOTICE_PARTS)[number];

/**
 * A contested field: `part` or `part.field` (e.g. `parcel.geometry`, `title.owners`), part one of
 * the four part names and field `[A-Za-z][A-Za-z0-9]{0,39}`.
 */
export const CONTESTED_PATTERN = /^(parcel|valuation|title|private)(\.[A-Za-z][A-Za-z0-9]{0,39})?$/;

/** A file given as evidence, by content (uploaded like an edit's files, bound to the claim entry). */
export interface EvidenceFile {
	/** SHA-256 of the bytes, lower-case hex. */
	hash: string;
	size: number;
}

export type ClaimState = 'open' | Outcome;

/** The public part of a claim: everything in its entry and its decision's entry (entries are public). */
export interface PublicClaim {
	/** The claim entry's index: its identifier. */
	index: number;
	parcelId: string;
	kind: ClaimKind;
	contested: string[];
	text: string;
	files: EvidenceFile[];
	/** Log time of the claim entry, ms. The log's clock, never the device's. */
	filedAt: number;
	/** The key that signed it (a registrar filing for a person, or an assessor from the field). */
	filedBy: { key: string; name: string; role: 'assessor' | 'registrar' };
	/** The notice this claim objects to (an entry index), or null. */
	notice: number | null;
	state: ClaimState;
	decision: {
		index: number;
		outcome: Outcome;
		text: string;
		decidedAt: number;
		decidedBy: { key: string; name: string };
		/** Change hashes (hex) of the edits the decision caused. */
		caused: string[];
	} | null;
}

/**
 * A pending change on public notice. `open` until the deadline; then `blocked` while an objection
 * filed before the deadline is undecided, else `closed` (the change may be logged as an edit);
 * `applied` once an edit logging that change exists.
 */
export type NoticeState = 'open' | 'blocked' | 'closed' | 'applied';

export interface PublicNotice {
	index: number;
	parcelId: string;
	part: NoticePart;
	/** The pending change's SHA-256 (hex); its bytes travel with the notice and are served like any change of the part. */
	changeHash: string;
	/** Log time (ms) before which objections may be filed. */
	deadline: number;
	text: string;
	filedAt: number;
	filedBy: { key: string; name: string };
	state: NoticeState;
	/** Indexes of the claims objecting to it. */
	objections: number[];
}

/** What a parcel's public answer says of its disputes (GET /api/parcels/:id adds these). */
export interface ParcelDisputes {
	/** True when a claim of the parcel is open. */
	disputed: boolean;
	claims: PublicClaim[];
	notices: PublicNotice[];
}

/** GET /api/registry/claims query (staff only): every filter optional. */
export interface ClaimQuery {
	district?: string;
	kind?: ClaimKind;
	state?: ClaimState;
	/** Log time (ms): only claims filed before it ("older than N days"). */
	filedBefore?: number;
	/** Log time (ms): only claims objecting to a notice whose deadline is before it ("deadline within N days"). */
	deadlineBefore?: number;
	/** `filed` oldest first (age), `deadline` soonest notice deadline first. */
	sort?: 'filed' | 'deadline';
	limit?: number;
	offset?: number;
}

/** One row of the registry's claims queue. */
export interface ClaimRow extends PublicClaim {
	district: string;
	/** Deadline of the notice it objects to, if any. */
	deadline: number | null;
}
