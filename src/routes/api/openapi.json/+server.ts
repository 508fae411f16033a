import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/http/openapi';

/** GET /api/openapi.json: the OpenAPI description of the HTTP API (src/lib/server/http/openapi.ts). */
export const GET = () => json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
