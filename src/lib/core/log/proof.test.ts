import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { emptyTreeRoot, leafHash, nodeHash } from './hashing';
import { CT_CONSISTENCY_PROOFS, CT_INCLUSION_PROOFS, CT_LEAVES, CT_ROOTS } from './merkle.vectors';
import { checkRecord, checkTree, proveRecord, proveTree, verifyConsistency, verifyInclusion } from './proof';
import { MemoryHashStore, treeHash } from './tree';

const hex = (hs: readonly Uint8Array[]) => hs.map(toHex);
const unhex = (hs: readonly string[]) => hs.map(fromHex);

// ---- RFC 6962 §2.1, written as literally as possible, for comparison ----
class Reference {
	#memo = new Map<string, Uint8Array>();
	constructor(private readonly leaves: Uint8Array[]) {}

	/** MTH(D[lo:hi]); memoized, since a subtree's hash does not depend on the tree around it. */
	mth(lo: number, hi: number): Uint8Array {
		const key = `${lo}:${hi}`;
		let h = this.#memo.get(key);
		if (!h) {
			const n = hi - lo;
			if (n === 0) h = sha256(new Uint8Array(0));
			else if (n === 1) h = leafHash(this.leaves[lo]);
			else {
				const k = largestPow2Below(n);
				h = nodeHash(this.mth(lo, lo + k), this.mth(lo + k, hi));
			}
			this.#memo.set(key, h);
		}
		return h;
	}

	/** PATH(m, D[lo:hi]), §2.1.1. */
	path(m: number, lo: number, hi: number): Uint8Array[] {
		const n = hi - lo;
		if (n === 1) return [];
		const k = largestPow2Below(n);
		if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
		return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
	}

	/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), §2.1.2. */
	proof(m: number, n: number): Uint8Array[] {
		return this.#subproof(m, 0, n, true);
	}

	#subproof(m: number, lo: number, hi: number, b: boolean): Uint8Array[] {
		const n = hi - lo;
		if (m === n) return b ? [] : [this.mth(lo, hi)];
		const k = largestPow2Below(n);
		if (m <= k) return [...this.#subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
		return [...this.#subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
	}
}

// The inverses of PATH and SUBPROOF: the root(s) a proof implies for (m, n), or null if it has the
// wrong length. A proof made for one (index, size) may also fit another size with the same shape:
// RFC 9162 proofs bind the size only through the signed root, so these oracles say what to expect.
function rootFromPath(m: number, n: number, leaf: Uint8Array, proof: Uint8Array[]): Uint8Array | null {
	if (n === 1) return proof.length === 0 ? leaf : null;
	if (proof.length === 0) return null;
	const k = largestPow2Below(n);
	const [rest, last] = [proof.slice(0, -1), proof[proof.length - 1]];
	if (m < k) {
		const h = rootFromPath(m, k, leaf, rest);
		return h && nodeHash(h, last);
	}
	const h = rootFromPath(m - k, n - k, leaf, rest);
	return h && nodeHash(last, h);
}

function rootsFromSubproof(m: number, n: number, b: boolean, old: Uint8Array, proof: Uint8Array[]): Uint8Array[] | null {
	if (m === n) {
		if (b) return proof.length === 0 ? [old, old] : null;
		return proof.length === 1 ? [proof[0], proof[0]] : null;
	}
	if (proof.length === 0) return null;
	const k = largestPow2Below(n);
	const [rest, last] = [proof.slice(0, -1), proof[proof.length - 1]];
	if (m <= k) {
		const r = rootsFromSubproof(m, k, b, old, rest);
		return r && [r[0], nodeHash(r[1], last)];
	}
	const r = rootsFromSubproof(m - k, n - k, false, old, rest);
	return r && [nodeHash(last, r[0]), nodeHash(last, r[1])];
}

const inclusionOracle = (leaf: Uint8Array, m: number, t: number, proof: Uint8Array[], root: Uint8Array): boolean => {
	if (m < 0 || m >= t) return false;
	const r = rootFromPath(m, t, leaf, proof);
	return r !== null && toHex(r) === toHex(root);
};

