// The witness's own files: its key (JSON, mode 0600), its state (what it cosigned last for each
// log, written atomically: atomic-file.ts), a lock that keeps a
// second process off the same state, and evidence of a log that signed an inconsistent tree.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fromHex, toHex } from '../../core/bytes';
import { formatCosignerKey } from '../../core/witness/cosignature';
import { isValidKeyName } from '../../core/log/note';
import type { Signer } from '../../core/signing/ed25519';
import { EMPTY_WITNESS_STATE, type WitnessedLog, type WitnessState } from '../../core/witness/witness';
import { nodeSigner } from '../ed25519';
import { writeAtomically } from '../atomic-file';

export interface WitnessKey {
	name: string;
	signer: Signer;
	/** `<name>+<key ID>+<base64(0x04 ‖ key)>`: what a log's policy names. */
	vkey: string;
}

interface KeyFile {
	name: string;
	secretKey: string;
}

/** Reads the witness key file; creates one with a new key when absent and a name is given. */
export function openWitnessKey(path: string, name?: string): { key: WitnessKey; created: boolean } {
	if (!existsSync(path)) {
		if (!name) throw new Error(`no witness key at ${path}: give --name (e.g. witness.example/w1) to create one`);
		if (!isValidKeyName(name)) throw new Error(`--name ${JSON.stringify(name)} must be one word without spaces or "+", e.g. witness.example/w1`);
		const file: KeyFile = { name, secretKey: toHex(randomBytes(32)) };
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
		chmodSync(path, 0o600);
		return { key: keyOf(file), created: true };
	}
	let file: KeyFile;
	try {
		file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
	} catch (e) {
		throw new Error(`cannot read witness key ${path}: ${(e as Error).message}`);
	}
	if (name && name !== file.name) throw new Error(`${path} is the key of ${file.name}, not ${name}`);
	return { key: keyOf(file), created: false };
}

function keyOf(file: KeyFile): WitnessKey {
	if (typeof file.name !== 'string' || !isValidKeyName(file.name) || !/^[0-9a-f]{64}$/.test(file.secretKey ?? '')) {
		throw new Error('a witness key file is {"name": "<witness name>", "secretKey": "<64 hex digits>"}');
	}
	const signer = nodeSigner(fromHex(file.secretKey));
	return { name: file.name, signer, vkey: formatCosignerKey(file.name, signer.publicKey) };
}

const STATE_FORMAT = 'parcel-ledger-witness-state/v1';

/** The state file; absent means the witness has cosigned nothing yet. */
export function readWitnessState(path: string): WitnessState {
	if (!existsSync(path)) return EMPTY_WITNESS_STATE;
	let json: { format?: string; logs?: Record<string, WitnessedLog> };
	try {
		json = JSON.parse(readFileSync(path, 'utf8'));
	} catch (e) {
		throw new Error(`the witness state ${path} is damaged (${(e as Error).message}); restore it from a backup — starting afresh could cosign a fork of what was cosigned before`);
	}
	if (json.format !== STATE_FORMAT || typeof json.logs !== 'object' || json.logs === null) throw new Error(`${path} is not a ${STATE_FORMAT} file`);
	for (const [origin, l] of Object.entries(json.logs)) {
		if (l.origin !== origin || !Number.isSafeInteger(l.size) || l.size < 0 || typeof l.root !== 'string') throw new Error(`${path}: the entry of ${origin} is malformed`);
	}
	return { logs: json.logs };
}

/** Writes the state so that a crash leaves the old file or the new one, never a mix. */
export function writeWitnessState(path: string, state: WitnessState): void {
	writeAtomically(path, JSON.stringify({ format: STATE_FORMAT, logs: state.logs }, null, 1) + '\n', 0o600);
}

/** Takes `<state>.lock` (holding our pid); a lock of a process that is gone is taken over. */
export function lockWitnessState(path: string): () => void {
	const lock = `${path}.lock`;
	mkdirSync(dirname(path), { recursive: true });
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
			return () => rmSync(lock, { force: true });
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			const pid = Number(readFileSync(lock, 'utf8').trim());
			if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) {
				throw new Error(`another witness (process ${pid}) holds ${path}; one process per state file`);
			}
			rmSync(lock, { force: true }); // left by a process that died
		}
	}
	throw new Error(`cannot lock ${path}`);
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Keeps a request that proves the log signed a tree inconsistent with one this witness cosigned. */
export function writeEvidence(stateFile: string, e: { origin: string; reason: string; request: string; cosigned: WitnessedLog }, at: Date): string {
	const dir = join(dirname(stateFile), 'evidence');
	mkdirSync(dir, { recursive: true });
	const file = join(dir, `${at.toISOString().replace(/[:.]/g, '-')}-${e.origin.replace(/[^A-Za-z0-9.-]/g, '_')}.txt`);
	const text = [`log ${e.origin}`, `at ${at.toISOString()}`, `reason ${e.reason}`, '', '== cosigned before ==', e.cosigned.checkpoint, '== request ==', e.request].join('\n');
	writeFileSync(file, text);
	return file;
}
