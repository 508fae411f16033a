// C2SP tlog-tiles coordinates (https://c2sp.org/tlog-tiles): the tree served as immutable
// tiles of 256 hashes. A level-L tile holds the hashes of consecutive complete subtrees of
// 256^L leaves, i.e. stored hashes at tree level 8·L; the 8 tree levels in between are
// recomputed by hashing a tile's own contents (as Go's sumdb/tlog does with height 8).
import { concat } from '../bytes';
import { HASH_SIZE, nodeHash } from './hashing';
import { isCount, requireCount, shl, shr } from './integers';
import { fail, success, type Result } from './result';
import { readChecked, splitStoredHashIndex, storedHashIndex, type HashReader } from './tree';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256; // 2^TILE_HEIGHT
export const MAX_TILE_LEVEL = 63;

/** The n-th tile at a level, holding `width` hashes (256 = full; fewer = partial). */
export interface Tile {
	level: number;
	n: number;
	width: number;
}

/** What a tile path names: a hash tile, or the entry bundle beside level-0 tile n. */
export type TileResource = { kind: 'hashes'; tile: Tile } | { kind: 'entries'; n: number; width: number };

// tlog-tiles: N in zero-padded 3-digit path elements, all but the last prefixed with "x".
function encodeIndex(n: number): string {
	let s = String(n % 1000).padStart(3, '0');
	for (let m = Math.floor(n / 1000); m > 0; m = Math.floor(m / 1000)) s = `x${String(m % 1000).padStart(3, '0')}/${s}`;
	return s;
}

function checkTile(t: Tile): void {
	if (!Number.isInteger(t.level) || t.level < 0 || t.level > MAX_TILE_LEVEL) throw new RangeError(`tile level out of range: ${t.level}`);
	requireCount(t.n, 'tile index');
	if (!Number.isInteger(t.width) || t.width < 1 || t.width > TILE_WIDTH) throw new RangeError(`tile width out of range: ${t.width}`);
}

const partialSuffix = (width: number) => (width === TILE_WIDTH ? '' : `.p/${width}`);

/** tile/<L>/<N>[.p/<W>] */
export function tilePath(t: Tile): string {
	checkTile(t);
	return `tile/${t.level}/${encodeIndex(t.n)}${partialSuffix(t.width)}`;
}

/** tile/entries/<N>[.p/<W>]: the entries whose leaf hashes form level-0 tile N. */
export function entriesPath(n: number, width: number = TILE_WIDTH): string {
	checkTile({ level: 0, n, width });
	return `tile/entries/${encodeIndex(n)}${partialSuffix(width)}`;
}

const LEVEL = /^(?:0|[1-9][0-9]?)$/;
const WIDTH = /^[1-9][0-9]{0,2}$/;
const GROUP = /^x[0-9]{3}$/;
const LAST = /^[0-9]{3}$/;

/** Strict: only the canonical path of a tile or bundle parses (no extra zeros, no full-width .p). */
export function parseTilePath(path: string): Result<TileResource> {
	const bad = (why: string) => fail('malformed-tile-path', `${JSON.stringify(path.slice(0, 80))} is not a tile path: ${why}`);
	const parts = path.split('/');
	if (parts.length < 3 || parts[0] !== 'tile') return bad('expected tile/<L>/<N>[.p/<W>]');
	const entries = parts[1] === 'entries';
	if (!entries && !LEVEL.test(parts[1])) return bad('the level is a decimal number without leading zeros');
	const level = entries ? 0 : Number(parts[1]);
	if (level > MAX_TILE_LEVEL) return bad(`the level is at most ${MAX_TILE_LEVEL}`);
	let groups = parts.slice(2);
	let width = TILE_WIDTH;
	if (groups.length >= 2 && groups[groups.length - 2].endsWith('.p')) {
		const w = groups[groups.length - 1];
		if (!WIDTH.test(w) || Number(w) >= TILE_WIDTH) return bad('a partial width is 1 to 255 without leading zeros');
		width = Number(w);
		groups = [...groups.slice(0, -2), groups[groups.length - 2].slice(0, -2)];
	}
	if (!groups.slice(0, -1).every((g) => GROUP.test(g)) || !LAST.test(groups[groups.length - 1])) {
		return bad('the index is 3-digit groups, all but the last prefixed with x');
	}
	const n = groups.reduce((acc, g) => acc * 1000 + Number(g.replace('x', '')), 0);
	if (!isCount(n)) return bad('the index is above 2^53');
	const canonical = entries ? entriesPath(n, width) : tilePath({ level, n, width });
	if (canonical !== path) return bad(`the canonical form is ${canonical}`);
	return success(entries ? { kind: 'entries', n, width } : { kind: 'hashes', tile: { level, n, width } });
}

