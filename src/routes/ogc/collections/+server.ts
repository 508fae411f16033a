import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { collection } from '$lib/server/ogc/features';

export const GET = endpoint(async ({ url }, { projection }) => {
	const base = `${url.origin}/ogc`;
	return json({
		links: [{ href: `${base}/collections`, rel: 'self', type: 'application/json' }],
		collections: [await collection(base, projection)]
	});
});
