// The log's own key: signs checkpoints as C2SP signed notes. Kept in a file of the data folder
// (mode 0600), never in the database, so a database dump or replica cannot sign.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { fromHex, toHex } from '../core/bytes';
import { formatVerifierKey, isValidKeyName, parseVerifierKey, type NoteVerifierKey } from '../core/log/note';
import { openCheckpoint, signCheckpoint, type Checkpoint } from '../core/log/checkpoint';
import { mapLine } from '../core/map/log-map';
import { nodeSigner, nodeVerifier } from './ed25519';
import type { Signer } from '../core/signing/ed25519';

export interface LogIdentity {
	origin: string;
	verifierKey: string;
	key: NoteVerifierKey;
	/**
	 * Signs the checkpoint of a tree size: its root, and the root of the parcel map of every edit
	 * entry below that size as the extension line `parcel-ledger/map/v2 <base64>` (core/map).
	 */
	signCheckpoint(size: number, root: Uint8Array, mapRoot: Uint8Array): Promise<string>;
	/** Verifies a checkpoint note with the log key; throws with the reason when it does not. */
	openCheckpoint(note: string): Promise<Checkpoint>;
	/** HMAC key for sessions, derived from the log key so every app server holding it agrees. */
	sessionSecret: Uint8Array;
	/** Signs the log's own statements (access entries) with the log key. */
	signer: Signer;
}

export function logIdentity(origin: string, signer: Signer, sessionSecret: Uint8Array = randomBytes(32)): LogIdentity {
	if (!isValidKeyName(origin)) throw new Error(`origin ${JSON.stringify(origin)} must be one word without spaces or "+", e.g. county.example/parcels`);
	const verifierKey = formatVerifierKey(origin, signer.publicKey);
	const parsed = parseVerifierKey(verifierKey);
	if (!parsed.ok) throw new Error(parsed.message);
	return {
		origin,
		verifierKey,
		key: parsed.value,
		sessionSecret,
		signer,
		signCheckpoint: (size, root, mapRoot) => signCheckpoint({ origin, size, root, extensions: [mapLine(mapRoot)] }, origin, signer),
		async openCheckpoint(note) {
			const r = await openCheckpoint(note, parsed.value, nodeVerifier);
			if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
			return r.value.checkpoint;
		}
	};
}

/**
 * An identity that can only verify: for auditing a store or a backup with nothing but the
 * verifier key (`<origin>+<key id>+<base64>`). Signing throws.
 */
export function verifierIdentity(verifierKey: string): LogIdentity {
	const parsed = parseVerifierKey(verifierKey);
	if (!parsed.ok) throw new Error(`not a verifier key: ${parsed.message}`);
	return {
		origin: parsed.value.name,
		verifierKey,
		key: parsed.value,
		sessionSecret: new Uint8Array(32),
		signer: {
			publicKey: parsed.value.publicKey,
			sign: () => {
				throw new Error('this log identity can only verify; the log key is not here');
			}
		},
		signCheckpoint: () => Promise.reject(new Error('this log identity can only verify; the log key is not here')),
		async openCheckpoint(note) {
			const r = await openCheckpoint(note, parsed.value, nodeVerifier);
			if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
			return r.value.checkpoint;
		}
	};
}

interface KeyFile {
	origin: string;
	secretKey: string;
}

/** Writes a new log key file; `secret` only for the deterministic demo county. */
export function createLogKeyFile(path: string, origin: string, secret: Uint8Array = randomBytes(32)): LogIdentity {
	if (existsSync(path)) throw new Error(`${path} already exists: this data folder already has a log key`);
	const identity = logIdentity(origin, nodeSigner(secret), deriveSessionSecret(secret));
	const file: KeyFile = { origin, secretKey: toHex(secret) };
	writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
	chmodSync(path, 0o600);
	return identity;
}

export function readLogKeyFile(path: string): LogIdentity {
	if (!existsSync(path)) throw new Error(`no log key at ${path}: run \`npm run cli -- init --origin <name>\` first`);
	const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
	const secret = fromHex(file.secretKey);
	return logIdentity(file.origin, nodeSigner(secret), deriveSessionSecret(secret));
}

const deriveSessionSecret = (logSecret: Uint8Array): Uint8Array =>
	createHash('sha256').update('parcel-ledger/v1 session key\n').update(logSecret).digest();
