import { json } from '@sveltejs/kit';
import { isParcelId } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { claimsView, parcelDisputes } from '$lib/server/claims/read';

/**
 * GET /api/parcels/<id> — the public record of one parcel (the projection: public parts only),
 * with its claims and notices (`disputed`, `claims`, `notices`: docs/protocol.md "Claims and notices").
 */
export const GET = endpoint(async ({ params }, { projection, ledger }) => {
	const id = params.id ?? '';
	if (!isParcelId(id)) throw new HttpError('bad-request', `${JSON.stringify(id.slice(0, 40))} is not a parcel id`);
	const row = await projection.getParcel(id);
	if (!row) throw new HttpError('not-found', `no parcel ${id} in the public register`);
	return json({ ...row, ...(await parcelDisputes(claimsView(ledger, projection), id)) });
});
