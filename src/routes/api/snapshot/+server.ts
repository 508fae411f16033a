import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { errorResponse } from '$lib/server/http/respond';
import { mayReadPrivate } from '$lib/server/http/access';
import { purposeOf, recordAccess } from '$lib/server/privacy/access-log';
import { snapshotPage, snapshotQuery, SnapshotNotReady } from '$lib/server/field/snapshot';

/**
 * GET /api/snapshot — the districts; GET /api/snapshot?district=RIV&after=<parcel id>&limit=N — a
 * page of a district for a fresh device (docs/protocol.md "Snapshot"), at one retained parcel-map
 * version: its size, its signed checkpoint, change bytes cut at that size and a map proof of the
 * page. Logic in $lib/server/field/snapshot.ts. Documents are never materialized here.
 */
export const GET = endpoint(async ({ url, locals, request }, rt) => {
	// Without a district: which districts there are, and how many parcels each has.
	if (!url.searchParams.has('district')) return json({ districts: await rt.projection.districts() });
	const q = snapshotQuery(url);
	// Private bodies leave only once the log records who read them (a district-wide access),
	// recorded before anything is read.
	const privateOk = mayReadPrivate(locals.editor, `${q.district}-0`);
	if (locals.editor && privateOk) await recordAccess(rt, locals.editor, [q.district], purposeOf(request, locals.editor));
	try {
		return json(await snapshotPage(rt, q, privateOk));
	} catch (e) {
		if (e instanceof SnapshotNotReady) return errorResponse('unavailable', e.message, 503, { 'retry-after': String(e.retryAfterSeconds) });
		throw e;
	}
});
