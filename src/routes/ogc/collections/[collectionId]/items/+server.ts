import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { COLLECTION, GEOJSON_TYPE, items } from '$lib/server/ogc/features';

export const GET = endpoint(async ({ url, params }, { projection }) => {
	if (params.collectionId !== COLLECTION) throw new HttpError('not-found', `no collection ${params.collectionId}`);
	return json(await items(`${url.origin}/ogc`, url, projection), { headers: { 'content-type': GEOJSON_TYPE } });
});
