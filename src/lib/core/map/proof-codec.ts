// Map proofs on the wire: a pruned trie in pre-order.
//   node = 0x00 ‖ u8 n ‖ leaf value[n]          a revealed leaf (leaf.ts)
//        | 0x01 ‖ u16 bit ‖ node ‖ node          a branch: left (bit 0) then right (bit 1)
//        | 0x02 ‖ hash[32]                       a subtree given by its hash only
//   proof = u8 version (1) ‖ u8 0 (empty map) | u8 1 ‖ node
import { DecodeError, Reader, Writer } from '../codec';
import { decodeMapLeaf, encodeMapLeaf, type MapLeaf } from './leaf';
import { MAP_KEY_BITS } from './key';

export type ProofNode =
	| { t: 'leaf'; leaf: MapLeaf }
	| { t: 'branch'; bit: number; left: ProofNode; right: ProofNode }
	| { t: 'hash'; hash: Uint8Array };

export const MAP_PROOF_VERSION = 1;
/** More nodes than any honest proof of a district of 4M keys; bounds what a verifier decodes. */
export const MAX_PROOF_NODES = 1 << 24;

export function encodeProof(top: ProofNode | null): Uint8Array {
	const w = new Writer().u8(MAP_PROOF_VERSION).u8(top ? 1 : 0);
	const put = (n: ProofNode): void => {
		if (n.t === 'leaf') {
			const v = encodeMapLeaf(n.leaf);
			w.u8(0).u8(v.length).fixed(v, v.length);
		} else if (n.t === 'hash') w.u8(2).fixed(n.hash, 32);
		else {
			w.u8(1).u16(n.bit);
			put(n.left);
			put(n.right);
		}
	};
	if (top) put(top);
	return w.bytes();
}

/**
 * What a reader of a proof does with each node, in pre-order. `branch` must call `child` exactly
 * twice, left then right: the children are read from the bytes when it does (a verifier can check a
 * branch before reading under it). `value` and `hash` are views of the proof's bytes.
 */
export interface ProofVisitor<T> {
	leaf(value: Uint8Array): T;
	hidden(hash: Uint8Array): T;
	branch(bit: number, child: () => T): T;
}

/**
 * The one reader of the format: throws DecodeError on truncation, trailing bytes, bad tags, too
 * many nodes or an impossible depth; null for the empty map. Whatever a visitor throws passes through.
 */
export function readProof<T>(bytes: Uint8Array, v: ProofVisitor<T>): T | null {
	const r = new Reader(bytes);
	if (r.u8() !== MAP_PROOF_VERSION) throw new DecodeError('unknown map proof version');
	const has = r.u8();
	if (has > 1) throw new DecodeError('bad map proof header');
	let nodes = 0;
	let depth = 0;
	const take = (): T => {
		if (++nodes > MAX_PROOF_NODES) throw new DecodeError('map proof has too many nodes');
		if (depth > MAP_KEY_BITS) throw new DecodeError('map proof is deeper than the key length allows');
		const tag = r.u8();
		if (tag === 0) return v.leaf(r.view(r.u8()));
		if (tag === 2) return v.hidden(r.view(32));
		if (tag !== 1) throw new DecodeError(`bad map proof node tag ${tag}`);
		return v.branch(r.u16(), child);
	};
	// One function for every child (no closure a branch): the depth moves around the read.
	const child = (): T => {
		depth++;
		try {
			return take();
		} finally {
			depth--;
		}
	};
	const top = has ? take() : null;
	r.end();
	return top;
}

/** Strict decode into a tree (readProof's errors). */
export function decodeProof(bytes: Uint8Array): ProofNode | null {
	return readProof<ProofNode>(bytes, {
		leaf: (value) => ({ t: 'leaf', leaf: decodeMapLeaf(value) }),
		hidden: (hash) => ({ t: 'hash', hash: hash.slice() }),
		branch: (bit, child) => {
			const left = child();
			return { t: 'branch', bit, left, right: child() };
		}
	});
}
