import { endpoint } from '$lib/server/http/endpoint';
import { formatPolicy } from '$lib/core/witness/policy';

// The witness policy clients pin with the log key (docs/protocol.md "Witnesses"): witness keys
// and quorum, without the witnesses' URLs. `quorum 0` alone when the log names none.
export const GET = endpoint(
	(_, { witnessing }) =>
		new Response(formatPolicy(witnessing.policy, { urls: false }), {
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=300' }
		})
);
