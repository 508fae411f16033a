import { endpoint } from '$lib/server/http/endpoint';

// C2SP tlog-checkpoint as a signed note. Short max-age: it changes with every batch.
export const GET = endpoint(
	(_, { ledger }) =>
		new Response(ledger.sequencer.checkpoint, {
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=2' }
		})
);