const consistencyOracle = (m: number, t: number, r1: Uint8Array, r2: Uint8Array, proof: Uint8Array[]): boolean => {
	if (m < 1 || m > t) return false;
	const r = rootsFromSubproof(m, t, true, r1, proof);
	return r !== null && toHex(r[0]) === toHex(r1) && toHex(r[1]) === toHex(r2);
};

function largestPow2Below(n: number): number {
	let k = 1;
	while (k * 2 < n) k *= 2;
	return k;
}

function flipped(proof: Uint8Array[], i: number, bit: number): Uint8Array[] {
	const out = proof.map((h) => Uint8Array.from(h));
	out[i][bit >> 3] ^= 1 << (bit & 7);
	return out;
}

const MAX = 70;
const leaves = Array.from({ length: MAX }, (_, i) => utf8(`leaf ${i}`));
const ref = new Reference(leaves);
const store = new MemoryHashStore();
leaves.forEach((l) => store.append(l));

describe('CT reference vectors (transparency-dev/merkle)', () => {
	const ctLeaves = CT_LEAVES.map(fromHex);
	const ct = new MemoryHashStore();
	ctLeaves.forEach((l) => ct.append(l));

	it('roots for every size 1..8', async () => {
		for (let size = 1; size <= 8; size++) {
			expect(toHex(await treeHash(size, ct.readHashes))).toBe(CT_ROOTS[size - 1]);
		}
	});

	for (const v of CT_INCLUSION_PROOFS) {
		it(`inclusion proof for leaf ${v.index} of ${v.size}`, async () => {
			const root = fromHex(CT_ROOTS[v.size - 1]);
			const leaf = leafHash(ctLeaves[v.index]);
			expect(hex(await proveRecord(v.size, v.index, ct.readHashes))).toEqual(v.proof);
			expect(checkRecord(unhex(v.proof), v.size, root, v.index, leaf)).toEqual({ ok: true });
			expect(verifyInclusion(leaf, v.index, v.size, unhex(v.proof), root)).toEqual({ ok: true });
		});
	}

	for (const v of CT_CONSISTENCY_PROOFS) {
		it(`consistency proof from ${v.first} to ${v.second}`, async () => {
			const r1 = fromHex(CT_ROOTS[v.first - 1]);
			const r2 = fromHex(CT_ROOTS[v.second - 1]);
			expect(hex(await proveTree(v.second, v.first, ct.readHashes))).toEqual(v.proof);
			expect(checkTree(unhex(v.proof), v.second, r2, v.first, r1)).toEqual({ ok: true });
			expect(verifyConsistency(v.first, v.second, r1, r2, unhex(v.proof))).toEqual({ ok: true });
		});
	}
});

