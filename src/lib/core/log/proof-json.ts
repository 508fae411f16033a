// JSON shapes of the proofs the log's HTTP API returns (docs/protocol.md "Proofs"):
//   {"leafIndex": I, "treeSize": N, "hashes": [base64, …]}   inclusion, RFC 9162 §2.1.3.1 order
//   {"first": M, "second": N, "hashes": [base64, …]}         consistency, RFC 9162 §2.1.4.1 order
// Parsing is strict about the fields it knows and ignores others, so the API can grow.
import { fromBase64, toBase64 } from '../bytes';
import { HASH_SIZE } from './hashing';
import { isCount } from './integers';
import { fail, success, type Result } from './result';

/** No proof in a tree below 2^53 leaves has more hashes than this (≤ 53 + 1 needed). */
export const MAX_PROOF_HASHES = 64;

export interface InclusionProof {
	leafIndex: number;
	treeSize: number;
	hashes: Uint8Array[];
}

export interface ConsistencyProof {
	first: number;
	second: number;
	hashes: Uint8Array[];
}

export interface InclusionProofJson {
	leafIndex: number;
	treeSize: number;
	hashes: string[];
}

export interface ConsistencyProofJson {
	first: number;
	second: number;
	hashes: string[];
}

export const inclusionProofToJson = (p: InclusionProof): InclusionProofJson => ({
	leafIndex: p.leafIndex,
	treeSize: p.treeSize,
	hashes: p.hashes.map(toBase64)
});

export const consistencyProofToJson = (p: ConsistencyProof): ConsistencyProofJson => ({
	first: p.first,
	second: p.second,
	hashes: p.hashes.map(toBase64)
});

export function parseInclusionProofJson(json: unknown): Result<InclusionProof> {
	if (!isRecord(json)) return bad('an inclusion proof is a JSON object');
	const { leafIndex, treeSize } = json;
	if (!isCountValue(leafIndex) || !isCountValue(treeSize)) return bad('leafIndex and treeSize must be non-negative integers below 2^53');
	if (leafIndex >= treeSize) return bad(`leafIndex ${leafIndex} is not below treeSize ${treeSize}`);
	const hashes = parseHashes(json.hashes);
	if (!hashes.ok) return hashes;
	return success({ leafIndex, treeSize, hashes: hashes.value });
}

export function parseConsistencyProofJson(json: unknown): Result<ConsistencyProof> {
	if (!isRecord(json)) return bad('a consistency proof is a JSON object');
	const { first, second } = json;
	if (!isCountValue(first) || !isCountValue(second)) return bad('first and second must be non-negative integers below 2^53');
	if (first > second) return bad(`first ${first} is larger than second ${second}`);
	const hashes = parseHashes(json.hashes);
	if (!hashes.ok) return hashes;
	return success({ first, second, hashes: hashes.value });
}

function parseHashes(value: unknown): Result<Uint8Array[]> {
	if (!Array.isArray(value)) return bad('hashes must be an array of base64 strings');
	if (value.length > MAX_PROOF_HASHES) return bad(`a proof has at most ${MAX_PROOF_HASHES} hashes`);
	const out: Uint8Array[] = [];
	for (const [i, s] of value.entries()) {
		const h = typeof s === 'string' ? decodeHash(s) : null;
		if (!h) return bad(`hashes[${i}] is not a base64-encoded 32-byte hash`);
		out.push(h);
	}
	return success(out);
}

function decodeHash(s: string): Uint8Array | null {
	try {
		const h = fromBase64(s);
		return h.length === HASH_SIZE ? h : null;
	} catch {
		return null;
	}
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCountValue = (v: unknown): v is number => typeof v === 'number' && isCount(v);
const bad = (message: string) => fail('malformed-proof-json', message);
