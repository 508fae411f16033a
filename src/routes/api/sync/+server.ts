import { json } from '@sveltejs/kit';
import { purposeOf, recordAccess } from '$lib/server/privacy/access-log';
import { endpoint } from '$lib/server/http/endpoint';
import { syncAnswer, syncQuery } from '$lib/server/field/sync';

/**
 * GET /api/sync?districts=RIV,NORTH&since=N&limit=L — the entries a field device follows (edits
 * of its districts and every key entry) from index N, with their change bodies in one response,
 * and each district's parcel-map path at the answer's checkpoint. Private-part bodies are
 * included only for a signed-in editor of that district. Logic in $lib/server/field/sync.ts.
 */
export const GET = endpoint(async ({ url, locals, request }, rt) => {
	const { body, privateDistricts } = await syncAnswer(rt.ledger, syncQuery(url), locals.editor);
	// Private bodies leave only once the log records who read them (a district-wide access).
	if (locals.editor && privateDistricts.length) await recordAccess(rt, locals.editor, privateDistricts, purposeOf(request, locals.editor));
	return json(body);
});
