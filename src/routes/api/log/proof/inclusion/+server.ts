import { json } from '@sveltejs/kit';
import { toBase64 } from '$lib/core/bytes';
import { endpoint } from '$lib/server/http/endpoint';
import { intParam } from '$lib/server/http/respond';

export const GET = endpoint(async ({ url }, { ledger }) => {
	const index = intParam(url, 'index');
	const size = intParam(url, 'size', ledger.sequencer.size);
	const hashes = await ledger.inclusionProof(index, size);
	return json({ leafIndex: index, treeSize: size, hashes: hashes.map(toBase64) });
});