/**
 * The tile of least width from which stored hash `index` can be computed, and the byte range of
 * that tile's data that hashes to it (a hash between tile levels spans 2^k tile hashes).
 */
export function locateStoredHash(index: number): { tile: Tile; start: number; end: number } {
	const { level, n } = splitStoredHashIndex(index);
	const tileLevel = Math.floor(level / TILE_HEIGHT);
	const inner = level - tileLevel * TILE_HEIGHT; // tree levels above the tile's own hashes
	const tileN = shr(shl(n, inner), TILE_HEIGHT);
	const k = n - shl(tileN, TILE_HEIGHT - inner); // n within the tile, at its level
	const span = shl(1, inner);
	return {
		tile: { level: tileLevel, n: tileN, width: (k + 1) * span },
		start: k * span * HASH_SIZE,
		end: (k + 1) * span * HASH_SIZE
	};
}

/** The tile of least width from which stored hash `index` can be read. */
export const tileForIndex = (index: number): Tile => locateStoredHash(index).tile;

/** MTH of the 2^k consecutive hashes in `data` (the subtree they are the leaves of). */
export function tileHash(data: Uint8Array): Uint8Array {
	if (data.length === HASH_SIZE) return Uint8Array.from(data);
	const half = data.length / 2;
	if (data.length < HASH_SIZE || half % HASH_SIZE !== 0) throw new RangeError('tile data is not a power-of-two count of hashes');
	return nodeHash(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}

/** Stored hash `index`, computed from `data`, the contents of tile `t` (or of a wider version). */
export function hashFromTile(t: Tile, data: Uint8Array, index: number): Uint8Array {
	checkTile(t);
	if (data.length < t.width * HASH_SIZE) {
		throw new RangeError(`tile ${tilePath(t)} data is ${data.length} bytes, short of ${t.width} hashes`);
	}
	const { tile, start, end } = locateStoredHash(index);
	if (tile.level !== t.level || tile.n !== t.n || tile.width > t.width) {
		throw new RangeError(`stored hash ${index} is in ${tilePath(tile)}, not ${tilePath(t)}`);
	}
	return tileHash(data.subarray(start, end));
}

/**
 * The tiles to publish when the tree grows from oldSize to newSize: new full tiles and the
 * rightmost partial tile of each level that changed (tlog-tiles "Partial Tiles"). The entry
 * bundles to publish are those beside the level-0 tiles in this list.
 */
export function tilesForSize(oldSize: number, newSize: number): Tile[] {
	requireCount(oldSize, 'old tree size');
	requireCount(newSize, 'new tree size');
	if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
	const tiles: Tile[] = [];
	for (let level = 0; shr(newSize, TILE_HEIGHT * level) > 0; level++) {
		const oldN = shr(oldSize, TILE_HEIGHT * level); // hashes at this tile level
		const newN = shr(newSize, TILE_HEIGHT * level);
		if (oldN === newN) continue;
		for (let n = shr(oldN, TILE_HEIGHT); n < shr(newN, TILE_HEIGHT); n++) tiles.push({ level, n, width: TILE_WIDTH });
		const n = shr(newN, TILE_HEIGHT);
		const width = newN - n * TILE_WIDTH;
		if (width > 0) tiles.push({ level, n, width });
	}
	return tiles;
}

/** A tile's contents: its `width` hashes, 32 bytes each, read from the stored hashes. */
export async function readTileData(t: Tile, readHashes: HashReader): Promise<Uint8Array> {
	checkTile(t);
	const first = t.n * TILE_WIDTH;
	const indexes = Array.from({ length: t.width }, (_, i) => storedHashIndex(t.level * TILE_HEIGHT, first + i));
	return concat(...(await readChecked(readHashes, indexes)));
}

/**
 * Tile t's k-th ancestor as it exists in a tree of `size` leaves (partial where the tree ends),
 * or null if the tree has no hashes there. k = 0 widens t to what that tree holds.
 */
export function tileAncestor(t: Tile, k: number, size: number): Tile | null {
	const level = t.level + k;
	const n = shr(t.n, TILE_HEIGHT * k);
	const available = shr(size, TILE_HEIGHT * level); // hashes the tree has at this tile level
	const first = n * TILE_WIDTH;
	if (first >= available) return null;
	return { level, n, width: Math.min(TILE_WIDTH, available - first) };
}
