// Gossip's check (docs/protocol.md "Witnesses" → "Gossip"): two checkpoints signed by one log key
// must be consistent — the same root at the same size, and the smaller tree a prefix of the larger
// by an RFC 9162 consistency proof. Anything else is proof that the log forked (or was rolled back).
// Pure: the proof is fetched by the caller's function.
import { equalBytes, toBase64 } from '../bytes';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint';
import type { NoteVerifierKey } from '../log/note';
import { verifyConsistency } from '../log/proof';
import type { SignatureVerifier } from '../signing/ed25519';

export type Comparison =
	| { status: 'same' | 'extends' | 'prefix'; message: string; shown: Checkpoint; current: Checkpoint }
	/** Both are signed by the key and they are not consistent: both notes are the evidence. */
	| { status: 'fork'; message: string; shown: Checkpoint; current: Checkpoint; proof: Uint8Array[] | null }
	/** One of them is not a checkpoint of this key: nothing can be said. */
	| { status: 'unverified'; message: string };

export interface CompareDeps {
	key: NoteVerifierKey;
	verifier: SignatureVerifier;
	/** The log's consistency proof from `first` to `second`; null when it gives none. */
	consistencyProof(first: number, second: number): Promise<Uint8Array[] | null>;
}

/** `shown` (an extract's, another device's) against `current` (what the log serves now). */
export async function compareCheckpoints(shownNote: string, currentNote: string, d: CompareDeps): Promise<Comparison> {
	const a = await openCheckpoint(shownNote, d.key, d.verifier);
	if (!a.ok) return { status: 'unverified', message: `the checkpoint shown is not signed by ${d.key.name}'s key: ${a.message}` };
	const b = await openCheckpoint(currentNote, d.key, d.verifier);
	if (!b.ok) return { status: 'unverified', message: `the log's current checkpoint is not signed by ${d.key.name}'s key: ${b.message}` };
	const shown = a.value.checkpoint;
	const current = b.value.checkpoint;
	if (shown.size === current.size) {
		if (equalBytes(shown.root, current.root)) return { status: 'same', message: `The log's current checkpoint is this one (${current.size} entries).`, shown, current };
		return { status: 'fork', message: `The log signed two different trees of ${shown.size} entries (roots ${toBase64(shown.root)} and ${toBase64(current.root)}).`, shown, current, proof: null };
	}
	const [first, second] = shown.size < current.size ? [shown, current] : [current, shown];
	const proof = await d.consistencyProof(first.size, second.size);
	if (!proof) {
		const why = current.size < shown.size ? `the log now serves a tree of ${current.size} entries, smaller than the ${shown.size} it signed here, and` : 'the log';
		return { status: 'fork', message: `Not consistent: ${why} cannot prove that its tree of ${second.size} entries extends the tree of ${first.size}.`, shown, current, proof: null };
	}
	const v = verifyConsistency(first.size, second.size, first.root, second.root, proof);
	if (!v.ok) return { status: 'fork', message: `Not consistent: the log's tree of ${second.size} entries does not extend its tree of ${first.size} (${v.message}).`, shown, current, proof };
	return shown.size < current.size
		? { status: 'extends', message: `The log's current checkpoint (${current.size} entries) extends this one (${shown.size}): one history.`, shown, current }
		: { status: 'prefix', message: `The log's current checkpoint (${current.size} entries) is a prefix of this one (${shown.size}): one history, the server is behind.`, shown, current };
}
