import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { landingPage } from '$lib/server/ogc/features';

export const GET = endpoint(({ url }) => json(landingPage(`${url.origin}/ogc`)));
