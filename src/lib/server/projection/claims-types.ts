// The claims part of the read model (docs/protocol.md "Claims and notices"): each claim and notice
// as core/claims/state.ts replays it, by entry index, queryable by parcel and for the registry's
// queue. Derived from the log by the Projector and rebuilt with it.
import type { ClaimRecord, NoticeRecord } from '../../core/claims/state';
import type { ClaimKind, ClaimState } from '../../core/claims/types';

export type { ClaimRecord, NoticeRecord };

/** Written in saveParcels' transaction: replaces the rows of these indexes, unless a later save already did. */
export interface ClaimsExtras {
	claims: ClaimRecord[];
	notices: NoticeRecord[];
}

export interface ClaimQueueQuery {
	district?: string;
	kind?: ClaimKind;
	state?: ClaimState;
	/** Log time (ms): only claims filed before it. */
	filedBefore?: number;
	/** Log time (ms): only claims objecting to a notice whose deadline is before it. */
	deadlineBefore?: number;
	/** `filed`: oldest first; `deadline`: soonest deadline of the notice objected to first, then the rest. */
	sort: 'filed' | 'deadline';
	limit: number;
	offset: number;
}

export interface ClaimQueueRow {
	claim: ClaimRecord;
	district: string;
	/** Deadline of the notice it objects to, or null. */
	deadline: number | null;
}

export interface ClaimTables {
	/** A parcel's claims and notices, in index order. */
	claimsOfParcel(parcelId: string): Promise<{ claims: ClaimRecord[]; notices: NoticeRecord[] }>;
	claimQueue(q: ClaimQueueQuery): Promise<{ rows: ClaimQueueRow[]; total: number }>;
	/** Which of these parcels have an open claim ("disputed"). */
	disputedAmong(ids: string[]): Promise<Set<string>>;
}

/** The indexed columns of a claim row and its JSON body (the record itself). */
export function claimToDb(c: ClaimRecord, deadline: number | null, asOf: number) {
	return {
		idx: c.index,
		parcel_id: c.parcelId,
		district: c.parcelId.split('-')[0],
		kind: c.claimKind,
		state: c.decision?.outcome ?? 'open',
		deadline,
		as_of: asOf,
		body: JSON.stringify(c)
	};
}

export const noticeToDb = (n: NoticeRecord, asOf: number) => ({ idx: n.index, parcel_id: n.parcelId, as_of: asOf, body: JSON.stringify(n) });

/**
 * The queue's WHERE clause and ORDER BY; `ph(n)` is the n-th (1-based) placeholder (`?` or `$n`),
 * `filedAt` the dialect's expression for the body's filing time (kept in the body only, not a column).
 */
export function queueSql(q: ClaimQueueQuery, ph: (n: number) => string, filedAt: string): { where: string; values: (string | number)[]; order: string } {
	const conds: string[] = [];
	const values: (string | number)[] = [];
	const add = (sql: string, v: string | number | undefined) => {
		if (v === undefined) return;
		values.push(v);
		conds.push(`${sql} ${ph(values.length)}`);
	};
	for (const k of ['district', 'kind', 'state'] as const) add(`${k} =`, q[k]);
	add(`${filedAt} <`, q.filedBefore);
	// A claim objecting to no notice has a NULL deadline, so this leaves it out.
	add('deadline <', q.deadlineBefore);
	return {
		where: conds.length ? `WHERE ${conds.join(' AND ')}` : '',
		values,
		order: q.sort === 'deadline' ? 'ORDER BY deadline ASC NULLS LAST, idx' : 'ORDER BY idx'
	};
}

export function checkQueueQuery(q: ClaimQueueQuery): void {
	if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > 1000) throw new RangeError('limit must be a whole number in 1…1000');
	if (!Number.isSafeInteger(q.offset) || q.offset < 0) throw new RangeError('offset must be a whole number ≥ 0');
	for (const k of ['filedBefore', 'deadlineBefore'] as const) {
		const v = q[k];
		if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new RangeError(`${k} must be a whole number of ms ≥ 0`);
	}
}
