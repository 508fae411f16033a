import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { requireRegistrar } from '$lib/server/http/access';
import { HttpError, readJson } from '$lib/server/http/respond';
import { ParcelIds, parseWire } from '$lib/server/http/wire';

/** POST /api/registry/exists {ids} — which of these parcels are registered already (for imports). */
export const POST = endpoint(async ({ request, locals }, { projection }) => {
	requireRegistrar(locals.editor);
	const parsed = parseWire(ParcelIds, await readJson(request, 1_000_000));
	if (!parsed.ok) throw new HttpError('malformed', parsed.message);
	const ids = [...new Set(parsed.value.ids)];
	const existing: string[] = [];
	for (let i = 0; i < ids.length; i += 5000) existing.push(...(await projection.getParcels(ids.slice(i, i + 5000))).map((r) => r.id));
	return json({ existing });
});
