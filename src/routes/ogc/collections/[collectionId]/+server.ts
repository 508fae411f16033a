import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { collection, COLLECTION } from '$lib/server/ogc/features';

export const GET = endpoint(async ({ url, params }, { projection }) => {
	if (params.collectionId !== COLLECTION) throw new HttpError('not-found', `no collection ${params.collectionId}; there is ${COLLECTION}`);
	return json(await collection(`${url.origin}/ogc`, projection));
});
