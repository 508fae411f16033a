import { endpoint } from '$lib/server/http/endpoint';
import { handleSubmissions } from '$lib/server/http/submissions';
import { forwardToLeader } from '$lib/server/cluster/forward';

/**
 * Entries other than edits — key grants and revocations, erasures (registrar-signed) and access
 * records (signed by the log key) — checked against the log like edits (/api/keys is the same).
 */
export const POST = endpoint(async ({ request, url }, { ledger, cluster }) =>
	cluster.shouldForward(request)
		? forwardToLeader(request, await cluster.leaderUrl(), url.pathname)
		: handleSubmissions(request, ledger, 'keys')
);
