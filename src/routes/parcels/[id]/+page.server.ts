import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { isParcelId } from '$lib/core/record/ids';
import { runtime } from '$lib/server/runtime';
import { surroundings } from '$lib/server/public/geojson';
import { loadParcelPage } from '$lib/server/public/parcel-page';
import { claimsView, parcelDisputes } from '$lib/server/claims/read';

export const load: PageServerLoad = async ({ params }) => {
	if (!isParcelId(params.id)) error(404, `${params.id.slice(0, 40)} is not a parcel number such as RIV-000123`);
	const rt = await runtime();
	const page = await loadParcelPage(rt, params.id);
	if (!page) error(404, `There is no parcel ${params.id} in the public register.`);
	const map = page.bbox ? (await surroundings(rt.projection, page.bbox)).features : [];
	return { ...page, map, disputes: await parcelDisputes(claimsView(rt.ledger, rt.projection), params.id) };
};
