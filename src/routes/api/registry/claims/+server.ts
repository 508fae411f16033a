import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { requireRegistrar } from '$lib/server/http/access';
import { HttpError } from '$lib/server/http/respond';
import { claimsQueue, claimsView, parseClaimQuery } from '$lib/server/claims/read';

/**
 * GET /api/registry/claims?district=&kind=&state=&filedBefore=&deadlineBefore=&sort=filed|deadline&limit=&offset= — the
 * queue (registrars only): `{ claims: ClaimRow[], total }` (docs/protocol.md "Claims and notices").
 */
export const GET = endpoint(async ({ url, locals }, { ledger, projection }) => {
	requireRegistrar(locals.editor);
	const q = parseClaimQuery(url.searchParams);
	if (!q.ok) throw new HttpError('bad-request', q.message);
	return json(await claimsQueue(claimsView(ledger, projection), q.value), { headers: { 'cache-control': 'no-store' } });
});
