// Verifying map proofs (proof-codec.ts) against a map root from a signed checkpoint.
// A verified proof lists, in key order, its revealed leaves and its hidden subtrees; for each
// hidden subtree it knows enough of its keys' common prefix to tell whether it could hold a key
// with a given prefix. So one proof answers "these are ALL the leaves of parcel P" (or of a
// district, or of a run of parcels), and "P has none" — nothing hidden can be under P.
import { equalBytes } from '../bytes';
import { DecodeError } from '../codec';
import { fail, success, type Result } from '../log/result';
import { firstDifference, hasPrefix, keyBit, MAP_KEY_BITS, parcelPrefix, type MapPrefix } from './key';
import { decodeMapLeaf, mapLeafHashOfValue, type MapLeaf } from './leaf';
import { MAP_PART_CODES } from './parts';
import { decodeProof, readProof, type ProofVisitor } from './proof-codec';
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

/**
 * Decodes and checks a proof; succeeds only if it hashes to `root` and is well-formed. One pass
 * over the bytes (proof-codec.ts's format), hashing as it reads: no tree of nodes is built, and a
 * leaf is hashed from its value bytes as sent (a device checks a proof of every leaf of a page).
 */
export function verifyMapProof(bytes: Uint8Array, root: Uint8Array): Result<VerifiedMapProof> {
	const items: MapItem[] = [];
	// The key of the last leaf's parcel: a parcel's leaves come together, and its key prefix is
	// worth building once (key.ts checks the id's pattern each time).
	let lastParcel = '';
	let lastPrefix = '';
	// The key of a leaf revealed under the node last read, or null: returned beside the hash
	// through this variable, not a pair a node.
	let revealed: string | null = null;
	// Where the node being read hangs from its parent (-1, 0 for the top).
	let parentBit = -1;
	let side = 0;
	// Each node gives its hash; a malformed structure throws a string.
	const visitor: ProofVisitor<Uint8Array> = {
		hidden(hash) {
			items.push({ t: 'hidden', bit: parentBit, side, witness: null });
			revealed = null;
			return hash;
		},
		leaf(value) {
			const leaf = decodeMapLeaf(value);
			if (leaf.parcel !== lastParcel) [lastParcel, lastPrefix] = [leaf.parcel, parcelPrefix(leaf.parcel).key];
			const key = lastPrefix + String.fromCharCode(MAP_PART_CODES[leaf.part]);
			items.push({ t: 'leaf', key, leaf });
			revealed = key;
			return mapLeafHashOfValue(value);
		},
		branch(bit, child) {
			const above = parentBit;
			if (bit <= above || bit >= MAP_KEY_BITS) throw `branch bits must grow downwards within the key (${bit} under ${above})`;
			const leftAt = items.length;
			parentBit = bit;
			side = 0;
			const lh = child();
			const lk: string | null = revealed;
			const rightAt = items.length;
			parentBit = bit;
			side = 1;
			const rh = child();
			const rk: string | null = revealed;
			parentBit = above;
			if (lk === null && rk === null) throw `a branch at bit ${bit} reveals no leaf`;
			if (lk !== null && keyBit(lk, bit) !== 0) throw `a key on the left of bit ${bit} has that bit set`;
			if (rk !== null && keyBit(rk, bit) !== 1) throw `a key on the right of bit ${bit} has that bit clear`;
			if (lk !== null && rk !== null && firstDifference(lk, rk) !== bit) throw `keys under a branch at bit ${bit} differ before it`;
			// A hidden child's keys share the first `bit` bits with any key revealed under this branch.
			revealed = lk ?? rk;
			if (lk === null) (items[leftAt] as Extract<MapItem, { t: 'hidden' }>).witness = revealed;
			if (rk === null) (items[rightAt] as Extract<MapItem, { t: 'hidden' }>).witness = revealed;
			return branchHash(bit, lh, rh);
		}
	};
	let got: Uint8Array;
	try {
		got = readProof(bytes, visitor) ?? EMPTY_MAP_ROOT;
	} catch (e) {
		if (e instanceof DecodeError || e instanceof RangeError) return fail('malformed-map-proof', `map proof: ${e.message}`);
		if (typeof e !== 'string') throw e;
		// A structural fault: malformed bytes further on are reported first, as a decode before the walk would.
		try {
			decodeProof(bytes);
		} catch (d) {
			if (d instanceof DecodeError || d instanceof RangeError) return fail('malformed-map-proof', `map proof: ${d.message}`);
			throw d;
		}
		return bad(e);
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
