// RFC 6962 §2.1 Merkle tree hashing (SHA-256), with the leaf/node prefixes that stop a leaf
// from being passed off as an interior node (second-preimage resistance).
import { sha256 } from '../hash';

export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({d}) = SHA-256(0x00 ‖ d), RFC 6962 §2.1. */
export function leafHash(entry: Uint8Array): Uint8Array {
	const buf = new Uint8Array(1 + entry.length);
	buf[0] = LEAF_PREFIX;
	buf.set(entry, 1);
	return sha256(buf);
}

/** SHA-256(0x01 ‖ left ‖ right), RFC 6962 §2.1. Callers check that inputs are 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
	const buf = new Uint8Array(1 + left.length + right.length);
	buf[0] = NODE_PREFIX;
	buf.set(left, 1);
	buf.set(right, 1 + left.length);
	return sha256(buf);
}

/** MTH({}) = SHA-256() — the root of the empty tree, RFC 6962 §2.1. */
export function emptyTreeRoot(): Uint8Array {
	return sha256(new Uint8Array(0));
}

export const isHash = (h: Uint8Array): boolean => h instanceof Uint8Array && h.length === HASH_SIZE;
