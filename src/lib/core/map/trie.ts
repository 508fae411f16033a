// The parcel map: a binary Merkle Patricia trie over 264-bit keys (key.ts), immutable and
// path-copying, so a version costs O(depth) new nodes and old versions stay readable while a
// reader proves against them. Its hash is canonical — a function of the set of leaves only:
//   hash({})         = SHA-256()                                   (empty map)
//   hash({leaf})     = SHA-256(0x00 ‖ leaf value)                   (leaf.ts)
//   hash(S), |S| ≥ 2 = SHA-256(0x01 ‖ u16 b ‖ hash(S₀) ‖ hash(S₁))
// where b is the first bit at which the keys of S differ and S₀, S₁ are the keys with bit b 0, 1.
// Node hashes are computed lazily and cached: a batch of edits costs one hash per new node.
import { sha256 } from '../hash';
import { firstDifference, hasPrefix, keyBit, type MapPrefix } from './key';
import { leafKey, mapLeafHash, type MapLeaf } from './leaf';
import { encodeProof, type ProofNode } from './proof-codec';

export const EMPTY_MAP_ROOT = sha256(new Uint8Array(0));

class LeafNode {
	hash?: Uint8Array;
	constructor(
		readonly key: string,
		readonly leaf: MapLeaf
	) {}
}

class BranchNode {
	hash?: Uint8Array;
	constructor(
		readonly bit: number,
		readonly left: Node,
		readonly right: Node,
		/** The key of a leaf beneath: every key beneath shares its first `bit` bits. */
		readonly ref: string,
		readonly size: number
	) {}
}

type Node = LeafNode | BranchNode;

const BRANCH_INPUT = new Uint8Array(67);

export function branchHash(bit: number, left: Uint8Array, right: Uint8Array): Uint8Array {
	const buf = BRANCH_INPUT; // reused: sha256 is synchronous and returns a fresh array
	buf[0] = 0x01;
	buf[1] = bit >> 8;
	buf[2] = bit & 0xff;
	buf.set(left, 3);
	buf.set(right, 35);
	return sha256(buf);
}

function hashOf(n: Node): Uint8Array {
	if (n.hash) return n.hash;
	// Iterative over the left spine would save stack, but depth is bounded by 264 bits.
	n.hash = n instanceof LeafNode ? mapLeafHash(n.leaf) : branchHash(n.bit, hashOf(n.left), hashOf(n.right));
	return n.hash;
}

const sizeOf = (n: Node | null) => (n === null ? 0 : n instanceof LeafNode ? 1 : n.size);
const refOf = (n: Node) => (n instanceof LeafNode ? n.key : n.ref);

function join(bit: number, a: Node, b: Node): BranchNode {
	const [left, right] = keyBit(refOf(a), bit) ? [b, a] : [a, b];
	return new BranchNode(bit, left, right, refOf(left), sizeOf(left) + sizeOf(right));
}

function insert(n: Node | null, key: string, update: (prev: MapLeaf | undefined) => MapLeaf): Node {
	if (n === null) return new LeafNode(key, update(undefined));
	if (n instanceof LeafNode) {
		if (n.key === key) return new LeafNode(key, update(n.leaf));
		return join(firstDifference(key, n.key), n, new LeafNode(key, update(undefined)));
	}
	const d = firstDifference(key, n.ref, n.bit);
	if (d < n.bit) return join(d, n, new LeafNode(key, update(undefined)));
	if (keyBit(key, n.bit)) {
		const right = insert(n.right, key, update);
		return new BranchNode(n.bit, n.left, right, n.ref, sizeOf(n.left) + sizeOf(right));
	}
	const left = insert(n.left, key, update);
	return new BranchNode(n.bit, left, n.right, refOf(left), sizeOf(left) + sizeOf(n.right));
}

type Update = { key: string; next: (prev: MapLeaf | undefined) => MapLeaf };

/**
 * The trie with a batch of updates (sorted by key, unique) applied, copying each touched node
 * once per batch rather than once per update.
 */
