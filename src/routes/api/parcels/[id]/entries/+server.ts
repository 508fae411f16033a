import { json } from '@sveltejs/kit';
import { isParcelId } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { entryJson } from '$lib/server/http/entries-json';

/** Every entry naming a parcel. Private-part entries are listed (their existence is public). */
export const GET = endpoint(async ({ params }, { ledger }) => {
	const id = params.id ?? '';
	if (!isParcelId(id)) throw new HttpError('bad-request', `${JSON.stringify(id)} is not a parcel id`);
	const entries = await ledger.store.entriesOfParcel(id);
	return json({ parcel: id, treeSize: ledger.sequencer.size, entries: entries.map(entryJson) });
});
