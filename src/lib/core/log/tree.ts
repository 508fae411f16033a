// Stored-hash layout of the log's Merkle tree, after Go's golang.org/x/mod/sumdb/tlog and
// Crosby & Wallach §3.3: every leaf hash and every hash of a *complete* subtree is written once,
// in append order, so storage is append-only; a root needs ≤ 1 + log2(n) reads, a proof ~2·log2(n).
import { emptyTreeRoot, isHash, leafHash, nodeHash } from './hashing';
import { isCount, largestPow2AtMost, requireCount, shr, trailingZeros } from './integers';
import { LogError } from './result';

/**
 * Reads stored hashes by index (see storedHashIndex). Must resolve to exactly one 32-byte hash
 * per index, in the order asked; may be faster when indexes are ascending (they always are here).
 * The server's SQLite and PostgreSQL stores implement it; tileHashReader serves it from tiles.
 */
export type HashReader = (indexes: number[]) => Promise<Uint8Array[]>;

/** Maps tree coordinates (level, n) — the n-th subtree of 2^level leaves — to a storage index. */
export function storedHashIndex(level: number, n: number): number {
	if (!Number.isInteger(level) || level < 0 || level > 62) throw new RangeError(`level out of range: ${level}`);
	requireCount(n, 'n');
	// Level L's n-th hash is written right after level L+1's (2n+1)-th hash: descend to level 0.
	let m = n;
	for (let l = level; l > 0; l--) m = 2 * m + 1;
	// Level 0's m-th hash sits at m + m/2 + m/4 + … (one entry per completed subtree before it).
	let i = 0;
	for (; m > 0; m = shr(m, 1)) i += m;
	const index = i + level;
	if (!isCount(index)) throw new RangeError(`stored hash index above 2^53 for level ${level}, n ${n}`);
	return index;
}

/** Inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
	requireCount(index, 'stored hash index');
	// storedHashIndex(0, n) < 2n, so the leaf that wrote `index` is in [index/2, index/2 + log2(index)].
	let n = shr(index, 1);
	let indexN = storedHashIndex(0, n);
	for (;;) {
		// Leaf n writes 1 + trailingZeros(n + 1) hashes, so leaf n + 1 starts at `next`.
		const next = indexN + 1 + trailingZeros(n + 1);
		if (next > index) break;
		n++;
		indexN = next;
	}
	const level = index - indexN; // written with leaf n: (0, n), (1, n/2), (2, n/4), …
	return { level, n: shr(n, level) };
}

/** Number of stored hashes in a tree of n leaves (= storedHashIndex(0, n)). */
export function storedHashCount(n: number): number {
	requireCount(n, 'tree size');
	return n === 0 ? 0 : storedHashIndex(0, n);
}

/** Indexes to read before appending leaf n: one per subtree that leaf n completes. */
function storedHashesPlan(n: number): number[] {
	const m = trailingZeros(n + 1); // each trailing 1 bit of n completes a subtree
	const indexes = new Array<number>(m);
	for (let i = 0; i < m; i++) indexes[m - 1 - i] = storedHashIndex(i, shr(n, i) - 1);
	return indexes;
}

function storedHashesFrom(leaf: Uint8Array, old: Uint8Array[]): Uint8Array[] {
	const out = [leaf];
	let h = leaf;
	for (let i = 0; i < old.length; i++) {
		h = nodeHash(old[old.length - 1 - i], h);
		out.push(h);
	}
	return out;
}

/**
 * The hashes to append, starting at storedHashIndex(0, n), when leaf n (0-based) with the given
 * leaf hash joins a tree of n leaves: the leaf hash, then the hash of each subtree it completes.
 */
export async function storedHashes(n: number, leaf: Uint8Array, readHashes: HashReader): Promise<Uint8Array[]> {
	requireCount(n, 'leaf index');
	if (!isHash(leaf)) throw new RangeError('a leaf hash is 32 bytes');
	const indexes = storedHashesPlan(n);
	return storedHashesFrom(leaf, await readChecked(readHashes, indexes));
}

