// The claims queue from GET /api/registry/claims (staff session): filters and sort as the
// contract's ClaimQuery; rows are the public part of each claim plus its district and deadline.
// The screen's filters live in its URL (queueFilters / filterSearch), so a filtered queue can be
// reloaded, bookmarked and shared.
import { CLAIM_KINDS, OUTCOMES, type ClaimKind, type ClaimQuery, type ClaimRow, type ClaimState } from '../core/claims/types';
import { DISTRICT_PATTERN } from '../core/record/ids';
import { getJson, type Fetch } from '../client/http';

export interface ClaimsPage {
	claims: ClaimRow[];
	total: number;
}

export function claimsQuery(q: ClaimQuery): string {
	const p = new URLSearchParams();
	for (const k of ['district', 'kind', 'state', 'filedBefore', 'deadlineBefore', 'sort'] as const) if (q[k] !== undefined && q[k] !== '') p.set(k, String(q[k]));
	p.set('limit', String(q.limit ?? 50));
	p.set('offset', String(q.offset ?? 0));
	return `/api/registry/claims?${p}`;
}

export const fetchClaims = (f: Fetch, q: ClaimQuery): Promise<ClaimsPage> => getJson<ClaimsPage>(f, claimsQuery(q));

const DAY = 86_400_000;

/** Whole days since `from` at `now` (the queue's "age"). */
export const ageInDays = (from: number, now: number): number => Math.max(0, Math.floor((now - from) / DAY));

/** What the queue screen filters by, as its controls hold it (days as typed). */
export interface QueueFilters {
	district: string;
	kind: ClaimKind | '';
	/** '' is any state. */
	state: ClaimState | '';
	sort: 'filed' | 'deadline';
	/** Days: only claims filed more than this long ago ('' no limit). */
	olderThan: string;
	/** Days: only objections to a notice whose deadline is less than this far ahead, or passed ('' no limit). */
	deadlineWithin: string;
	page: number;
}

const STATES: readonly string[] = ['open', ...OUTCOMES];
const days = (raw: string | null) => (raw !== null && /^\d{1,5}(\.\d{1,6})?$/.test(raw) ? raw : '');

/** The filters a queue URL holds; anything malformed is left at its default. */
export function queueFilters(p: URLSearchParams): QueueFilters {
	const kind = p.get('kind') ?? '';
	const state = p.get('state');
	const page = Number(p.get('page'));
	return {
		district: DISTRICT_PATTERN.test(p.get('district') ?? '') ? p.get('district')! : '',
		kind: (CLAIM_KINDS as string[]).includes(kind) ? (kind as ClaimKind) : '',
		// Open claims unless the URL says otherwise; `any` is every state.
		state: state === 'any' ? '' : state !== null && STATES.includes(state) ? (state as ClaimState) : 'open',
		sort: p.get('sort') === 'deadline' ? 'deadline' : 'filed',
		olderThan: days(p.get('olderThan')),
		deadlineWithin: days(p.get('deadlineWithin')),
		page: Number.isSafeInteger(page) && page > 1 ? page : 1
	};
}

/** The URL search of these filters: only what differs from the defaults. */
export function filterSearch(f: QueueFilters): string {
	const p = new URLSearchParams();
	if (f.district) p.set('district', f.district);
	if (f.kind) p.set('kind', f.kind);
	if (f.state !== 'open') p.set('state', f.state || 'any');
	if (f.sort !== 'filed') p.set('sort', f.sort);
	if (days(f.olderThan)) p.set('olderThan', f.olderThan);
	if (days(f.deadlineWithin)) p.set('deadlineWithin', f.deadlineWithin);
	if (f.page > 1) p.set('page', String(f.page));
	const s = p.toString();
	return s ? `?${s}` : '';
}

/**
 * The API query of these filters at `now` (this device's clock, ms): "older than N days" is filed
 * before now − N days and "deadline within N days" a deadline before now + N days, both compared
 * by the server with log times.
 */
export function filterQuery(f: QueueFilters, now: number, pageSize: number): ClaimQuery {
	const at = (raw: string, sign: 1 | -1) => (days(raw) ? Math.max(0, Math.round(now + sign * Number(raw) * DAY)) : undefined);
	return {
		district: f.district || undefined,
		kind: f.kind || undefined,
		state: f.state || undefined,
		filedBefore: at(f.olderThan, -1),
		deadlineBefore: at(f.deadlineWithin, 1),
		sort: f.sort,
		limit: pageSize,
		offset: (f.page - 1) * pageSize
	};
}
