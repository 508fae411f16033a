import { json } from '@sveltejs/kit';
import { toBase64 } from '$lib/core/bytes';
import { endpoint } from '$lib/server/http/endpoint';
import { intParam } from '$lib/server/http/respond';

export const GET = endpoint(async ({ url }, { ledger }) => {
	const first = intParam(url, 'first');
	const second = intParam(url, 'second', ledger.sequencer.size);
	const hashes = await ledger.consistencyProof(first, second);
	return json({ first, second, hashes: hashes.map(toBase64) });
});
