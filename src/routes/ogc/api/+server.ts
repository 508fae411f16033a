import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { openApi } from '$lib/server/ogc/openapi';

export const GET = endpoint(({ url }) =>
	json(openApi(`${url.origin}/ogc`), { headers: { 'content-type': 'application/vnd.oai.openapi+json;version=3.0' } })
);
