import { isParcelId } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { buildExtract } from '$lib/server/public/extract';
import { formatPolicy } from '$lib/core/witness/policy';

/** GET /api/parcels/<id>/extract — the verifiable extract (docs/protocol.md "Extracts"), as a download. */
export const GET = endpoint(async ({ params }, { ledger, witnessing }) => {
	const id = params.id ?? '';
	if (!isParcelId(id)) throw new HttpError('bad-request', `${JSON.stringify(id.slice(0, 40))} is not a parcel id`);
	const { policy } = witnessing;
	const extract = await buildExtract(ledger, id, policy.witnesses.length ? formatPolicy(policy, { urls: false }) : undefined);
	if (!extract) throw new HttpError('not-found', `the log holds no public record of ${id}`);
	return new Response(JSON.stringify(extract, null, 1) + '\n', {
		headers: {
			'content-type': 'application/json; charset=utf-8',
			'content-disposition': `attachment; filename="${id}.extract.json"`,
			'cache-control': 'no-store'
		}
	});
});
