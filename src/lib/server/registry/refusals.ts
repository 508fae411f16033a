// Submissions refused because their key was revoked never enter the log, so only the server
// sees them. POST /api/edits hands each answer that was not all-accepted here, and the refusals
// for revoked keys are remembered (projection table refused_submissions) for the Keys page.
import type { ProjectionStore } from '../projection/types';
import type { RefusalRow } from '../projection/registry-types';

interface Answer {
	results?: { status: string; code?: string; message?: string }[];
}

interface Item {
	parcel?: unknown;
	part?: unknown;
	author?: unknown;
	claimedTime?: unknown;
}

/** The refusals for revoked keys in one request/answer pair (items and results are in order). */
export function revokedRefusals(body: unknown, answer: unknown, at: number): RefusalRow[] {
	const items = (body as { edits?: Item[] } | null)?.edits;
	const results = (answer as Answer | null)?.results;
	if (!Array.isArray(items) || !Array.isArray(results) || items.length !== results.length) return [];
	const out: RefusalRow[] = [];
	results.forEach((r, i) => {
		const it = items[i];
		if (r.status !== 'refused' || r.code !== 'revoked-key') return;
		if (typeof it.author !== 'string' || typeof it.parcel !== 'string' || typeof it.part !== 'string') return;
		out.push({
			at,
			author: it.author.slice(0, 64),
			parcel: it.parcel.slice(0, 40),
			part: it.part.slice(0, 16),
			claimedTime: typeof it.claimedTime === 'number' && Number.isSafeInteger(it.claimedTime) ? it.claimedTime : 0,
			code: r.code,
			message: String(r.message ?? '').slice(0, 1000)
		});
	});
	return out;
}

/**
 * Observes an /api/edits answer: when some items were refused with 403 (revoked-key is one of
 * those), records the refusals for revoked keys from the parsed request and the answer. Call it
 * without awaiting. Never fails the request it observes.
 */
export async function observeRefusals(body: unknown, answer: unknown, status: number, projection: ProjectionStore): Promise<void> {
	if (status !== 207 && status !== 403) return;
	try {
		const rows = revokedRefusals(body, answer, Date.now());
		if (rows.length) await projection.recordRefusals(rows);
	} catch (e) {
		console.warn('[registry] could not record refusals:', (e as Error).message);
	}
}
