// Signature checks and hashes for the field client: WebCrypto where the browser has Ed25519
// (Chromium verifies ~9× faster than noble here), noble otherwise. Same answers either way.
import { toHex } from '../core/bytes';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256 } from '../core/hash';
import { nobleVerifier, type SignatureVerifier } from '../core/signing/ed25519';
import { hasWebCryptoEd25519 } from './keys';

const keyCache = new Map<string, Promise<CryptoKey>>();

function importPublic(publicKey: Uint8Array): Promise<CryptoKey> {
	const hex = toHex(publicKey);
	let key = keyCache.get(hex);
	if (!key) {
		key = crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
		keyCache.set(hex, key);
	}
	return key;
}

const webVerifier: SignatureVerifier = {
	async verify(signature, message, publicKey) {
		if (signature.length !== 64 || publicKey.length !== 32) return false;
		try {
			const key = await importPublic(publicKey);
			return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
		} catch {
			return false; // a malformed key is a failed check, not an exception
		}
	}
};

/** The fastest verifier this browser has. */
export async function browserVerifier(): Promise<SignatureVerifier> {
	return (await hasWebCryptoEd25519()) ? webVerifier : nobleVerifier;
}

/**
 * How a device hashes many changes: WebCrypto digests batched with Promise.all, noble's sha256, or
 * the core's plain-JS sha256 (core/sha256.ts), all in this thread but WebCrypto's.
 */
export type Hasher = 'webcrypto' | 'noble' | 'js';

/**
 * SHA-256 of each input. WebCrypto digests run natively, all started at once (Promise.all), each
 * a promise and a copy; the JS ones run here, one call each. bench/bootstrap.ts measures all three
 * on the snapshot path; the fastest there is the default (DEFAULT_HASHER).
 */
export async function sha256All(inputs: Uint8Array[], how: Hasher = DEFAULT_HASHER): Promise<Uint8Array[]> {
	if (how === 'js' || !globalThis.crypto?.subtle) return inputs.map((b) => sha256(b));
	if (how === 'noble') return inputs.map((b) => nobleSha256(b));
	const digests = await Promise.all(inputs.map((b) => crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)));
	return digests.map((d) => new Uint8Array(d));
}

/**
 * Measured fastest on the snapshot path (docs/performance.md): the core's plain-JS SHA-256 — a
 * change of a few hundred bytes costs less than a WebCrypto digest's promise and copy.
 */
export const DEFAULT_HASHER: Hasher = 'js';

/** SHA-256 of each input, hex, computed natively and concurrently. */
export async function sha256HexAll(inputs: Uint8Array[]): Promise<string[]> {
	if (!globalThis.crypto?.subtle) return inputs.map((b) => toHex(sha256(b)));
	const digests = await Promise.all(inputs.map((b) => crypto.subtle.digest('SHA-256', b as Uint8Array<ArrayBuffer>)));
	return digests.map((d) => toHex(new Uint8Array(d)));
}

export async function sha256Hex(input: Uint8Array): Promise<string> {
	return (await sha256HexAll([input]))[0];
}
