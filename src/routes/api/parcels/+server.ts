import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { featuresOf } from '$lib/server/public/geojson';
import { parseSearchParams, publicSearch } from '$lib/server/public/search';

/**
 * GET /api/parcels?q=&district=&bbox=&page=&size= — a GeoJSON FeatureCollection of public fields;
 * each hit's `disputed` says whether a claim of it is open.
 */
export const GET = endpoint(async ({ url }, { projection }) => {
	const parsed = parseSearchParams(url);
	if (!parsed.ok) throw new HttpError('bad-request', parsed.message);
	const r = await publicSearch(projection, parsed.value);
	const features = await featuresOf(projection, r.rows);
	const disputed = await projection.disputedAmong(features.features.map((f) => f.id));
	for (const f of features.features) f.properties.disputed = disputed.has(f.id);
	const { page, size } = r.params;
	return json({ ...features, total: r.total, page, size, pages: r.pages, relaxedQuery: r.relaxedQuery });
});
