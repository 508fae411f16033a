// Inclusion and consistency proofs, RFC 6962 §2.1.1–2.1.2 / RFC 9162 §2.1.3–2.1.4.
// prove*/check* walk the tree recursively over stored hashes (after Go's sumdb/tlog); the
// verify* functions are the RFC 9162 iterative algorithms, needing nothing but the proof.
// Both produce and accept exactly the hashes CT's get-proof-by-hash / get-sth-consistency return.
import { equalBytes } from '../bytes';
import { emptyTreeRoot, isHash, nodeHash } from './hashing';
import { isCount, isOdd, largestPow2AtMost, requireCount, shr, splitPoint } from './integers';
import { fail, OK, type Verdict } from './result';
import { readChecked, subtreeHash, subtreeIndexes, type Cursor, type HashReader } from './tree';

// ---- inclusion (audit path) ----

function leafProofIndexes(lo: number, hi: number, n: number, need: number[]): void {
	if (lo + 1 === hi) return; // the verifier has the leaf hash itself
	const k = splitPoint(hi - lo);
	if (n < lo + k) {
		leafProofIndexes(lo, lo + k, n, need);
		subtreeIndexes(lo + k, hi, need);
	} else {
		subtreeIndexes(lo, lo + k, need);
		leafProofIndexes(lo + k, hi, n, need);
	}
}

// RFC 6962 §2.1.1 PATH(m, D[n]): the sibling of each node on the way up, deepest first.
function leafProof(lo: number, hi: number, n: number, cur: Cursor, out: Uint8Array[]): void {
	if (lo + 1 === hi) return;
	const k = splitPoint(hi - lo);
	if (n < lo + k) {
		leafProof(lo, lo + k, n, cur, out);
		out.push(subtreeHash(lo + k, hi, cur));
	} else {
		const left = subtreeHash(lo, lo + k, cur);
		leafProof(lo + k, hi, n, cur, out);
		out.push(left);
	}
}

/** Inclusion proof for leaf n in the tree of size t (0 ≤ n < t), in RFC 9162 §2.1.3.1 order. */
export async function proveRecord(t: number, n: number, readHashes: HashReader): Promise<Uint8Array[]> {
	requireCount(t, 'tree size');
	requireCount(n, 'leaf index');
	if (n >= t) throw new RangeError(`leaf ${n} is not in a tree of size ${t}`);
	const need: number[] = [];
	leafProofIndexes(0, t, n, need);
	const cur = { hashes: await readChecked(readHashes, need), pos: 0 };
	const out: Uint8Array[] = [];
	leafProof(0, t, n, cur, out);
	return out;
}

// Recomputes MTH(D[lo:hi]) from proof[0:end] and the leaf hash; null if the proof has the wrong shape.
type Proof = Uint8Array[];

function runRecordProof(p: Proof, end: number, lo: number, hi: number, n: number, leaf: Uint8Array): Uint8Array | null {
	if (lo + 1 === hi) return end === 0 ? leaf : null;
	if (end === 0) return null;
	const k = splitPoint(hi - lo);
	if (n < lo + k) {
		const h = runRecordProof(p, end - 1, lo, lo + k, n, leaf);
		return h && nodeHash(h, p[end - 1]);
	}
	const h = runRecordProof(p, end - 1, lo + k, hi, n, leaf);
	return h && nodeHash(p[end - 1], h);
}

/** Checks that `proof` shows leaf n with hash `leaf` in the tree of size t with root `th`. */
export function checkRecord(proof: Uint8Array[], t: number, th: Uint8Array, n: number, leaf: Uint8Array): Verdict {
	const bad = checkInclusionArgs(n, t, leaf, th, proof);
	if (bad) return bad;
	const root = runRecordProof(proof, proof.length, 0, t, n, leaf);
	if (!root) return fail('invalid-proof', `an inclusion proof for leaf ${n} of ${t} cannot have ${proof.length} hashes`);
	if (equalBytes(root, th)) return OK;
	return fail('invalid-proof', `inclusion proof for leaf ${n} does not lead to the root of size ${t}`);
}

// ---- consistency ----

