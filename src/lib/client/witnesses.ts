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
import { decideWitnessStatus } from './witness-status';

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

/** Notes the witnesses of a checkpoint the device just verified (`trusted` is what it trusts now). */
export async function noteWitnesses(db: FieldDatabase, log: LogRecord, note: string, cp: Checkpoint, trusted: CheckpointRecord): Promise<void> {
	const policy = pinnedPolicy(log);
	if (!policy) return;
	const verdict = await checkWitnesses(note, policy, await browserVerifier());
	const prev = await getState(db, 'witness');
	const d = decideWitnessStatus({ policy, verdict, note, size: cp.size, trusted, prev, now: Date.now() });
	if (d.status) await putState(db, 'witness', d.status);
	if (d.trustedNote) await putState(db, 'checkpoint', { ...trusted, note: d.trustedNote });
}

/** Whether the trusted checkpoint lacks the cosignatures the policy requires (what screens warn about). */
export const lacksWitnesses = (s: WitnessStatus | undefined | null): boolean => !!s && s.quorum > 0 && !s.ok;
