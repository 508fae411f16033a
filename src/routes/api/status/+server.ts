import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';

/** Which role this app server plays, for operators and load balancers. */
export const GET = endpoint(async (_, { ledger, cluster }) =>
	json(
		{ role: cluster.isLeader ? 'sequencer' : 'follower', sequencer: await cluster.leaderUrl(), treeSize: ledger.sequencer.size },
		{ headers: { 'cache-control': 'no-store' } }
	)
);