function treeProofIndexes(lo: number, hi: number, n: number, need: number[]): void {
	if (n === hi) {
		if (lo !== 0) subtreeIndexes(lo, hi, need); // lo = 0: the verifier already has the old root
		return;
	}
	const k = splitPoint(hi - lo);
	if (n <= lo + k) {
		treeProofIndexes(lo, lo + k, n, need);
		subtreeIndexes(lo + k, hi, need);
	} else {
		subtreeIndexes(lo, lo + k, need);
		treeProofIndexes(lo + k, hi, n, need);
	}
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[lo:hi], lo = 0).
function treeProof(lo: number, hi: number, n: number, cur: Cursor, out: Uint8Array[]): void {
	if (n === hi) {
		if (lo !== 0) out.push(subtreeHash(lo, hi, cur));
		return;
	}
	const k = splitPoint(hi - lo);
	if (n <= lo + k) {
		treeProof(lo, lo + k, n, cur, out);
		out.push(subtreeHash(lo + k, hi, cur));
	} else {
		const left = subtreeHash(lo, lo + k, cur);
		treeProof(lo + k, hi, n, cur, out);
		out.push(left);
	}
}

/** Consistency proof from size n to size t (0 ≤ n ≤ t), RFC 9162 §2.1.4.1; empty if n is 0 or t. */
export async function proveTree(t: number, n: number, readHashes: HashReader): Promise<Uint8Array[]> {
	requireCount(t, 'tree size');
	requireCount(n, 'old tree size');
	if (n > t) throw new RangeError(`old size ${n} is larger than the tree size ${t}`);
	if (n === 0) return [];
	const need: number[] = [];
	treeProofIndexes(0, t, n, need);
	const cur = { hashes: await readChecked(readHashes, need), pos: 0 };
	const out: Uint8Array[] = [];
	treeProof(0, t, n, cur, out);
	return out;
}

// Recomputes [MTH(D[lo:min(hi, n)]), MTH(D[lo:hi])] from proof[0:end] and the old root.
function runTreeProof(p: Proof, end: number, lo: number, hi: number, n: number, old: Uint8Array): [Uint8Array, Uint8Array] | null {
	if (n === hi) {
		if (lo === 0) return end === 0 ? [old, old] : null;
		return end === 1 ? [p[0], p[0]] : null;
	}
	if (end === 0) return null;
	const k = splitPoint(hi - lo);
	const c = p[end - 1];
	if (n <= lo + k) {
		const r = runTreeProof(p, end - 1, lo, lo + k, n, old);
		return r && [r[0], nodeHash(r[1], c)];
	}
	const r = runTreeProof(p, end - 1, lo + k, hi, n, old);
	return r && [nodeHash(c, r[0]), nodeHash(c, r[1])];
}

/** Checks that the tree of size t with root th extends the tree of size n with root h. */
export function checkTree(proof: Uint8Array[], t: number, th: Uint8Array, n: number, h: Uint8Array): Verdict {
	const bad = checkConsistencyArgs(n, t, h, th, proof);
	if (bad) return bad;
	if (n === 0) return emptyOldTree(t, h, th, proof);
	const r = runTreeProof(proof, proof.length, 0, t, n, h);
	if (!r) return fail('invalid-proof', `a consistency proof from ${n} to ${t} cannot have ${proof.length} hashes`);
	if (equalBytes(r[0], h) && equalBytes(r[1], th)) return OK;
	return fail('invalid-proof', `consistency proof from ${n} to ${t} does not match the roots`);
}

// ---- RFC 9162 verifiers ----

/** RFC 9162 §2.1.3.2: verifies an inclusion proof with nothing but the proof. */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: Uint8Array[], root: Uint8Array): Verdict {
	const bad = checkInclusionArgs(index, size, leaf, root, proof);
	if (bad) return bad;
	let fn = index;
	let sn = size - 1;
	let r = leaf;
	for (const p of proof) {
		if (sn === 0) return fail('invalid-proof', `inclusion proof for leaf ${index} of ${size} is too long`);
		if (isOdd(fn) || fn === sn) {
			r = nodeHash(p, r);
			while (!isOdd(fn) && fn !== 0) [fn, sn] = [shr(fn, 1), shr(sn, 1)];
		} else {
			r = nodeHash(r, p);
		}
		[fn, sn] = [shr(fn, 1), shr(sn, 1)];
	}
	if (sn !== 0) return fail('invalid-proof', `inclusion proof for leaf ${index} of ${size} is too short`);
	if (equalBytes(r, root)) return OK;
	return fail('invalid-proof', `inclusion proof for leaf ${index} does not lead to the root of size ${size}`);
}

