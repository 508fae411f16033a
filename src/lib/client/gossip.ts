// Gossip from the device (docs/protocol.md "Witnesses" → "Gossip"): on sync it shows the server
// the checkpoint it trusts and checks the server's current one against it; it takes a checkpoint
// from another device and checks it against its own. Two checkpoints signed by the log key that are
// not consistent raise the fork alarm (checkpoints.ts) with both kept; a bad signature is refused.
import { getState } from './state';
import { getText, postText, RequestError } from './http';
import { openTrusted, verifyCheckpoint, type TrustDeps } from './checkpoints';
import { lacksWitnesses } from './witnesses';

interface GossipAnswer {
	status: 'consistent' | 'inconsistent';
	message: string;
	checkpoint: string;
}

/** Sync's first step: our checkpoint to the server, the server's back through the fork check. */
export async function gossipOnSync(deps: TrustDeps): Promise<void> {
	const trusted = await getState(deps.db, 'checkpoint');
	let current: string;
	if (!trusted) current = await getText(deps.fetch, '/log/checkpoint');
	else {
		try {
			current = (await postText<GossipAnswer>(deps.fetch, '/api/gossip', trusted.note)).checkpoint;
		} catch (e) {
			if (!(e instanceof RequestError) || e.code === 'offline') throw e;
			current = await getText(deps.fetch, '/log/checkpoint'); // a server without gossip
		}
	}
	await verifyCheckpoint(deps, current);
}

/**
 * Sync's last step: the checkpoint the log serves now, with the cosignatures gathered since the
 * answers this sync read (witnesses cosign a batch milliseconds after it commits): a few tries.
 */
export async function refreshWitnesses(deps: TrustDeps, o: { tries?: number; delayMs?: number } = {}): Promise<void> {
	const tries = o.tries ?? 3;
	for (let i = 0; i < tries; i++) {
		await verifyCheckpoint(deps, await getText(deps.fetch, '/log/checkpoint'));
		if (!lacksWitnesses(await getState(deps.db, 'witness'))) return;
		if (i + 1 < tries) await new Promise((r) => setTimeout(r, o.delayMs ?? 500));
	}
}

export type ShownCheckpoint = { size: number; relation: 'same' | 'older' | 'newer' };

/**
 * A checkpoint another device shows (pasted text): signed by the pinned key (else refused, no
 * alarm), then consistent with ours by a proof the server gives, or the fork alarm. A newer
 * consistent one becomes the one this device trusts.
 */
export async function compareShownCheckpoint(deps: TrustDeps, note: string): Promise<ShownCheckpoint> {
	const text = note.replace(/\r\n/g, '\n').trim() + '\n';
	const cp = await openTrusted(deps.log, text);
	const before = await getState(deps.db, 'checkpoint');
	await verifyCheckpoint(deps, text);
	const relation = !before || cp.size > before.size ? 'newer' : cp.size < before.size ? 'older' : 'same';
	return { size: cp.size, relation };
}
