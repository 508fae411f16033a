import { endpoint } from '$lib/server/http/endpoint';
import { handleSubmissions } from '$lib/server/http/submissions';
import { forwardToLeader } from '$lib/server/cluster/forward';
import { observeRefusals } from '$lib/server/registry/refusals';

export const POST = endpoint(async ({ request, url }, { ledger, cluster, projection }) => {
	if (cluster.shouldForward(request)) return forwardToLeader(request, await cluster.leaderUrl(), url.pathname);
	// The registry's Keys page lists edits refused for a revoked key (they never enter the log).
	return handleSubmissions(request, ledger, 'edits', (body, answer, status) => void observeRefusals(body, answer, status, projection));
});
