import { json } from '@sveltejs/kit';
import { isParcelId } from '$lib/core/record/ids';
import { decodeEntry } from '$lib/core/log/entry';
import { toHex } from '$lib/core/bytes';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { mayReadPrivate, requireEditor } from '$lib/server/http/access';

/**
 * GET /api/parcels/<id>/access: who was served this parcel's private details, when and why —
 * access entries naming the parcel or its whole district (a device download). Staff of the district.
 */
export const GET = endpoint(async ({ params, locals }, { ledger }) => {
	const id = params.id ?? '';
	if (!isParcelId(id)) throw new HttpError('bad-request', `${JSON.stringify(id)} is not a parcel id`);
	const editor = requireEditor(locals.editor);
	if (!mayReadPrivate(editor, id)) throw new HttpError('forbidden', 'only staff of this district may see who read its private details');
	const accesses = (await ledger.store.accessEntries(id)).map(({ index, data }) => {
		const e = decodeEntry(data);
		if (e.kind !== 'access') throw new Error(`entry ${index} is not an access entry`);
		const reader = ledger.sequencer.registry.get(toHex(e.reader));
		return { index, logTime: e.logTime, scope: e.scope, wholeDistrict: e.scope !== id, reader: toHex(e.reader), readerName: reader?.name ?? null, readerRole: reader?.role ?? null, purpose: e.purpose };
	});
	return json({ parcel: id, accesses }, { headers: { 'cache-control': 'private, no-store' } });
});