describe(`every tree size 1..${MAX} against a literal RFC 6962 implementation`, () => {
	it('roots', async () => {
		for (let t = 1; t <= MAX; t++) expect(toHex(await treeHash(t, store.readHashes))).toBe(toHex(ref.mth(0, t)));
	});

	it('inclusion proofs for every leaf, accepted by both checkers', async () => {
		for (let t = 1; t <= MAX; t++) {
			const root = ref.mth(0, t);
			for (let m = 0; m < t; m++) {
				const proof = await proveRecord(t, m, store.readHashes);
				expect(hex(proof)).toEqual(hex(ref.path(m, 0, t)));
				const leaf = leafHash(leaves[m]);
				expect(checkRecord(proof, t, root, m, leaf).ok).toBe(true);
				expect(verifyInclusion(leaf, m, t, proof, root).ok).toBe(true);
			}
		}
	});

	it('consistency proofs for every pair m ≤ n, accepted by both checkers', async () => {
		for (let t = 1; t <= MAX; t++) {
			const root = ref.mth(0, t);
			for (let m = 1; m <= t; m++) {
				const proof = await proveTree(t, m, store.readHashes);
				expect(hex(proof)).toEqual(hex(ref.proof(m, t)));
				const old = ref.mth(0, m);
				expect(checkTree(proof, t, root, m, old).ok).toBe(true);
				expect(verifyConsistency(m, t, old, root, proof).ok).toBe(true);
			}
		}
	});

	// Corruptions cost hashing, so each size gets a few indexes: both edges, the middle and one more.
	const sample = (t: number, from: number) => [...new Set([from, t - 1, Math.floor(t / 2), (t * 5 + 3) % t])].filter((m) => m >= from);

	it('rejects corrupted inclusion proofs for every size', async () => {
		const wrong: string[] = [];
		let [accepted, rejected] = [0, 0];
		for (let t = 1; t <= MAX; t++) {
			const root = ref.mth(0, t);
			for (const m of sample(t, 0)) {
				const proof = await proveRecord(t, m, store.readHashes);
				const leaf = leafHash(leaves[m]);
				const expectOutcome = (what: string, want: boolean, p: Uint8Array[], index = m, size = t, r = root, l = leaf) => {
					const got = [checkRecord(p, size, r, index, l).ok, verifyInclusion(l, index, size, p, r).ok];
					if (got[0] !== want || got[1] !== want) wrong.push(`${what} for leaf ${m} of ${t}: ${got}`);
				};
				proof.forEach((_, i) => expectOutcome(`flip in proof[${i}]`, false, flipped(proof, i, (i * 37 + m) % 256)));
				for (const [index, size] of [[m - 1, t], [m + 1, t], [m ^ 2, t], [m, t - 1], [m, t + 1], [m, t * 2], [m, t >> 1]]) {
					if (index === m && size === t) continue;
					const want = inclusionOracle(leaf, index, size, proof, root);
					if (want) accepted++;
					else rejected++;
					expectOutcome(`index ${index}, size ${size}`, want, proof, index, size);
				}
				if (proof.length > 0) expectOutcome('truncated', false, proof.slice(0, -1));
				if (proof.length > 0) expectOutcome('first hash dropped', false, proof.slice(1));
				expectOutcome('extended', false, [...proof, root]);
				expectOutcome('prepended', false, [root, ...proof]);
				expectOutcome('trailing garbage', false, [...proof, new Uint8Array(0)]);
				expectOutcome('empty root', false, proof, m, t, emptyTreeRoot());
				expectOutcome('wrong leaf', false, proof, m, t, root, leafHash(utf8('wrong leaf')));
			}
		}
		expect(wrong).toEqual([]);
		// Most other (index, size) pairs fail; some share the proof's shape, as RFC 9162 allows.
		expect(accepted).toBeGreaterThan(0);
		expect(rejected).toBeGreaterThan(accepted);
	});

	it('rejects corrupted consistency proofs for every size', async () => {
		const wrong: string[] = [];
		let [accepted, rejected] = [0, 0];
		for (let t = 2; t <= MAX; t++) {
			const root = ref.mth(0, t);
			for (const m of sample(t, 1)) {
				const proof = await proveTree(t, m, store.readHashes);
				const old = ref.mth(0, m);
				const expectOutcome = (what: string, want: boolean, p: Uint8Array[], m1 = m, t1 = t, r1 = old, r2 = root) => {
					const got = [checkTree(p, t1, r2, m1, r1).ok, verifyConsistency(m1, t1, r1, r2, p).ok];
					if (got[0] !== want || got[1] !== want) wrong.push(`${what} for ${m} → ${t}: ${got}`);
				};
				proof.forEach((_, i) => expectOutcome(`flip in proof[${i}]`, false, flipped(proof, i, (i * 41 + t) % 256)));
				for (const [m1, t1] of [[m - 1, t], [m + 1, t], [m ^ 2, t], [m, t - 1], [m, t + 1], [m, t * 2]]) {
					if ((m1 === m && t1 === t) || m1 < 1 || m1 > t1) continue;
					const want = consistencyOracle(m1, t1, old, root, proof);
					if (want) accepted++;
					else rejected++;
					expectOutcome(`sizes ${m1} → ${t1}`, want, proof, m1, t1);
				}
				expectOutcome('swapped roots', false, proof, m, t, root, old);
				expectOutcome('truncated', false, proof.slice(0, -1));
				expectOutcome('first hash dropped', false, proof.slice(1));
				expectOutcome('empty', false, []);
				expectOutcome('extended', false, [...proof, old]);
				expectOutcome('prepended', false, [proof[0], ...proof]);
				expectOutcome('trailing garbage', false, [...proof, new Uint8Array(0)]);
			}
		}
		expect(wrong).toEqual([]);
		expect(accepted).toBeGreaterThan(0);
		expect(rejected).toBeGreaterThan(accepted);
	});

	it('rejects a flip of any single bit in the CT vector proofs', () => {
		const ctLeaves = CT_LEAVES.map(fromHex);
		const wrong: string[] = [];
		for (const v of CT_INCLUSION_PROOFS) {
			const [proof, root, leaf] = [unhex(v.proof), fromHex(CT_ROOTS[v.size - 1]), leafHash(ctLeaves[v.index])];
			for (let i = 0; i < proof.length; i++) {
				for (let bit = 0; bit < 256; bit++) {
					const p = flipped(proof, i, bit);
					if (checkRecord(p, v.size, root, v.index, leaf).ok || verifyInclusion(leaf, v.index, v.size, p, root).ok) {
						wrong.push(`inclusion ${v.index}/${v.size} proof[${i}] bit ${bit}`);
					}
				}
			}
		}
		for (const v of CT_CONSISTENCY_PROOFS) {
			const [proof, r1, r2] = [unhex(v.proof), fromHex(CT_ROOTS[v.first - 1]), fromHex(CT_ROOTS[v.second - 1])];
			for (let i = 0; i < proof.length; i++) {
				for (let bit = 0; bit < 256; bit++) {
					const p = flipped(proof, i, bit);
					if (checkTree(p, v.second, r2, v.first, r1).ok || verifyConsistency(v.first, v.second, r1, r2, p).ok) {
						wrong.push(`consistency ${v.first}→${v.second} proof[${i}] bit ${bit}`);
					}
				}
			}
		}
		expect(wrong).toEqual([]);
	});
});

