import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { CONFORMANCE } from '$lib/server/ogc/features';

export const GET = endpoint(() => json({ conformsTo: CONFORMANCE }));
