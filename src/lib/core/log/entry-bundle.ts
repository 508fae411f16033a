// tlog-tiles entry bundles (https://c2sp.org/tlog-tiles "Log entries"): the entries beside a
// level-0 tile, each as a big-endian uint16 length followed by the entry's bytes.
import { equalBytes } from '../bytes';
import { HASH_SIZE, leafHash } from './hashing';
import { fail, OK, success, type Result, type Verdict } from './result';
import { TILE_WIDTH } from './tiles';

/** A uint16 length prefix caps entries at 65,535 bytes (ours stay far below). */
export const MAX_BUNDLED_ENTRY_BYTES = 0xffff;

/** Bundles hold 1 to 256 entries; empty bundles are never served (tlog-tiles "Partial Tiles"). */
export function encodeEntryBundle(entries: Uint8Array[]): Uint8Array {
	if (entries.length < 1 || entries.length > TILE_WIDTH) {
		throw new RangeError(`a bundle holds 1 to ${TILE_WIDTH} entries, not ${entries.length}`);
	}
	let total = 0;
	for (const [i, e] of entries.entries()) {
		if (e.length > MAX_BUNDLED_ENTRY_BYTES) throw new RangeError(`entry ${i} is ${e.length} bytes, above ${MAX_BUNDLED_ENTRY_BYTES}`);
		total += 2 + e.length;
	}
	const out = new Uint8Array(total);
	let o = 0;
	for (const e of entries) {
		out[o++] = e.length >> 8;
		out[o++] = e.length & 0xff;
		out.set(e, o);
		o += e.length;
	}
	return out;
}

/**
 * Strict decoding: refuses truncated entries, trailing bytes, empty or oversized bundles, and,
 * when `width` is given (the bundle's .p/<W> or 256), any other number of entries.
 */
export function decodeEntryBundle(bytes: Uint8Array, width?: number): Result<Uint8Array[]> {
	const bad = (message: string) => fail('malformed-entry-bundle', message);
	const entries: Uint8Array[] = [];
	let o = 0;
	while (o < bytes.length) {
		if (entries.length === TILE_WIDTH) return bad(`more than ${TILE_WIDTH} entries`);
		if (o + 2 > bytes.length) return bad(`truncated length prefix at byte ${o}`);
		const n = (bytes[o] << 8) | bytes[o + 1];
		o += 2;
		if (o + n > bytes.length) return bad(`entry ${entries.length} needs ${n} bytes, ${bytes.length - o} left`);
		entries.push(bytes.slice(o, o + n));
		o += n;
	}
	if (entries.length === 0) return bad('an entry bundle is never empty');
	if (width !== undefined && entries.length !== width) return bad(`expected ${width} entries, found ${entries.length}`);
	return success(entries);
}

/** Checks that entries hash, as RFC 6962 leaves, to the hashes of the level-0 tile beside them. */
export function checkEntryBundle(entries: Uint8Array[], level0Tile: Uint8Array): Verdict {
	if (level0Tile.length !== entries.length * HASH_SIZE) {
		return fail('entry-bundle-mismatch', `${entries.length} entries cannot match a tile of ${level0Tile.length / HASH_SIZE} hashes`);
	}
	for (const [i, e] of entries.entries()) {
		if (!equalBytes(leafHash(e), level0Tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
			return fail('entry-bundle-mismatch', `entry ${i} does not hash to its leaf in the tile`);
		}
	}
	return OK;
}
