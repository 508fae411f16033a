// The claims queue from GET /api/registry/claims (staff session): filters and sort as the
// contract's ClaimQuery; rows are the public part of each claim plus its district and deadline.
import type { ClaimQuery, ClaimRow } from '../core/claims/types';
import { getJson, type Fetch } from '../client/http';

export interface ClaimsPage {
	claims: ClaimRow[];
	total: number;
}

export function claimsQuery(q: ClaimQuery): string {
	const p = new URLSearchParams();
	for (const k of ['district', 'kind', 'state', 'sort'] as const) if (q[k]) p.set(k, q[k]);
	p.set('limit', String(q.limit ?? 50));
	p.set('offset', String(q.offset ?? 0));
	return `/api/registry/claims?${p}`;
}

export const fetchClaims = (f: Fetch, q: ClaimQuery): Promise<ClaimsPage> => getJson<ClaimsPage>(f, claimsQuery(q));

/** Whole days since `from` at `now` (the queue's "age"). */
export const ageInDays = (from: number, now: number): number => Math.max(0, Math.floor((now - from) / 86_400_000));
