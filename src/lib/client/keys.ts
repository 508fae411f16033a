// The device's signing key. WebCrypto Ed25519 with a non-extractable private CryptoKey, kept in
// IndexedDB (structured clone keeps a CryptoKey, never its bytes); noble only where the browser
// lacks WebCrypto Ed25519, and then the seed itself has to be stored (said in ARCHITECTURE.md).
import { concat, fromHex } from '../core/bytes';
import { publicKeyOf, secretKeySigner, type Signer } from '../core/signing/ed25519';

export type StoredKey =
	| { kind: 'webcrypto'; privateKey: CryptoKey; publicKey: Uint8Array }
	| { kind: 'noble'; secretKey: Uint8Array; publicKey: Uint8Array };

/** RFC 8410 PKCS#8 wrapping of a raw 32-byte Ed25519 seed. */
const PKCS8_PREFIX = fromHex('302e020100300506032b657004220420');

let support: Promise<boolean> | null = null;

/** Whether this browser signs and verifies Ed25519 natively (Chromium, Firefox, Safari 17+). */
export function hasWebCryptoEd25519(): Promise<boolean> {
	support ??= (async () => {
		try {
			await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
			return true;
		} catch {
			return false;
		}
	})();
	return support;
}

export async function generateDeviceKey(): Promise<StoredKey> {
	if (await hasWebCryptoEd25519()) {
		const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
		const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
		return { kind: 'webcrypto', privateKey: pair.privateKey, publicKey };
	}
	const secretKey = crypto.getRandomValues(new Uint8Array(32));
	return { kind: 'noble', secretKey, publicKey: publicKeyOf(secretKey) };
}

/** Imports a raw seed (a demo key file's `secretKey`) as a non-extractable key; checks its public key. */
export async function importSeed(seed: Uint8Array, expectedPublicKey?: Uint8Array): Promise<StoredKey> {
	if (seed.length !== 32) throw new Error('an Ed25519 secret key is 32 bytes (64 hex digits)');
	const publicKey = publicKeyOf(seed);
	if (expectedPublicKey && publicKey.some((b, i) => b !== expectedPublicKey[i])) {
		throw new Error('the key file’s public key does not belong to its secret key');
	}
	if (await hasWebCryptoEd25519()) {
		const der = concat(PKCS8_PREFIX, seed) as Uint8Array<ArrayBuffer>;
		const privateKey = await crypto.subtle.importKey('pkcs8', der, { name: 'Ed25519' }, false, ['sign']);
		return { kind: 'webcrypto', privateKey, publicKey };
	}
	return { kind: 'noble', secretKey: Uint8Array.from(seed), publicKey };
}

export function signerOf(key: StoredKey): Signer {
	if (key.kind === 'noble') return secretKeySigner(key.secretKey);
	return {
		publicKey: key.publicKey,
		sign: async (message) =>
			new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, message as Uint8Array<ArrayBuffer>))
	};
}

/** A demo key file: `{ name, role, districts, publicKey, secretKey, enrolment }`. */
export interface KeyFile {
	name: string;
	publicKey: string;
	secretKey: string;
}

export function parseKeyFile(text: string): KeyFile {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new Error('the file is not JSON');
	}
	const f = json as Partial<KeyFile>;
	if (typeof f?.name !== 'string' || !/^[0-9a-f]{64}$/.test(f.secretKey ?? '') || !/^[0-9a-f]{64}$/.test(f.publicKey ?? '')) {
		throw new Error('a key file has name, publicKey and secretKey (64 hex digits each)');
	}
	return { name: f.name, publicKey: f.publicKey!, secretKey: f.secretKey! };
}