/** Root of the tree of n leaves, RFC 6962 §2.1 MTH; SHA-256() for n = 0 (Go's tlog uses zeros). */
export async function treeHash(n: number, readHashes: HashReader): Promise<Uint8Array> {
	requireCount(n, 'tree size');
	if (n === 0) return emptyTreeRoot();
	const indexes: number[] = [];
	subtreeIndexes(0, n, indexes);
	const cursor = { hashes: await readChecked(readHashes, indexes), pos: 0 };
	return subtreeHash(0, n, cursor);
}

// ---- shared with proof.ts and tiles: the pieces of a range and the hashes that cover it ----

/** Hashes consumed in order by subtreeHash and the proof builders. */
export interface Cursor {
	hashes: Uint8Array[];
	pos: number;
}

/**
 * Appends the storage indexes covering leaves [lo, hi): the maximal complete subtrees, left to
 * right, whose hashes are stored (RFC 6962 §2.1 splits at powers of two, so these are aligned).
 */
export function subtreeIndexes(lo: number, hi: number, need: number[]): void {
	while (lo < hi) {
		const k = largestPow2AtMost(hi - lo);
		if (lo % k !== 0) throw new Error('tlog: bad math in subtreeIndexes');
		const level = trailingZeros(k);
		need.push(storedHashIndex(level, shr(lo, level)));
		lo += k;
	}
}

/** MTH(D[lo:hi]) from the hashes that subtreeIndexes(lo, hi) asked for, consumed from `cur`. */
export function subtreeHash(lo: number, hi: number, cur: Cursor): Uint8Array {
	let pieces = 0;
	for (let x = lo; x < hi; x += largestPow2AtMost(hi - x)) pieces++;
	if (pieces === 0 || cur.pos + pieces > cur.hashes.length) throw new Error('tlog: bad math in subtreeHash');
	// The rightmost piece is smallest; fold right to left as MTH's recursion does.
	let h = cur.hashes[cur.pos + pieces - 1];
	for (let i = pieces - 2; i >= 0; i--) h = nodeHash(cur.hashes[cur.pos + i], h);
	cur.pos += pieces;
	return h;
}

/** Calls a reader and holds it to its contract, so a faulty store fails loudly. */
export async function readChecked(readHashes: HashReader, indexes: number[]): Promise<Uint8Array[]> {
	if (indexes.length === 0) return [];
	const hashes = await readHashes(indexes);
	if (!Array.isArray(hashes) || hashes.length !== indexes.length) {
		throw new LogError('bad-read', `HashReader returned ${hashes?.length} hashes for ${indexes.length} indexes`);
	}
	for (const [i, h] of hashes.entries()) {
		if (!isHash(h)) throw new LogError('bad-read', `HashReader returned a malformed hash for index ${indexes[i]}`);
	}
	return hashes;
}

/**
 * An append-only tree held in memory, for tests and for clients that build small trees.
 * Appends are synchronous; readHashes serves copies so callers cannot corrupt the store.
 */
export class MemoryHashStore {
	#hashes: Uint8Array[] = [];
	#size = 0;

	/** Number of leaves. */
	get size(): number {
		return this.#size;
	}

	/** Number of stored hashes (storedHashCount(size)). */
	get hashCount(): number {
		return this.#hashes.length;
	}

	/** Appends an entry as an RFC 6962 leaf and returns its index. */
	append(entry: Uint8Array): number {
		return this.appendLeafHash(leafHash(entry));
	}

	appendLeafHash(leaf: Uint8Array): number {
		if (!isHash(leaf)) throw new RangeError('a leaf hash is 32 bytes');
		const n = this.#size;
		const old = storedHashesPlan(n).map((i) => this.#hashes[i]);
		this.#hashes.push(...storedHashesFrom(Uint8Array.from(leaf), old));
		this.#size++;
		return n;
	}

	/** The stored hash at a storage index. */
	hash(index: number): Uint8Array {
		if (!isCount(index) || index >= this.#hashes.length) {
			throw new RangeError(`stored hash ${index} is not in a tree of ${this.#size} leaves`);
		}
		return Uint8Array.from(this.#hashes[index]);
	}

	readonly readHashes: HashReader = async (indexes) => indexes.map((i) => this.hash(i));
}
