// status [URL]: what a running server says about itself — its role, tree size, the witnesses'
// health and whether the checkpoint it serves meets the witness policy, and any fork evidence
// clients gossiped to it. Exit 0; 1 when there is fork evidence or a witness holds another
// history (conflict); 3 when the server cannot be read.
import type { WitnessingHealth } from '../../src/lib/server/witnessing/witnessing';
import type { GossipEvidence } from '../../src/lib/server/witnessing/gossip';
import { log, parse, UsageError } from '../args';

interface Status {
	role: string;
	sequencer: string | null;
	treeSize: number;
	witnesses?: WitnessingHealth;
	gossip?: { count: number; recent: GossipEvidence[] };
}

const ago = (ms: number | null, now: number) => (ms === null ? 'never' : `${new Date(ms).toISOString()} (${Math.max(0, Math.round((now - ms) / 1000))} s ago)`);

export function formatStatus(url: string, s: Status, now = Date.now()): { text: string; alarm: boolean } {
	const lines = [`server ${url}: ${s.role}${s.sequencer && s.role !== 'sequencer' ? ` (the sequencer is ${s.sequencer})` : ''}, tree size ${s.treeSize}`];
	const w = s.witnesses;
	let alarm = false;
	if (!w || w.witnesses.length === 0) lines.push('witnesses: none configured (no witnesses.txt in the data folder): nothing shows others are shown this same log');
	else {
		lines.push(`witness policy: ${w.quorum} of ${w.witnesses.length} must cosign`);
		lines.push(`served checkpoint (size ${w.head.size}): ${w.head.message}`);
		for (const h of w.witnesses) {
			const detail =
				h.state === 'ok'
					? `cosigned size ${h.cosignedSize} at ${ago(h.cosignedAt, now)}`
					: h.state === 'pending'
						? 'no answer yet'
						: `${h.failures} failure(s): ${h.lastError}${h.nextAttemptAt ? `; next attempt in ${Math.max(0, Math.round((h.nextAttemptAt - now) / 1000))} s` : ''}${h.cosignedSize !== null ? `; last cosigned size ${h.cosignedSize} at ${ago(h.cosignedAt, now)}` : ''}`;
			lines.push(`  ${h.state === 'ok' ? '✓' : h.state === 'conflict' ? '✗' : '!'} ${h.name} ${h.state.toUpperCase()} — ${detail} (${h.url})`);
			if (h.state === 'conflict') alarm = true;
		}
	}
	const g = s.gossip;
	if (g && g.count > 0) {
		alarm = true;
		lines.push(`ALARM: ${g.count} checkpoint(s) signed by this log's key that this log does not extend were shown to it (a fork, or a log rolled back):`);
		for (const e of g.recent) lines.push(`  ${new Date(e.at).toISOString()}: ${e.reason}`, ...e.shown.trimEnd().split('\n').map((l) => `    | ${l}`));
	} else lines.push('gossip: no fork evidence');
	return { text: lines.join('\n'), alarm };
}

export async function status(args: string[]): Promise<void> {
	const { positionals } = parse(args, {}, 1);
	const url = positionals[0] ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
	if (!/^https?:\/\//.test(url)) throw new UsageError('give the server URL, e.g. status http://localhost:3000');
	let s: Status;
	try {
		const res = await fetch(new URL('api/status', url.endsWith('/') ? url : url + '/'), { signal: AbortSignal.timeout(15_000) });
		if (!res.ok) throw new Error(`HTTP ${res.status}`);
		s = (await res.json()) as Status;
	} catch (e) {
		console.error(`cannot read ${url}/api/status: ${(e as Error).message}`);
		process.exitCode = 3;
		return;
	}
	const { text, alarm } = formatStatus(url, s);
	log(text);
	if (alarm) process.exitCode = 1;
}
