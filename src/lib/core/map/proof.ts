// Verifying map proofs (proof-codec.ts) against a map root from a signed checkpoint.
// A verified proof lists, in key order, its revealed leaves and its hidden subtrees; for each
// hidden subtree it knows enough of its keys' common prefix to tell whether it could hold a key
// with a given prefix. So one proof answers "these are ALL the leaves of parcel P" (or of a
// district, or of a run of parcels), and "P has none" — nothing hidden can be under P.
import { equalBytes } from '../bytes';
import { DecodeError } from '../codec';
import { fail, success, type Result } from '../log/result';
import { firstDifference, hasPrefix, keyBit, MAP_KEY_BITS, type MapPrefix } from './key';
import { leafKey, mapLeafHash, type MapLeaf } from './leaf';
import { decodeProof, type ProofNode } from './proof-codec';
import { branchHash, EMPTY_MAP_ROOT } from './trie';

export type MapItem =
	| { t: 'leaf'; key: string; leaf: MapLeaf }
	/** A hidden subtree: its parent splits at `bit` and it is the `side` child; `witness` is a revealed key under that parent. */
	| { t: 'hidden'; bit: number; side: number; witness: string | null };

export interface VerifiedMapProof {
	root: Uint8Array;
	/** Revealed leaves and hidden subtrees in key order. */
	items: MapItem[];
}

const bad = (why: string) => fail('invalid-map-proof', `map proof: ${why}`);

/** Whether a hidden subtree could hold a key with the prefix. */
export function mayHold(item: Extract<MapItem, { t: 'hidden' }>, p: MapPrefix): boolean {
	if (item.witness === null) return true; // the whole map is hidden
	const lim = Math.min(p.bits, item.bit);
	if (firstDifference(item.witness, p.key, lim) < lim) return false;
	return !(item.bit < p.bits && keyBit(p.key, item.bit) !== item.side);
}

/** Decodes and checks a proof; succeeds only if it hashes to `root` and is well-formed. */
export function verifyMapProof(bytes: Uint8Array, root: Uint8Array): Result<VerifiedMapProof> {
	let top: ProofNode | null;
	try {
		top = decodeProof(bytes);
	} catch (e) {
		if (e instanceof DecodeError || e instanceof RangeError) return fail('malformed-map-proof', `map proof: ${e.message}`);
		throw e;
	}
	const items: MapItem[] = [];
	// Returns [hash, a revealed key beneath or null]; throws a string on a malformed structure.
	const walk = (n: ProofNode, above: number, parent: { bit: number; side: number } | null): [Uint8Array, string | null] => {
		if (n.t === 'hash') {
			items.push({ t: 'hidden', bit: parent?.bit ?? -1, side: parent?.side ?? 0, witness: null });
			return [n.hash, null];
		}
		if (n.t === 'leaf') {
			const key = leafKey(n.leaf);
			items.push({ t: 'leaf', key, leaf: n.leaf });
			return [mapLeafHash(n.leaf), key];
		}
		if (n.bit <= above || n.bit >= MAP_KEY_BITS) throw `branch bits must grow downwards within the key (${n.bit} under ${above})`;
		const at = items.length;
		const [lh, lk] = walk(n.left, n.bit, { bit: n.bit, side: 0 });
		const mid = items.length;
		const [rh, rk] = walk(n.right, n.bit, { bit: n.bit, side: 1 });
		if (lk === null && rk === null) throw `a branch at bit ${n.bit} reveals no leaf`;
		if (lk !== null && keyBit(lk, n.bit) !== 0) throw `a key on the left of bit ${n.bit} has that bit set`;
		if (rk !== null && keyBit(rk, n.bit) !== 1) throw `a key on the right of bit ${n.bit} has that bit clear`;
		if (lk !== null && rk !== null && firstDifference(lk, rk) !== n.bit) throw `keys under a branch at bit ${n.bit} differ before it`;
		const w = lk ?? rk;
		// A hidden child's keys share the first `bit` bits with any key revealed under this branch.
		if (lk === null) (items[at] as Extract<MapItem, { t: 'hidden' }>).witness = w;
		if (rk === null) (items[mid] as Extract<MapItem, { t: 'hidden' }>).witness = w;
		return [branchHash(n.bit, lh, rh), w];
	};
	let got: Uint8Array;
	try {
		got = top ? walk(top, -1, null)[0] : EMPTY_MAP_ROOT;
	} catch (e) {
		if (typeof e === 'string') return bad(e);
		throw e;
	}
	if (!equalBytes(got, root)) return bad('it does not hash to the map root of the checkpoint');
	return success({ root, items });
}

/**
 * Every leaf under the prefix, in key order — provided nothing hidden could be under it.
 * Between `after` and `through` (keys of revealed leaves, exclusive and inclusive) when given:
 * how a page of a district is checked to hide nothing since the page before.
 */
export function leavesUnder(
	v: VerifiedMapProof,
	prefix: MapPrefix,
	range: { after?: string; through?: string } = {}
): Result<MapLeaf[]> {
	let start = 0;
	let end = v.items.length;
	const find = (k: string) => v.items.findIndex((i) => i.t === 'leaf' && i.key === k);
	if (range.after !== undefined) {
		const i = find(range.after);
		if (i < 0) return fail('incomplete-map-proof', 'map proof: the proof does not start where the previous part ended');
		start = i + 1;
	}
	if (range.through !== undefined) {
		const i = find(range.through);
		if (i < 0) return fail('incomplete-map-proof', 'map proof: the proof does not reach the last key it should cover');
		end = i + 1;
	}
	const out: MapLeaf[] = [];
	for (let i = start; i < end; i++) {
		const item = v.items[i];
		if (item.t === 'hidden') {
			if (mayHold(item, prefix)) return fail('incomplete-map-proof', 'map proof: it hides a subtree that may hold keys it should reveal');
		} else if (hasPrefix(item.key, prefix)) out.push(item.leaf);
	}
	return success(out);
}

/** The root from a prefix's subtree hash and its path (ParcelMap.pathTo), or a failure. */
export function rootFromPath(prefix: MapPrefix, subtree: Uint8Array, path: { bit: number; hash: Uint8Array }[]): Result<Uint8Array> {
	let h = subtree;
	let below = prefix.bits;
	for (const { bit, hash } of path) {
		if (bit >= below) return bad(`path bits must fall on the way up (${bit} above ${below})`);
		below = bit;
		h = keyBit(prefix.key, bit) ? branchHash(bit, hash, h) : branchHash(bit, h, hash);
	}
	return success(h);
}
