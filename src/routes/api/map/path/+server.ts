import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { districtParam, mapPathAnswer } from '$lib/server/map/read';

/**
 * GET /api/map/path?district=D — the district's sibling path in the parcel map at the head
 * (lowest first; null when the district has no key), with the size and checkpoint of that version.
 */
export const GET = endpoint(({ url }, rt) => json(mapPathAnswer(rt.ledger.mapVersion(), districtParam(url))));
