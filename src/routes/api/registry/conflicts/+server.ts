import { json } from '@sveltejs/kit';
import { DISTRICT_PATTERN, isParcelId } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { requireRegistrar } from '$lib/server/http/access';
import { HttpError, intParam } from '$lib/server/http/respond';
import { conflictQueue, describeValues } from '$lib/server/registry/queue';
import { attachValueFiles } from '$lib/server/registry/value-files';

/**
 * GET /api/registry/conflicts?district=&limit=&offset= — the conflict queue, newest first, and the
 * spatial issues; ?parcel=<id> — one parcel's (registrars only). Each value names the files its
 * change attached (`files`, when any).
 */
export const GET = endpoint(async ({ url, locals }, { ledger, projection }) => {
	requireRegistrar(locals.editor);
	const headers = { 'cache-control': 'no-store' };
	const meta = { projectedSize: await projection.projectedSize(), treeSize: ledger.sequencer.size };
	const parcel = url.searchParams.get('parcel');
	if (parcel !== null) {
		if (!isParcelId(parcel)) throw new HttpError('bad-request', 'parcel must be a parcel id like RIV-000123');
		const [conflicts, spatial] = await Promise.all([projection.conflictsOf(parcel), projection.spatialIssuesOf([parcel])]);
		const items = conflicts.map((c) => describeValues(c, ledger.sequencer.registry));
		await attachValueFiles(items, ledger.store);
		return json({ conflicts: items, total: items.length, spatial, spatialTotal: spatial.length, ...meta }, { headers });
	}
	const district = url.searchParams.get('district') || undefined;
	if (district !== undefined && !DISTRICT_PATTERN.test(district)) throw new HttpError('bad-request', 'district must be a district code like RIV');
	const limit = Math.min(intParam(url, 'limit', 100), 1000);
	if (limit < 1) throw new HttpError('bad-request', 'limit must be at least 1');
	const queue = await conflictQueue(projection, ledger.sequencer.registry, { district, limit, offset: intParam(url, 'offset', 0) });
	await attachValueFiles(queue.conflicts, ledger.store);
	return json({ ...queue, ...meta }, { headers });
});
