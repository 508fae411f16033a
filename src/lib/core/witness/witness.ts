// The witness's decision, as a pure step: given what it cosigned last for each log and an
// add-checkpoint request, the answer (tlog-witness status and body) and the state to persist
// before answering. It never cosigns a checkpoint that is not consistent with the last one it
// cosigned for that origin. The caller serializes steps and persists `next` atomically before it
// sends the answer (tlog-witness: check and persist must be one atomic step).
import { equalBytes, fromBase64, toBase64 } from '../bytes';
import { parseCheckpoint } from '../log/checkpoint';
import { openNote, type NoteVerifierKey } from '../log/note';
import { verifyConsistency } from '../log/proof';
import type { SignatureVerifier, Signer } from '../signing/ed25519';
import { formatTreeSize, parseAddCheckpoint, TLOG_SIZE_TYPE } from './add-checkpoint';
import { cosign } from './cosignature';

/** What the witness keeps per log: the last checkpoint it cosigned. */
export interface WitnessedLog {
	origin: string;
	size: number;
	/** Base64 root hash. */
	root: string;
	/** The signed note as the log sent it (evidence, should the log ever sign another tree of this size). */
	checkpoint: string;
	/** When it was cosigned, unix seconds. */
	at: number;
}

export interface WitnessState {
	logs: Record<string, WitnessedLog>;
}

export const EMPTY_WITNESS_STATE: WitnessState = Object.freeze({ logs: Object.freeze({}) }) as WitnessState;

export interface WitnessStepDeps {
	/** The witness's name (its key name) and key. */
	name: string;
	signer: Signer;
	/** The log keys it is configured with; a log's origin is its key's name. */
	logs: NoteVerifierKey[];
	verifier: SignatureVerifier;
	/** Unix seconds: the cosignature's timestamp. */
	now: number;
}

export type WitnessOutcome =
	| 'cosigned'
	| 'malformed'
	| 'unknown-log'
	| 'bad-signature'
	| 'old-size-too-large'
	| 'old-size-mismatch'
	| 'root-mismatch'
	| 'bad-proof';

export interface WitnessAnswer {
	outcome: WitnessOutcome;
	status: 200 | 400 | 403 | 404 | 409 | 422;
	contentType: string;
	body: string;
	/** The state to persist before answering; absent when nothing changed. */
	next?: WitnessState;
	/** A log-signed checkpoint that is not consistent with what was cosigned: proof the log misbehaved. */
	evidence?: { origin: string; reason: string; request: string; cosigned: WitnessedLog };
}

const TEXT = 'text/plain; charset=utf-8';
const answer = (outcome: WitnessOutcome, status: WitnessAnswer['status'], body: string, contentType = TEXT): WitnessAnswer => ({ outcome, status, contentType, body });

export async function witnessStep(state: WitnessState, body: string, deps: WitnessStepDeps): Promise<WitnessAnswer> {
	const req = parseAddCheckpoint(body);
	if (!req.ok) return answer('malformed', 400, `${req.message}\n`);
	const { oldSize, proof, checkpoint } = req.value;
	const origin = checkpoint.slice(0, Math.max(0, checkpoint.indexOf('\n')));
	const keys = deps.logs.filter((k) => k.name === origin);
	if (!keys.length) return answer('unknown-log', 404, `unknown log origin ${JSON.stringify(origin.slice(0, 100))}\n`);
	const opened = await openNote(checkpoint, keys, deps.verifier);
	if (!opened.ok) {
		if (opened.code === 'malformed-note' || opened.code === 'too-many-signatures') return answer('malformed', 400, `${opened.message}\n`);
		return answer('bad-signature', 403, `the checkpoint is not signed by the key of ${origin}: ${opened.message}\n`);
	}
	const cp = parseCheckpoint(opened.value.text);
	if (!cp.ok) return answer('malformed', 400, `${cp.message}\n`);
	const { size, root } = cp.value;
	if (oldSize > size) return answer('old-size-too-large', 400, `old size ${oldSize} is larger than the checkpoint's size ${size}\n`);

	const stored = state.logs[origin];
	const known = stored?.size ?? 0;
	if (oldSize !== known) return answer('old-size-mismatch', 409, formatTreeSize(known), TLOG_SIZE_TYPE);
	const evidence = (reason: string) => ({ origin, reason, request: body, cosigned: stored! });
	if (stored && oldSize === size) {
		if (!equalBytes(fromBase64(stored.root), root)) {
			const reason = `the log signed two different trees of ${size} entries`;
			return { ...answer('root-mismatch', 409, formatTreeSize(known), TLOG_SIZE_TYPE), evidence: evidence(reason) };
		}
		if (proof.length) return answer('malformed', 400, 'a consistency proof between equal sizes is empty\n');
	} else if (oldSize === 0) {
		if (proof.length) return answer('malformed', 400, 'the consistency proof from size 0 must be empty\n');
	} else {
		const v = verifyConsistency(oldSize, size, fromBase64(stored!.root), root, proof);
		if (!v.ok) {
			const reason = `the tree of ${size} entries is not consistent with the tree of ${oldSize} entries this witness cosigned: ${v.message}`;
			return { ...answer('bad-proof', 422, `${reason}\n`), evidence: evidence(reason) };
		}
	}
	const line = await cosign(opened.value.text, deps.name, deps.signer, deps.now);
	const ok = answer('cosigned', 200, line);
	if (stored && stored.size === size) return ok; // the same tree again: nothing to persist
	const entry: WitnessedLog = { origin, size, root: toBase64(root), checkpoint, at: deps.now };
	return { ...ok, next: { logs: { ...state.logs, [origin]: entry } } };
}