function merge(n: Node | null, ups: Update[], lo: number, hi: number): Node | null {
	if (lo >= hi) return n;
	if (n === null) return buildNew(ups, lo, hi);
	if (n instanceof LeafNode) {
		const keys: string[] = [];
		const leaves: MapLeaf[] = [];
		let placed = false;
		for (let i = lo; i < hi; i++) {
			const u = ups[i];
			if (!placed && n.key < u.key) (keys.push(n.key), leaves.push(n.leaf), (placed = true));
			keys.push(u.key);
			leaves.push(u.next(u.key === n.key ? ((placed = true), n.leaf) : undefined));
		}
		if (!placed) (keys.push(n.key), leaves.push(n.leaf));
		return build(keys, leaves, 0, keys.length);
	}
	// The first bit at which an update leaves this subtree's common prefix, if any.
	let d = n.bit;
	for (let i = lo; i < hi; i++) d = Math.min(d, firstDifference(ups[i].key, n.ref, d));
	if (d < n.bit) {
		// All updates share the first d bits, so bit d splits them (sorted) into a 0-run and a 1-run;
		// the run on the far side from this subtree becomes its new sibling.
		let m = lo;
		while (m < hi && keyBit(ups[m].key, d) === 0) m++;
		const [inLo, inHi, outLo, outHi] = keyBit(n.ref, d) ? [m, hi, lo, m] : [lo, m, m, hi];
		return join(d, merge(n, ups, inLo, inHi)!, buildNew(ups, outLo, outHi));
	}
	let m = lo;
	while (m < hi && keyBit(ups[m].key, n.bit) === 0) m++;
	const left = merge(n.left, ups, lo, m)!;
	const right = merge(n.right, ups, m, hi)!;
	return left === n.left && right === n.right ? n : new BranchNode(n.bit, left, right, refOf(left), sizeOf(left) + sizeOf(right));
}

function buildNew(ups: Update[], lo: number, hi: number): Node {
	const keys = ups.slice(lo, hi).map((u) => u.key);
	return build(keys, ups.slice(lo, hi).map((u) => u.next(undefined)), 0, keys.length);
}

/** Builds the canonical trie of leaves sorted by key (strictly increasing). */
function build(keys: string[], leaves: MapLeaf[], lo: number, hi: number): Node {
	if (hi - lo === 1) return new LeafNode(keys[lo], leaves[lo]);
	const bit = firstDifference(keys[lo], keys[hi - 1]);
	let a = lo + 1;
	let b = hi - 1; // the first key with bit `bit` set lies in (lo, hi-1]
	while (a < b) {
		const m = (a + b) >> 1;
		if (keyBit(keys[m], bit)) b = m;
		else a = m + 1;
	}
	return join(bit, build(keys, leaves, lo, a), build(keys, leaves, a, hi));
}

export interface MapEdit {
	parcel: string;
	part: MapLeaf['part'];
	/** Entry index; edits come in increasing index order. */
	index: number;
	/** For each edit: the next leaf given the previous one (leaf.ts nextLeaf). */
	next: (prev: MapLeaf | undefined) => MapLeaf;
}

export class ParcelMap {
	private constructor(readonly top: Node | null) {}

	static readonly empty = new ParcelMap(null);

	/** The canonical map of these leaves (any order; keys must be unique). */
	static fromLeaves(leaves: MapLeaf[]): ParcelMap {
		if (!leaves.length) return ParcelMap.empty;
		const keyed = leaves.map((l) => ({ k: leafKey(l), l })).sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
		for (let i = 1; i < keyed.length; i++) if (keyed[i].k === keyed[i - 1].k) throw new RangeError(`two leaves for ${keyed[i].l.parcel} ${keyed[i].l.part}`);
		return new ParcelMap(build(keyed.map((x) => x.k), keyed.map((x) => x.l), 0, keyed.length));
	}

	get size(): number {
		return sizeOf(this.top);
	}

	get root(): Uint8Array {
		return this.top ? hashOf(this.top) : EMPTY_MAP_ROOT;
	}

	get(key: string): MapLeaf | undefined {
		let n = this.top;
		while (n instanceof BranchNode) n = keyBit(key, n.bit) ? n.right : n.left;
		return n && n.key === key ? n.leaf : undefined;
	}

	/** A new version with `update` applied to the leaf at `key`. */
	with(key: string, update: (prev: MapLeaf | undefined) => MapLeaf): ParcelMap {
		return new ParcelMap(insert(this.top, key, update));
	}

