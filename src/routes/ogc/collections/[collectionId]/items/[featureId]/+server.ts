import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { COLLECTION, feature, GEOJSON_TYPE } from '$lib/server/ogc/features';

export const GET = endpoint(async ({ url, params }, { projection }) => {
	if (params.collectionId !== COLLECTION) throw new HttpError('not-found', `no collection ${params.collectionId}`);
	const row = await projection.getParcel(params.featureId ?? '');
	if (!row) throw new HttpError('not-found', `no parcel ${params.featureId}`);
	const base = `${url.origin}/ogc/collections/${COLLECTION}`;
	return json(
		{
			...feature(row),
			links: [
				{ href: `${base}/items/${row.id}`, rel: 'self', type: GEOJSON_TYPE },
				{ href: base, rel: 'collection', type: 'application/json' },
				{ href: `${url.origin}/parcels/${row.id}`, rel: 'alternate', type: 'text/html', title: 'The parcel page with its verified history' }
			]
		},
		{ headers: { 'content-type': GEOJSON_TYPE } }
	);
});
