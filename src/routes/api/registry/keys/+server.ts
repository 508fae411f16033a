import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { requireRegistrar } from '$lib/server/http/access';
import { keysAnswer } from '$lib/server/registry/keys';

/** GET /api/registry/keys — key entries, last edits and refusals of revoked keys (registrars only). */
export const GET = endpoint(async ({ locals }, { ledger, projection }) => {
	requireRegistrar(locals.editor);
	return json(await keysAnswer(ledger, projection), { headers: { 'cache-control': 'no-store' } });
});