	/**
	 * A new version with a batch of updates applied (any order; several updates of one key are
	 * applied in the order given): what a sequencer batch does, much cheaper than `with` per edit.
	 */
	withAll(updates: Iterable<{ key: string; next: (prev: MapLeaf | undefined) => MapLeaf }>): ParcelMap {
		const byKey = new Map<string, Update['next']>();
		for (const { key, next } of updates) {
			const before = byKey.get(key);
			byKey.set(key, before ? (p) => next(before(p)) : next);
		}
		if (!byKey.size) return this;
		const ups = [...byKey].map(([key, next]) => ({ key, next })).sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
		return new ParcelMap(merge(this.top, ups, 0, ups.length));
	}

	/** Every leaf whose key has the prefix, in key order. */
	leavesUnder(prefix: MapPrefix): MapLeaf[] {
		const out: MapLeaf[] = [];
		const walk = (n: Node) => {
			if (n instanceof LeafNode) {
				if (hasPrefix(n.key, prefix)) out.push(n.leaf);
				return;
			}
			const lim = Math.min(prefix.bits, n.bit);
			if (firstDifference(n.ref, prefix.key, lim) < lim) return;
			if (n.bit < prefix.bits) walk(keyBit(prefix.key, n.bit) ? n.right : n.left);
			else (walk(n.left), walk(n.right));
		};
		if (this.top) walk(this.top);
		return out;
	}

	/**
	 * A proof (proof-codec.ts) that reveals every leaf under each prefix, and for a prefix with
	 * no leaf one leaf where its search ends (which proves the absence), with every other subtree
	 * as its hash. Verified by proof.ts.
	 */
	prove(prefixes: MapPrefix[]): Uint8Array {
		return encodeProof(this.top ? pruned(this.top, prefixes) : null);
	}

	/**
	 * The siblings from the subtree of a prefix up to the root, lowest first: with the hash of
	 * the subtree (computed from leaves one holds), they give the root (proof.ts rootFromPath).
	 * Null when no key has the prefix.
	 */
	pathTo(prefix: MapPrefix): { bit: number; hash: Uint8Array }[] | null {
		const path: { bit: number; hash: Uint8Array }[] = [];
		let n = this.top;
		while (n instanceof BranchNode && n.bit < prefix.bits) {
			if (firstDifference(prefix.key, n.ref, n.bit) < n.bit) return null;
			const right = keyBit(prefix.key, n.bit) === 1;
			path.push({ bit: n.bit, hash: hashOf(right ? n.left : n.right) });
			n = right ? n.right : n.left;
		}
		if (!n || !hasPrefix(refOf(n), prefix)) return null;
		return path.reverse();
	}
}

const opaque = (n: Node): ProofNode => ({ t: 'hash', hash: hashOf(n) });

/** The leftmost leaf of n revealed, the rest as hashes: a witness of n's common key prefix. */
function witness(n: Node): ProofNode {
	if (n instanceof LeafNode) return { t: 'leaf', leaf: n.leaf };
	return { t: 'branch', bit: n.bit, left: witness(n.left), right: opaque(n.right) };
}

function pruned(n: Node, targets: MapPrefix[]): ProofNode {
	if (n instanceof LeafNode) return { t: 'leaf', leaf: n.leaf };
	const hit = targets.filter((p) => {
		const lim = Math.min(p.bits, n.bit);
		return firstDifference(p.key, n.ref, lim) === lim;
	});
	if (!hit.length) return witness(n);
	const left = hit.filter((p) => p.bits <= n.bit || keyBit(p.key, n.bit) === 0);
	const right = hit.filter((p) => p.bits <= n.bit || keyBit(p.key, n.bit) === 1);
	return {
		t: 'branch',
		bit: n.bit,
		left: left.length ? pruned(n.left, left) : opaque(n.left),
		right: right.length ? pruned(n.right, right) : opaque(n.right)
	};
}

/** The hash of the canonical trie of these leaves (e.g. a district a device holds). */
export const hashOfLeaves = (leaves: MapLeaf[]): Uint8Array => ParcelMap.fromLeaves(leaves).root;
