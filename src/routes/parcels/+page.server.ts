import type { PageServerLoad } from './$types';
import { runtime } from '$lib/server/runtime';
import { featuresOf } from '$lib/server/public/geojson';
import { parseSearchParams, publicSearch } from '$lib/server/public/search';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async ({ url }) => {
	const { projection } = await runtime();
	const districts = await projection.districts();
	const parsed = parseSearchParams(url, PAGE_SIZE);
	if (!parsed.ok) return { districts, problem: parsed.message, params: null, result: null };
	const params = { ...parsed.value, size: PAGE_SIZE };
	if (!params.q && !params.district && !params.bbox) return { districts, problem: null, params, result: null };
	const r = await publicSearch(projection, params);
	const features = await featuresOf(projection, r.rows);
	const disputed = await projection.disputedAmong(r.rows.map((row) => row.id));
	return {
		districts,
		problem: null,
		params,
		// "Disputed" beside each hit: an open claim, as /api/parcels says it.
		result: { rows: r.rows.map((row) => ({ ...row, disputed: disputed.has(row.id) })), total: r.total, pages: r.pages, relaxedQuery: r.relaxedQuery, features: features.features }
	};
};
