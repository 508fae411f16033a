// What readers see of claims and notices (docs/protocol.md "Claims and notices", the JSON shapes
// of core/claims/types.ts): the public part only — what the entries carry, with the signers'
// granted names — from the sequencer's ClaimLedger at the committed head, states at the log's clock.
import { districtOf, DISTRICT_PATTERN } from '../../core/record/ids';
import { claimState, type ClaimLedger, type ClaimRecord, type NoticeRecord } from '../../core/claims/state';
import { CLAIM_KINDS, OUTCOMES, type ClaimQuery, type ClaimRow, type ParcelDisputes, type PublicClaim, type PublicNotice } from '../../core/claims/types';
import type { KeyRegistry } from '../../core/log/authority';
import type { Ledger } from '../ledger';

export interface ClaimsView {
	claims: ClaimLedger;
	registry: KeyRegistry;
	/** The log's clock. */
	now: number;
}

/** The committed claims and key names, at the log's clock now. */
export const claimsView = (ledger: Ledger): ClaimsView => ({ claims: ledger.sequencer.claims, registry: ledger.sequencer.registry, now: ledger.now() });

const who = (registry: KeyRegistry, key: string) => {
	const k = registry.get(key);
	return { key, name: k?.name ?? 'unknown key', role: k?.role ?? ('assessor' as const) };
};

export function publicClaim(v: ClaimsView, c: ClaimRecord): PublicClaim {
	const d = c.decision;
	const { key, name } = who(v.registry, d?.author ?? c.author);
	return {
		index: c.index,
		parcelId: c.parcelId,
		kind: c.claimKind,
		contested: [...c.contested],
		text: c.text,
		files: c.files.map((f) => ({ ...f })),
		filedAt: c.filedAt,
		filedBy: who(v.registry, c.author),
		notice: c.notice,
		state: claimState(c),
		decision: d && { index: d.index, outcome: d.outcome, text: d.text, decidedAt: d.decidedAt, decidedBy: { key, name }, caused: [...d.caused] }
	};
}

export function publicNotice(v: ClaimsView, n: NoticeRecord): PublicNotice {
	const { key, name } = who(v.registry, n.author);
	return {
		index: n.index,
		parcelId: n.parcelId,
		part: n.part,
		changeHash: n.changeHash,
		deadline: n.deadline,
		text: n.text,
		filedAt: n.filedAt,
		filedBy: { key, name },
		state: v.claims.noticeState(n, v.now),
		objections: [...n.objections]
	};
}

/** GET /api/parcels/:id and /api/registry/parcels/:id add these. */
export function parcelDisputes(v: ClaimsView, parcelId: string): ParcelDisputes {
	return {
		disputed: v.claims.disputed(parcelId),
		claims: v.claims.claimsOf(parcelId).map((c) => publicClaim(v, c)),
		notices: v.claims.noticesOf(parcelId).map((n) => publicNotice(v, n))
	};
}

const STATES = ['open', ...OUTCOMES] as const;
export const MAX_QUEUE_PAGE = 500;

/** Parses GET /api/registry/claims's query; a message for anything it does not allow. */
export function parseClaimQuery(p: URLSearchParams): { ok: true; value: Required<Pick<ClaimQuery, 'limit' | 'offset' | 'sort'>> & ClaimQuery } | { ok: false; message: string } {
	const district = p.get('district') || undefined;
	if (district !== undefined && !DISTRICT_PATTERN.test(district)) return { ok: false, message: 'district must be a district code like RIV' };
	const kind = p.get('kind') || undefined;
	if (kind !== undefined && !(CLAIM_KINDS as string[]).includes(kind)) return { ok: false, message: `kind must be one of ${CLAIM_KINDS.join(', ')}` };
	const state = p.get('state') || undefined;
	if (state !== undefined && !(STATES as readonly string[]).includes(state)) return { ok: false, message: `state must be one of ${STATES.join(', ')}` };
	const sort = p.get('sort') || 'filed';
	if (sort !== 'filed' && sort !== 'deadline') return { ok: false, message: 'sort must be filed or deadline' };
	const int = (name: string, fallback: number) => {
		const raw = p.get(name);
		return raw === null || raw === '' ? fallback : /^(0|[1-9][0-9]{0,8})$/.test(raw) ? Number(raw) : NaN;
	};
	const limit = int('limit', 50);
	const offset = int('offset', 0);
	if (!(limit >= 1 && limit <= MAX_QUEUE_PAGE)) return { ok: false, message: `limit must be 1–${MAX_QUEUE_PAGE}` };
	if (!(offset >= 0)) return { ok: false, message: 'offset must be a non-negative integer' };
	return { ok: true, value: { district, kind: kind as ClaimQuery['kind'], state: state as ClaimQuery['state'], sort, limit, offset } };
}

/** The registry's claims queue: filtered, sorted (age, or soonest notice deadline), one page. */
export function claimsQueue(v: ClaimsView, q: ClaimQuery & { limit: number; offset: number }): { claims: ClaimRow[]; total: number } {
	const rows: ClaimRow[] = v.claims
		.allClaims()
		.map((c) => ({ ...publicClaim(v, c), district: districtOf(c.parcelId) ?? '', deadline: c.notice === null ? null : (v.claims.notice(c.notice)?.deadline ?? null) }))
		.filter((r) => (!q.district || r.district === q.district) && (!q.kind || r.kind === q.kind) && (!q.state || r.state === q.state));
	const last = Number.MAX_SAFE_INTEGER;
	if (q.sort === 'deadline') rows.sort((a, b) => (a.deadline ?? last) - (b.deadline ?? last) || a.index - b.index);
	else rows.sort((a, b) => a.index - b.index);
	return { claims: rows.slice(q.offset, q.offset + q.limit), total: rows.length };
}
