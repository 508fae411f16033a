import { json } from '@sveltejs/kit';
import { isParcelId } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { requireRegistrar } from '$lib/server/http/access';
import { HttpError } from '$lib/server/http/respond';
import { parcelBundle } from '$lib/server/registry/parcel-bundle';
import { claimsView, parcelDisputes } from '$lib/server/claims/read';

/**
 * GET /api/registry/parcels/<id> — the parcel's entries with inclusion proofs and change bodies
 * (registrars only; reading private bodies is recorded in the log first, purpose in `x-purpose`;
 * `?private=no` leaves them out).
 */
export const GET = endpoint(async ({ params, locals, request, url }, rt) => {
	const editor = requireRegistrar(locals.editor);
	const id = params.id ?? '';
	if (!isParcelId(id)) throw new HttpError('bad-request', `${JSON.stringify(id.slice(0, 40))} is not a parcel id`);
	// ?private=no: public parts only (resolving a public conflict reads nothing private).
	const bundle = await parcelBundle(rt, request, id, editor, url.searchParams.get('private') !== 'no');
	if (bundle.entries.length === 0) throw new HttpError('not-found', `the log holds no entry for ${id}`);
	const { claims, notices } = await parcelDisputes(claimsView(rt.ledger, rt.projection), id);
	return json({ ...bundle, claims, notices }, { headers: { 'cache-control': 'private, no-store' } });
});
