// Automerge actor IDs bound to signing keys. An actor is 24 bytes: the first 16 bytes of
// SHA-256(ed25519 public key), then 8 random bytes per tab session. Anyone can check from a
// change and its signer's key that the actor belongs to the signer; two tabs of one device
// never share an actor, because Automerge refuses a second change with the same actor and seq.
import { toHex } from '../bytes';
import { sha256 } from '../hash';

export const ACTOR_BYTES = 24;
export const ACTOR_KEY_PREFIX_BYTES = 16;
export const ACTOR_SUFFIX_BYTES = 8;
const ACTOR_HEX = /^[0-9a-f]{48}$/;

/** Hex of the 16-byte key-derived prefix of every actor this key may use. */
export function keyActorPrefix(publicKey: Uint8Array): string {
	if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
	return toHex(sha256(publicKey).subarray(0, ACTOR_KEY_PREFIX_BYTES));
}

/** The actor for one tab session; `suffix` is 8 random bytes from the caller's randomness. */
export function makeActor(publicKey: Uint8Array, suffix: Uint8Array): string {
	if (suffix.length !== ACTOR_SUFFIX_BYTES) throw new RangeError('the actor suffix is 8 bytes');
	return keyActorPrefix(publicKey) + toHex(suffix);
}

export const isActor = (actor: string): boolean => ACTOR_HEX.test(actor);

/** The key-derived prefix (32 hex digits) of an actor, or null if it is not one of ours. */
export function actorKeyPrefix(actor: string): string | null {
	return isActor(actor) ? actor.slice(0, ACTOR_KEY_PREFIX_BYTES * 2) : null;
}

/** True when `actor` was derived from `publicKey` (the check a verifier runs per change). */
export function actorBelongsTo(actor: string, publicKey: Uint8Array): boolean {
	const prefix = actorKeyPrefix(actor);
	if (prefix === null || publicKey.length !== 32) return false;
	return prefix === keyActorPrefix(publicKey);
}
