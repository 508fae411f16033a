// The parcel map as a field device keeps it: the verified leaves of its districts, stored packed
// (one record per snapshot page), advanced by the edits it pulls, and checked against the
// checkpoint's map root with the server's district path at the end of every sync.
import { Reader } from '../codec';
import { equalBytes } from '../bytes';
import type { MapPart } from './parts';
import { districtPrefix } from './key';
import { decodeMapLeaf, encodeMapLeaf, nextLeaf, type MapLeaf } from './leaf';
import { rootFromPath } from './proof';

/** Leaves as one byte string: per leaf, u8 length ‖ leaf value (leaf.ts). */
export function packLeaves(leaves: readonly MapLeaf[]): Uint8Array {
	const values = leaves.map(encodeMapLeaf);
	const out = new Uint8Array(values.reduce((n, v) => n + 1 + v.length, 0));
	let at = 0;
	for (const v of values) {
		out[at++] = v.length;
		out.set(v, at);
		at += v.length;
	}
	return out;
}

/** Strict inverse of packLeaves; throws DecodeError or RangeError on anything malformed. */
export function unpackLeaves(bytes: Uint8Array): MapLeaf[] {
	const r = new Reader(bytes);
	const out: MapLeaf[] = [];
	for (let at = 0; at < bytes.length; ) {
		const n = r.u8();
		out.push(decodeMapLeaf(r.fixed(n)));
		at += 1 + n;
	}
	r.end();
	return out;
}

/**
 * The leaf after a pulled edit entry, or null when the leaf already holds that entry (its index is
 * at or below lastIndex: a snapshot page at a larger size, or a page pulled twice). A pull may
 * start below what a leaf holds, so this is how an entry is never chained into a leaf twice.
 */
export function chainPulled(prev: MapLeaf | undefined, parcel: string, part: MapPart, index: number, changeHash: Uint8Array): MapLeaf | null {
	if (prev && index <= prev.lastIndex) return null;
	return nextLeaf(prev, parcel, part, index, changeHash);
}

export type DistrictCheck = { ok: true } | { ok: false; message: string };

/**
 * Whether the device's leaves of a district (`subtree` = hashOfLeaves of them, `held` = how many)
 * and the server's path for the district give the checkpoint's map root. A null path says the map
 * holds no key of the district: true only if the device holds none either.
 */
export function checkDistrictRoot(
	district: string,
	/** hashOfLeaves of the device's leaves of the district (unused when it holds none). */
	subtree: Uint8Array,
	held: number,
	path: { bit: number; hash: Uint8Array }[] | null,
	mapRoot: Uint8Array
): DistrictCheck {
	if (path === null) {
		if (held === 0) return { ok: true };
		return { ok: false, message: `the log's map holds no edit of district ${district}, and this device holds ${held} part(s) of it` };
	}
	const missing = `the log says district ${district} holds edits this device was not given`;
	if (held === 0) return { ok: false, message: missing };
	const root = rootFromPath(districtPrefix(district), subtree, path);
	if (!root.ok) return { ok: false, message: `the server's path for district ${district} is malformed: ${root.message}` };
	if (!equalBytes(root.value, mapRoot)) return { ok: false, message: missing };
	return { ok: true };
}
