// Ed25519 through one small interface, so the server can plug in node:crypto (≈12× faster here)
// and the browser WebCrypto, while the core and its tests use noble. All give identical results.
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export const PUBLIC_KEY_BYTES = 32;
export const SECRET_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** Checks one signature. Must be a pure function of its inputs (RFC 8032 verification). */
export interface SignatureVerifier {
	verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean | Promise<boolean>;
}

/** Produces a signature with a key the implementation holds; the key never leaves it. */
export interface Signer {
	readonly publicKey: Uint8Array;
	sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export const nobleVerifier: SignatureVerifier = {
	verify(signature, message, publicKey) {
		if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
		try {
			// zip215:false gives RFC 8032 strict verification, as node:crypto and WebCrypto do.
			return ed.verify(signature, message, publicKey, { zip215: false });
		} catch {
			return false;
		}
	}
};

/** A signer over a 32-byte secret key (the RFC 8032 seed). The caller supplies the randomness. */
export function secretKeySigner(secretKey: Uint8Array): Signer {
	if (secretKey.length !== SECRET_KEY_BYTES) throw new Error('an Ed25519 secret key is 32 bytes');
	const key = Uint8Array.from(secretKey);
	return {
		publicKey: ed.getPublicKey(key),
		sign: (message) => ed.sign(message, key)
	};
}

export const publicKeyOf = (secretKey: Uint8Array): Uint8Array => ed.getPublicKey(secretKey);
