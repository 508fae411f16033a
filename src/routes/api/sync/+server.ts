import { json } from '@sveltejs/kit';
import { toBase64, toHex } from '$lib/core/bytes';
import { DISTRICT_PATTERN, districtOf } from '$lib/core/record/ids';
import { purposeOf, recordAccess } from '$lib/server/privacy/access-log';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError, intParam } from '$lib/server/http/respond';
import { entryJson } from '$lib/server/http/entries-json';
import { mayReadPrivate } from '$lib/server/http/access';

const MAX_LIMIT = 2000;

/**
 * GET /api/sync?districts=RIV,NORTH&since=N&limit=L — the entries a field device follows (edits
 * of its districts and every key entry) from index N, with their change bodies in one response.
 * Private-part bodies are included only for a signed-in editor of that district.
 */
export const GET = endpoint(async ({ url, locals, request }, rt) => {
	const { ledger } = rt;
	const districts = (url.searchParams.get('districts') ?? '').split(',').filter(Boolean);
	if (!districts.length || districts.some((d) => !DISTRICT_PATTERN.test(d))) {
		throw new HttpError('bad-request', 'districts must be a comma-separated list like RIV,NORTH');
	}
	const since = intParam(url, 'since', 0);
	const limit = Math.min(intParam(url, 'limit', 500), MAX_LIMIT);
	const size = ledger.sequencer.size;
	const checkpoint = ledger.sequencer.checkpoint;
	const stored = (await ledger.store.entriesForDistricts(districts, since, limit)).filter((e) => e.index < size);
	const entries = stored.map(entryJson);
	const changes: Record<string, string> = {};
	const withheld: string[] = [];
	const erased: string[] = [];
	const privateDistricts = new Set<string>();
	const wanted: Uint8Array[] = [];
	for (const e of entries) {
		if (e.kind !== 'edit' || !e.changeHash) continue;
		if (e.part === 'private' && !mayReadPrivate(locals.editor, e.parcel!)) withheld.push(e.changeHash);
		else wanted.push(Uint8Array.from(Buffer.from(e.changeHash, 'hex')));
	}
	for (const c of await ledger.store.readChanges(wanted)) {
		if (c.erased) erased.push(toHex(c.hash));
		else {
			changes[toHex(c.hash)] = toBase64(c.body);
			if (c.part === 'private') privateDistricts.add(districtOf(c.parcel)!);
		}
	}
	// Private bodies leave only once the log records who read them (a district-wide access).
	if (locals.editor && privateDistricts.size) await recordAccess(rt, locals.editor, [...privateDistricts], purposeOf(request, locals.editor));
	const next = stored.length === limit ? stored[stored.length - 1].index + 1 : null;
	return json({ treeSize: size, checkpoint, since, next, entries, changes, withheld, erased });
});
