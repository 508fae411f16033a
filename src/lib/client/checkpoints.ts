// The device's trust in the log: the last checkpoint it verified. A newer checkpoint is accepted
// only with a consistency proof (RFC 9162 §2.1.4.2) from the stored one; anything else — a bad
// proof, a smaller tree, another root at the same size — means the log rewrote its history:
// sync halts, and both checkpoints and the proof are kept as evidence in `alarms`.
import { openCheckpoint, parseVerifierKey, verifyConsistency, parseConsistencyProofJson } from '../core/log';
import type { Checkpoint } from '../core/log/checkpoint';
import { equalBytes } from '../core/bytes';
import { decodeBase64, encodeBase64 } from './base64';
import { isHalting, type AlarmRow, type FieldDatabase } from './db';
import { getJson, RequestError, type Fetch } from './http';
import { browserVerifier } from './crypto';
import { getState, putState, type CheckpointRecord, type LogRecord } from './state';
import { noteWitnesses } from './witnesses';

export class ForkError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ForkError';
	}
}

export interface TrustDeps {
	db: FieldDatabase;
	fetch: Fetch;
	log: LogRecord;
}

/** Verifies the note's signature with the pinned key; a bad signature is not a fork, just refused. */
export async function openTrusted(log: LogRecord, note: string): Promise<Checkpoint> {
	const key = parseVerifierKey(log.verifierKey);
	if (!key.ok) throw new Error(`the pinned log key is unusable: ${key.message}`);
	const opened = await openCheckpoint(note, key.value, await browserVerifier());
	if (!opened.ok) throw new RequestError('bad-checkpoint', `the server's checkpoint does not verify: ${opened.message}`);
	return opened.value.checkpoint;
}

const record = (note: string, cp: Checkpoint): CheckpointRecord => ({
	note,
	size: cp.size,
	root: encodeBase64(cp.root),
	verifiedAt: Date.now()
});

/** Whether an unacknowledged halting alarm stops sync. */
export async function halted(db: FieldDatabase): Promise<boolean> {
	return (await db.alarms.filter(isHalting).count()) > 0;
}

async function raise(db: FieldDatabase, trusted: CheckpointRecord, received: string, proof: string[] | null, message: string): Promise<never> {
	await db.alarms.add({ kind: 'fork', code: 'fork', at: Date.now(), message, trusted: trusted.note, received, proof, acknowledged: false });
	throw new ForkError(message);
}

/**
 * Keeps an alarm other than a fork, with the last verified checkpoint beside it (a snapshot page
 * that does not match the log's map, edits the log holds that this device was not given, a row
 * that differed). The halting kinds stop sync as a fork does; the caller throws.
 */
export async function recordAlarm(db: FieldDatabase, alarm: Omit<AlarmRow, 'id' | 'at' | 'acknowledged' | 'trusted' | 'proof'> & { proof?: string[] | null }): Promise<void> {
	const trusted = (await getState(db, 'checkpoint'))?.note ?? '';
	await db.alarms.add({ proof: null, ...alarm, trusted, at: Date.now(), acknowledged: false });
}

/**
 * Makes `note` the device's trusted checkpoint if it provably extends the stored one. Returns the
 * checkpoint the device now trusts (the stored one when `note` is older but consistent).
 */
export async function advanceCheckpoint(deps: TrustDeps, note: string): Promise<CheckpointRecord> {
	// (verifyCheckpoint also checks the witnesses)
	return (await verifyCheckpoint(deps, note)).trusted;
}

/**
 * advanceCheckpoint, also giving the opened checkpoint itself: signed with the pinned key and
 * consistent with the device's last verified one, in whichever direction (a snapshot page or a
 * cache may serve a smaller tree than the device has seen; then the proof runs from it to ours).
 */
export async function verifyCheckpoint(deps: TrustDeps, note: string): Promise<{ trusted: CheckpointRecord; checkpoint: Checkpoint }> {
	const cp = await openTrusted(deps.log, note);
	const trusted = await extend(deps, note, cp);
	// Its witness cosignatures against the pinned policy (a warning when they are lacking, never a halt).
	await noteWitnesses(deps.db, deps.log, note, cp, trusted);
	return { trusted: (await getState(deps.db, 'checkpoint')) ?? trusted, checkpoint: cp };
}

async function extend(deps: TrustDeps, note: string, cp: Checkpoint): Promise<CheckpointRecord> {
	const stored = await getState(deps.db, 'checkpoint');
	if (!stored) {
		const first = record(note, cp);
		await putState(deps.db, 'checkpoint', first);
		return first;
	}
	const storedRoot = decodeBase64(stored.root);
	if (cp.size === stored.size) {
		if (equalBytes(cp.root, storedRoot)) return stored;
		return raise(deps.db, stored, note, null, `The log signed two different trees of ${cp.size} entries.`);
	}
	const [first, second] = cp.size > stored.size ? [stored.size, cp.size] : [cp.size, stored.size];
	let proofJson: unknown;
	try {
		proofJson = await getJson(deps.fetch, `/api/log/proof/consistency?first=${first}&second=${second}`);
	} catch (e) {
		if (e instanceof RequestError && e.code === 'offline') throw e;
		// A log that cannot prove its older tree is inside its newer one has lost or replaced entries.
		return raise(deps.db, stored, note, null, `The log cannot prove that its tree of ${second} entries extends the tree of ${first} this device verified (${(e as Error).message}).`);
	}
	const proof = parseConsistencyProofJson(proofJson);
	const hashes = proof.ok ? proof.value.hashes : [];
	const b64 = hashes.map(encodeBase64);
	if (!proof.ok || proof.value.first !== first || proof.value.second !== second) {
		return raise(deps.db, stored, note, b64, `The log answered a malformed consistency proof from ${first} to ${second}.`);
	}
	const [oldRoot, newRoot] = cp.size > stored.size ? [storedRoot, cp.root] : [cp.root, storedRoot];
	const verdict = verifyConsistency(first, second, oldRoot, newRoot, hashes);
	if (!verdict.ok) {
		return raise(deps.db, stored, note, b64, `The log's tree of ${cp.size} entries is not consistent with the tree of ${stored.size} entries this device verified: ${verdict.message}.`);
	}
	if (cp.size < stored.size) return stored; // an older view (a cache), provably a prefix: keep ours
	const next = record(note, cp);
	await putState(deps.db, 'checkpoint', next);
	return next;
}
