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
	return {
		districts,
		problem: null,
		params,
		result: { rows: r.rows, total: r.total, pages: r.pages, relaxedQuery: r.relaxedQuery, features: features.features }
	};
};
