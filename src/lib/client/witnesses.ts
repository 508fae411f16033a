// The device's view of witnessing (docs/protocol.md "Witnesses" → "What clients check"): every
// checkpoint it verifies is checked against the witness policy it pinned with the log key, and the
// status of the checkpoint it trusts is kept in `state` for every screen to show. A trusted
// checkpoint below the quorum is a warning, never silent and never a halt.
import type { Checkpoint } from '../core/log/checkpoint';
import { checkWitnesses, EMPTY_POLICY, parsePolicy, type WitnessPolicy } from '../core/witness/policy';
import { browserVerifier } from './crypto';
import type { FieldDatabase } from './db';
import { getText, RequestError, type Fetch } from './http';
import { getState, putState, type CheckpointRecord, type LogRecord, type WitnessStatus } from './state';

/** The pinned policy; a log pinned before witnesses existed has none until `pinPolicy`. */
export function pinnedPolicy(log: LogRecord): WitnessPolicy | null {
	if (log.witnessPolicy === undefined) return null;
	const p = parsePolicy(log.witnessPolicy);
	return p.ok ? p.value : EMPTY_POLICY;
}

/** Reads and parses GET /log/witnesses (a server without it names no witnesses). */
export async function fetchPolicy(f: Fetch): Promise<string> {
	let text: string;
	try {
		text = await getText(f, '/log/witnesses');
	} catch (e) {
		if (e instanceof RequestError && e.status === 404) return 'quorum 0\n';
		throw e;
	}
	const p = parsePolicy(text);
	if (!p.ok) throw new Error(`the server's witness policy is not usable: ${p.message}`);
	return text;
}

/** Pins the policy of a log pinned before witnesses existed (trust on first use, as the key was). */
export async function pinPolicy(db: FieldDatabase, f: Fetch, log: LogRecord): Promise<LogRecord> {
	if (log.witnessPolicy !== undefined) return log;
	const pinned: LogRecord = { ...log, witnessPolicy: await fetchPolicy(f) };
	await putState(db, 'log', pinned);
	return pinned;
}

/**
 * Notes the witnesses of a checkpoint the device just verified (`trusted` is what it trusts now).
 * For the trusted tree itself the status is replaced unless an earlier copy of the same tree had
 * more cosignatures (a snapshot page may carry an older copy); the trusted note gains the
 * cosignatures, so what the device shows and gossips carries them.
 */
export async function noteWitnesses(db: FieldDatabase, log: LogRecord, note: string, cp: Checkpoint, trusted: CheckpointRecord): Promise<void> {
	const policy = pinnedPolicy(log);
	if (!policy) return;
	const v = await checkWitnesses(note, policy, await browserVerifier());
	const prev = await getState(db, 'witness');
	const witnessedSize = Math.max(prev?.witnessedSize ?? -1, v.ok ? cp.size : -1);
	const next: WitnessStatus = {
		quorum: policy.quorum,
		witnesses: policy.witnesses.length,
		size: trusted.size,
		ok: v.ok,
		cosigned: v.cosigned.map((c) => c.name),
		missing: v.missing,
		message: v.message,
		witnessedSize: witnessedSize < 0 ? null : witnessedSize,
		at: Date.now()
	};
	if (cp.size !== trusted.size) {
		// An older (consistent) tree: only the newest witnessed size may change.
		if (prev && prev.size === trusted.size && prev.witnessedSize !== next.witnessedSize) await putState(db, 'witness', { ...prev, witnessedSize: next.witnessedSize });
		else if (!prev) await putState(db, 'witness', { ...next, ok: false, cosigned: [], missing: policy.witnesses.map((w) => w.key.name), message: unchecked(policy, trusted.size) });
		return;
	}
	if (prev && prev.size === trusted.size && prev.cosigned.length > next.cosigned.length) {
		if (prev.witnessedSize !== next.witnessedSize) await putState(db, 'witness', { ...prev, witnessedSize: next.witnessedSize });
		return;
	}
	await putState(db, 'witness', next);
	if (note !== trusted.note && next.cosigned.length > 0) await putState(db, 'checkpoint', { ...trusted, note });
}

const unchecked = (p: WitnessPolicy, size: number) =>
	p.quorum === 0 ? 'The witness policy requires no cosignatures.' : `The checkpoint of ${size} entries this device trusts has not been checked against the witness policy yet; sync to check it.`;

/** Whether the trusted checkpoint lacks the cosignatures the policy requires (what screens warn about). */
export const lacksWitnesses = (s: WitnessStatus | undefined | null): boolean => !!s && s.quorum > 0 && !s.ok;