/** RFC 9162 §2.1.4.2: verifies that newRoot's tree extends oldRoot's, with nothing but the proof. */
export function verifyConsistency(
	oldSize: number,
	newSize: number,
	oldRoot: Uint8Array,
	newRoot: Uint8Array,
	proof: Uint8Array[]
): Verdict {
	const bad = checkConsistencyArgs(oldSize, newSize, oldRoot, newRoot, proof);
	if (bad) return bad;
	if (oldSize === 0) return emptyOldTree(newSize, oldRoot, newRoot, proof);
	if (oldSize === newSize) {
		if (proof.length !== 0) return fail('invalid-proof', 'a consistency proof between equal sizes is empty');
		return equalBytes(oldRoot, newRoot) ? OK : fail('invalid-proof', `two different roots for size ${oldSize}`);
	}
	if (proof.length === 0) return fail('invalid-proof', `consistency proof from ${oldSize} to ${newSize} is empty`);
	const path = largestPow2AtMost(oldSize) === oldSize ? [oldRoot, ...proof] : proof;
	let fn = oldSize - 1;
	let sn = newSize - 1;
	while (isOdd(fn)) [fn, sn] = [shr(fn, 1), shr(sn, 1)];
	let fr = path[0];
	let sr = path[0];
	for (const c of path.slice(1)) {
		if (sn === 0) return fail('invalid-proof', `consistency proof from ${oldSize} to ${newSize} is too long`);
		if (isOdd(fn) || fn === sn) {
			fr = nodeHash(c, fr);
			sr = nodeHash(c, sr);
			while (!isOdd(fn) && fn !== 0) [fn, sn] = [shr(fn, 1), shr(sn, 1)];
		} else {
			sr = nodeHash(sr, c);
		}
		[fn, sn] = [shr(fn, 1), shr(sn, 1)];
	}
	if (sn !== 0) return fail('invalid-proof', `consistency proof from ${oldSize} to ${newSize} is too short`);
	if (equalBytes(fr, oldRoot) && equalBytes(sr, newRoot)) return OK;
	return fail('invalid-proof', `consistency proof from ${oldSize} to ${newSize} does not match the roots`);
}

// ---- argument checks shared by both families (untrusted input: values, not throws) ----

function checkInclusionArgs(index: number, size: number, leaf: Uint8Array, root: Uint8Array, proof: Uint8Array[]): Verdict | null {
	if (!isCount(index) || !isCount(size) || index >= size) {
		return fail('invalid-argument', `leaf ${index} is not in a tree of size ${size}`);
	}
	return checkHashes(leaf, root, proof);
}

function checkConsistencyArgs(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: Uint8Array[]): Verdict | null {
	if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) {
		return fail('invalid-argument', `size ${oldSize} cannot precede size ${newSize}`);
	}
	return checkHashes(oldRoot, newRoot, proof);
}

function checkHashes(a: Uint8Array, b: Uint8Array, proof: Uint8Array[]): Verdict | null {
	if (!isHash(a) || !isHash(b)) return fail('invalid-argument', 'a leaf hash or root is not 32 bytes');
	if (!Array.isArray(proof) || !proof.every(isHash)) return fail('invalid-argument', 'a proof hash is not 32 bytes');
	return null;
}

// Every tree extends the empty one, whose only root is SHA-256() (RFC 6962 §2.1); the proof is empty.
function emptyOldTree(newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: Uint8Array[]): Verdict {
	if (proof.length !== 0) return fail('invalid-proof', 'a consistency proof from the empty tree is empty');
	const empty = emptyTreeRoot();
	if (!equalBytes(oldRoot, empty)) return fail('invalid-proof', 'the root of the empty tree is SHA-256 of nothing');
	if (newSize === 0 && !equalBytes(newRoot, empty)) return fail('invalid-proof', 'the root of the empty tree is SHA-256 of nothing');
	return OK;
}
