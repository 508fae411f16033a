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

/** Strict decode: throws DecodeError on truncation, trailing bytes, bad tags or an impossible depth. */
export function decodeProof(bytes: Uint8Array): ProofNode | null {
	const r = new Reader(bytes);
	if (r.u8() !== MAP_PROOF_VERSION) throw new DecodeError('unknown map proof version');
	const has = r.u8();
	if (has > 1) throw new DecodeError('bad map proof header');
	let nodes = 0;
	const take = (depth: number): ProofNode => {
		if (++nodes > MAX_PROOF_NODES) throw new DecodeError('map proof has too many nodes');
		if (depth > MAP_KEY_BITS) throw new DecodeError('map proof is deeper than the key length allows');
		const tag = r.u8();
		if (tag === 0) return { t: 'leaf', leaf: decodeMapLeaf(r.fixed(r.u8())) };
		if (tag === 2) return { t: 'hash', hash: r.fixed(32) };
		if (tag !== 1) throw new DecodeError(`bad map proof node tag ${tag}`);
		const bit = r.u16();
		const left = take(depth + 1);
		return { t: 'branch', bit, left, right: take(depth + 1) };
	};
	const top = has ? take(0) : null;
	r.end();
	return top;
}
