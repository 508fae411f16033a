import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';

/** Which role this app server plays, the witnesses' health and fork evidence from gossip, for operators and load balancers. */
export const GET = endpoint(async (_, { ledger, cluster, witnessing, gossip }) =>
	json(
		{
			role: cluster.isLeader ? 'sequencer' : 'follower',
			sequencer: await cluster.leaderUrl(),
			treeSize: ledger.sequencer.size,
			witnesses: await witnessing.health(),
			gossip: gossip.conflicts
		},
		{ headers: { 'cache-control': 'no-store' } }
	)
);