describe('edges', () => {
	const root3 = ref.mth(0, 3);
	const empty = emptyTreeRoot();

	it('refuses to prove what is not in the tree', async () => {
		await expect(proveRecord(3, 3, store.readHashes)).rejects.toThrow(RangeError);
		await expect(proveRecord(0, 0, store.readHashes)).rejects.toThrow(RangeError);
		await expect(proveTree(3, 4, store.readHashes)).rejects.toThrow(RangeError);
		await expect(proveTree(3, -1, store.readHashes)).rejects.toThrow(RangeError);
	});

	it('returns values naming the problem for bad arguments', () => {
		expect(verifyInclusion(leafHash(leaves[0]), 3, 3, [], root3)).toMatchObject({ ok: false, code: 'invalid-argument' });
		expect(checkRecord([], 0, empty, 0, leafHash(leaves[0]))).toMatchObject({ ok: false, code: 'invalid-argument' });
		expect(verifyInclusion(new Uint8Array(31), 0, 1, [], root3)).toMatchObject({ code: 'invalid-argument' });
		expect(verifyConsistency(4, 3, root3, root3, [])).toMatchObject({ ok: false, code: 'invalid-argument' });
		expect(checkTree([], 3, root3, 4, root3)).toMatchObject({ code: 'invalid-argument' });
		expect(verifyConsistency(1.5, 3, root3, root3, [])).toMatchObject({ code: 'invalid-argument' });
		expect(verifyConsistency(1, 3, root3, root3, [new Uint8Array(33)])).toMatchObject({ code: 'invalid-argument' });
	});

	it('treats equal sizes and the empty tree as RFC 6962 defines them', async () => {
		expect(await proveTree(3, 3, store.readHashes)).toEqual([]);
		expect(await proveTree(3, 0, store.readHashes)).toEqual([]);
		for (const check of [
			(m: number, t: number, r1: Uint8Array, r2: Uint8Array, p: Uint8Array[]) => checkTree(p, t, r2, m, r1),
			verifyConsistency
		]) {
			expect(check(3, 3, root3, root3, []).ok).toBe(true);
			expect(check(3, 3, root3, empty, []).ok).toBe(false);
			expect(check(3, 3, root3, root3, [root3]).ok).toBe(false);
			expect(check(0, 3, empty, root3, []).ok).toBe(true);
			expect(check(0, 0, empty, empty, []).ok).toBe(true);
			expect(check(0, 3, root3, root3, []).ok).toBe(false);
			expect(check(0, 0, empty, root3, []).ok).toBe(false);
			expect(check(0, 3, empty, root3, [root3]).ok).toBe(false);
		}
	});
});
