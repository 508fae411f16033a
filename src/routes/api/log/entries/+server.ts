import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { intParam, HttpError } from '$lib/server/http/respond';
import { entryJson } from '$lib/server/http/entries-json';

const MAX_RANGE = 1000;

/** GET /api/log/entries?start=S&end=E — entries [S, E), at most 1000 at a time. */
export const GET = endpoint(async ({ url }, { ledger }) => {
	const size = ledger.sequencer.size;
	const start = intParam(url, 'start', 0);
	const end = Math.min(intParam(url, 'end', Math.min(size, start + 100)), size);
	if (start > end) throw new HttpError('bad-request', `start ${start} is past end ${end} (tree size ${size})`);
	if (end - start > MAX_RANGE) throw new HttpError('bad-request', `ask for at most ${MAX_RANGE} entries at a time`);
	const entries = await ledger.store.readEntries(start, end);
	return json({ treeSize: size, start, end, entries: entries.map(entryJson) });
});
