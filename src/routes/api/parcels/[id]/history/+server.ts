import { json } from '@sveltejs/kit';
import { isParcelId } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { parcelHistory } from '$lib/server/public/history';
import { parcelLog } from '$lib/server/public/parcel-log';

/** GET /api/parcels/<id>/history — the public history as of the current checkpoint. */
export const GET = endpoint(async ({ params }, { ledger }) => {
	const id = params.id ?? '';
	if (!isParcelId(id)) throw new HttpError('bad-request', `${JSON.stringify(id.slice(0, 40))} is not a parcel id`);
	const log = await parcelLog(ledger, id);
	if (log.entries.length === 0) throw new HttpError('not-found', `the log holds no entry for ${id}`);
	return json({ parcel: id, checkpoint: log.checkpoint, treeSize: log.size, history: await parcelHistory(ledger, log) });
});
