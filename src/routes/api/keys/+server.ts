import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { handleSubmissions } from '$lib/server/http/submissions';
import { forwardToLeader } from '$lib/server/cluster/forward';

/** Key grants and revocations: signed by a registrar, checked against the log like edits. */
export const POST = endpoint(async ({ request, url }, { ledger, cluster }) =>
	cluster.shouldForward(request)
		? forwardToLeader(request, await cluster.leaderUrl(), url.pathname)
		: handleSubmissions(request, ledger, 'keys')
);

/** Every key the log has granted, with its role, districts and revocation (all public). */
export const GET = endpoint((_, { ledger }) => json({ keys: ledger.sequencer.registry.list() }));
