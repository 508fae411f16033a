import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { mapProofAnswer, mapQuery } from '$lib/server/map/read';

/**
 * GET /api/map?parcels=ID,ID,… (1–1,000 ids) or ?district=D — a proof of every parcel-map leaf of
 * those parcels (or of the district) at the head: {size, checkpoint, proof} of one version, the
 * proof to check against the checkpoint's map line (docs/protocol.md "Parcel map").
 */
export const GET = endpoint(({ url }, rt) => json(mapProofAnswer(rt.ledger.mapVersion(), mapQuery(url))));
