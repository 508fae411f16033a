// A leaf of the parcel map: what the log says about one (parcel, part) up to a tree size.
//   value = str8 parcelId ‖ u8 part ‖ u64 count ‖ u64 lastIndex ‖ digest[32]
//   digest_0 = 32 zero bytes;  digest_k = SHA-256("parcel-ledger/map-chain\n" ‖ digest_{k-1} ‖ changeHash_k)
// over the part's edit entries in index order (for the claims leaf, part code 5: the leaf hashes of
// the parcel's claim, decision and notice entries, core/map/parts.ts). The digest binds the exact sequence of logged
// changes, and is computed from entries alone (no change bodies), so anyone can recompute it,
// private parts included; a device recomputes it from the bytes it holds (one SHA-256 a change).
import { equalBytes, utf8 } from '../bytes';
import { Reader } from '../codec';
import { sha256, sha256Into } from '../hash';
import { MAP_PART_CODES, mapPartFromCode, type MapPart } from './parts';
import { isParcelId } from '../record/ids';
import { mapKey } from './key';

export interface MapLeaf {
	parcel: string;
	part: MapPart;
	/** Number of entries of this part (edits; for `claims`, claims, decisions and notices) below the tree size. */
	count: number;
	/** Index of the last of them. */
	lastIndex: number;
	digest: Uint8Array;
}

export const EMPTY_DIGEST = new Uint8Array(32);
const CHAIN_PREFIX = utf8('parcel-ledger/map-chain\n');

/**
 * The input of one chain step, reused: sha256 (hash.ts) is synchronous and returns a fresh array,
 * and a device checking a district takes one step a change (hundreds of thousands).
 */
const CHAIN_INPUT = new Uint8Array(CHAIN_PREFIX.length + 64);
CHAIN_INPUT.set(CHAIN_PREFIX);

/** The digest after one more change (its SHA-256, as the edit entry names it). */
export function chainDigest(digest: Uint8Array, changeHash: Uint8Array): Uint8Array {
	CHAIN_INPUT.set(digest, CHAIN_PREFIX.length);
	CHAIN_INPUT.set(changeHash, CHAIN_PREFIX.length + 32);
	return sha256(CHAIN_INPUT);
}

/** The digest of a whole sequence of change hashes, from the empty digest. */
export function digestOf(changeHashes: Iterable<Uint8Array>): Uint8Array {
	// Each step's digest is written where the next step reads it.
	const at = CHAIN_PREFIX.length;
	CHAIN_INPUT.set(EMPTY_DIGEST, at);
	for (const h of changeHashes) {
		CHAIN_INPUT.set(h, at + 32);
		sha256Into(CHAIN_INPUT, CHAIN_INPUT, at);
	}
	return CHAIN_INPUT.slice(at, at + 32);
}

/** The leaf after one more edit entry of its part. */
export function nextLeaf(prev: MapLeaf | undefined, parcel: string, part: MapPart, index: number, changeHash: Uint8Array): MapLeaf {
	if (prev && prev.lastIndex >= index) throw new RangeError(`map entries must come in index order (${index} after ${prev.lastIndex})`);
	return { parcel, part, count: (prev?.count ?? 0) + 1, lastIndex: index, digest: chainDigest(prev?.digest ?? EMPTY_DIGEST, changeHash) };
}

/** The value bytes, written at `at` of `out` (the leaf hash writes it after its prefix byte). */
function writeLeaf(l: MapLeaf, out: Uint8Array, at: number): number {
	// Parcel ids are ASCII ([A-Z0-9-]): one byte a character, so no TextEncoder on this hot path.
	const n = l.parcel.length;
	out[at] = n;
	for (let i = 0; i < n; i++) out[at + 1 + i] = l.parcel.charCodeAt(i);
	let p = at + 1 + n;
	out[p++] = MAP_PART_CODES[l.part];
	for (const v of [l.count, l.lastIndex]) {
		const hi = Math.floor(v / 2 ** 32);
		const lo = v >>> 0;
		out[p] = hi >>> 24;
		out[p + 1] = (hi >>> 16) & 0xff;
		out[p + 2] = (hi >>> 8) & 0xff;
		out[p + 3] = hi & 0xff;
		out[p + 4] = lo >>> 24;
		out[p + 5] = (lo >>> 16) & 0xff;
		out[p + 6] = (lo >>> 8) & 0xff;
		out[p + 7] = lo & 0xff;
		p += 8;
	}
	out.set(l.digest, p);
	return p + 32 - at;
}

const leafBytes = (l: MapLeaf) => 1 + l.parcel.length + 1 + 16 + 32;

export function encodeMapLeaf(l: MapLeaf): Uint8Array {
	const out = new Uint8Array(leafBytes(l));
	writeLeaf(l, out, 0);
	return out;
}

/** Strict decode; throws DecodeError / RangeError on anything malformed. */
export function decodeMapLeaf(bytes: Uint8Array): MapLeaf {
	const r = new Reader(bytes);
	const parcel = r.str8();
	const part = mapPartFromCode(r.u8());
	const count = r.u64();
	const lastIndex = r.u64();
	const digest = r.fixed(32);
	r.end();
	if (!isParcelId(parcel)) throw new RangeError(`map leaf names a malformed parcel id ${JSON.stringify(parcel.slice(0, 40))}`);
	if (!part) throw new RangeError('map leaf names an unknown part');
	if (count < 1) throw new RangeError('map leaf with no entries');
	return { parcel, part, count, lastIndex, digest };
}

/** The input of a leaf hash, reused (as CHAIN_INPUT): 0x00 ‖ the longest value (a str8 id). */
const LEAF_INPUT = new Uint8Array(1 + 1 + 255 + 1 + 16 + 32);

/** SHA-256(0x00 ‖ value): a leaf can never be passed off as a branch (which hashes 0x01 ‖ …). */
export function mapLeafHash(l: MapLeaf): Uint8Array {
	LEAF_INPUT[0] = 0x00;
	return sha256(LEAF_INPUT.subarray(0, 1 + writeLeaf(l, LEAF_INPUT, 1)));
}

/**
 * mapLeafHash from a leaf's value bytes as a proof carries them: equal to mapLeafHash of their
 * decoding only because decodeMapLeaf is strict (one encoding a leaf), so call it after that.
 */
export function mapLeafHashOfValue(value: Uint8Array): Uint8Array {
	LEAF_INPUT[0] = 0x00;
	LEAF_INPUT.set(value, 1);
	return sha256(LEAF_INPUT.subarray(0, 1 + value.length));
}

export const leafKey = (l: MapLeaf): string => mapKey(l.parcel, l.part);

export const sameLeaf = (a: MapLeaf, b: MapLeaf): boolean =>
	a.parcel === b.parcel && a.part === b.part && a.count === b.count && a.lastIndex === b.lastIndex && equalBytes(a.digest, b.digest);
