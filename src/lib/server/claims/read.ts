// What readers see of claims and notices (docs/protocol.md "Claims and notices", the JSON shapes
// of core/claims/types.ts): the public part only — what the entries carry, with the signers'
// granted names — from the projection (projection/claims-types.ts), states at the log's clock.
import { DISTRICT_PATTERN } from '../../core/record/ids';
import { claimState, noticeStateOf, type ClaimRecord, type NoticeRecord } from '../../core/claims/state';
import { CLAIM_KINDS, OUTCOMES, type ClaimRow, type ParcelDisputes, type PublicClaim, type PublicNotice } from '../../core/claims/types';
import type { KeyRegistry } from '../../core/log/authority';
import type { ClaimQueueQuery, ClaimTables } from '../projection/claims-types';
import type { Ledger } from '../ledger';

export interface ClaimsView {
	projection: ClaimTables;
	/** Signers' names and roles. */
	registry: KeyRegistry;
	/** The log's clock. */
	now: number;
}

/** The projection's claims, the log's key names and its clock now. */
export const claimsView = (ledger: Ledger, projection: ClaimTables): ClaimsView => ({ projection, registry: ledger.sequencer.registry, now: ledger.now() });

const who = (registry: KeyRegistry, key: string) => {
	const k = registry.get(key);
	return { key, name: k?.name ?? 'unknown key', role: k?.role ?? ('assessor' as const) };
};

export function publicClaim(registry: KeyRegistry, c: ClaimRecord): PublicClaim {
	const d = c.decision;
	const { key, name } = who(registry, d?.author ?? c.author);
	return {
		index: c.index,
		parcelId: c.parcelId,
		kind: c.claimKind,
		contested: c.contested,
		text: c.text,
		files: c.files,
		filedAt: c.filedAt,
		filedBy: who(registry, c.author),
		notice: c.notice,
		state: claimState(c),
		decision: d && { index: d.index, outcome: d.outcome, text: d.text, decidedAt: d.decidedAt, decidedBy: { key, name }, caused: d.caused }
	};
}

function publicNotice(v: ClaimsView, n: NoticeRecord, claims: ClaimRecord[]): PublicNotice {
	const { key, name } = who(v.registry, n.author);
	const open = (i: number) => claims.some((c) => c.index === i && c.decision === null);
	const { author: _a, applied: _p, ...rest } = n;
	return { ...rest, filedBy: { key, name }, state: noticeStateOf(n, open, v.now) };
}

/** GET /api/parcels/:id and /api/registry/parcels/:id add these. */
export async function parcelDisputes(v: ClaimsView, parcelId: string): Promise<ParcelDisputes> {
	const { claims, notices } = await v.projection.claimsOfParcel(parcelId);
	return {
		disputed: claims.some((c) => c.decision === null),
		claims: claims.map((c) => publicClaim(v.registry, c)),
		notices: notices.map((n) => publicNotice(v, n, claims))
	};
}

const STATES = ['open', ...OUTCOMES] as const;
export const MAX_QUEUE_PAGE = 500;

/** Parses GET /api/registry/claims's query; a message for anything it does not allow. */
export function parseClaimQuery(p: URLSearchParams): { ok: true; value: ClaimQueueQuery } | { ok: false; message: string } {
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
	const time = (name: 'filedBefore' | 'deadlineBefore') => {
		const raw = p.get(name);
		return raw === null || raw === '' ? undefined : /^(0|[1-9][0-9]{0,14})$/.test(raw) ? Number(raw) : NaN;
	};
	const filedBefore = time('filedBefore');
	const deadlineBefore = time('deadlineBefore');
	for (const [name, v] of [['filedBefore', filedBefore], ['deadlineBefore', deadlineBefore]] as const) {
		if (Number.isNaN(v)) return { ok: false, message: `${name} must be a log time in ms (a whole number)` };
	}
	const value: ClaimQueueQuery = { district, kind: kind as ClaimQueueQuery['kind'], state: state as ClaimQueueQuery['state'], filedBefore, deadlineBefore, sort, limit, offset };
	return { ok: true, value };
}

/** The registry's claims queue: filtered, sorted (age, or soonest notice deadline), one page. */
export async function claimsQueue(v: ClaimsView, q: ClaimQueueQuery): Promise<{ claims: ClaimRow[]; total: number }> {
	const { rows, total } = await v.projection.claimQueue(q);
	return { claims: rows.map((r) => ({ ...publicClaim(v.registry, r.claim), district: r.district, deadline: r.deadline })), total };
}
