import { endpoint } from '$lib/server/http/endpoint';
import { handleSubmissions } from '$lib/server/http/submissions';
import { forwardToLeader } from '$lib/server/cluster/forward';

export const POST = endpoint(async ({ request, url }, { ledger, cluster }) =>
	cluster.shouldForward(request)
		? forwardToLeader(request, await cluster.leaderUrl(), url.pathname)
		: handleSubmissions(request, ledger, 'edits')
);
