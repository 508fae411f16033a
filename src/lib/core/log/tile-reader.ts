// A HashReader served from tlog-tiles fetched over the network, for verifiers that hold only a
// verified checkpoint. Every tile is authenticated before any hash from it is returned: the tiles
// covering the whole tree must rebuild the checkpoint's root, and every other tile must hash to
// its entry in an already-authenticated parent tile (after Go's sumdb/tlog TileHashReader;
// see https://research.swtch.com/tlog#authenticating_tiles). The fetch is injected: no I/O here.
import { equalBytes } from '../bytes';
import { HASH_SIZE, isHash, nodeHash } from './hashing';
import { isCount, requireCount } from './integers';
import { LogError } from './result';
import { locateStoredHash, tileAncestor, tileHash, tilePath, hashFromTile, TILE_HEIGHT, TILE_WIDTH, type Tile } from './tiles';
import { storedHashCount, storedHashIndex, subtreeIndexes, type HashReader } from './tree';

/** A tree size and root the caller already trusts (from a verified checkpoint). */
export interface TreeHead {
	size: number;
	root: Uint8Array;
}

/** Fetches `<prefix>/<path>`, e.g. `tile/0/x001/234.p/7`; resolves to the body bytes. */
export type FetchTile = (path: string) => Promise<Uint8Array>;

export interface TileHashReaderOptions {
	tree: TreeHead;
	fetchTile: FetchTile;
	/** Called with tiles once authenticated, e.g. to cache them; unverified data is never passed. */
	onVerified?: (tiles: { path: string; data: Uint8Array }[]) => void;
}

/**
 * A HashReader for the tree `tree`, reading only tiles that a tree of that size requires
 * (so partial tiles are fetched only at sizes a checkpoint vouches for, as tlog-tiles asks).
 * Rejects with LogError 'inconsistent-tile' if the tiles disagree with the root, 'bad-read' if a
 * tile has the wrong length, and RangeError for an index the tree does not hold.
 */
export function tileHashReader({ tree, fetchTile, onVerified }: TileHashReaderOptions): HashReader {
	requireCount(tree.size, 'tree size');
	if (!isHash(tree.root)) throw new RangeError('a tree root is 32 bytes');
	const { size, root } = tree;
	const limit = storedHashCount(size);

	return async (indexes) => {
		for (const x of indexes) {
			if (!isCount(x) || x >= limit) throw new RangeError(`stored hash ${x} is not in a tree of ${size} leaves`);
		}
		if (indexes.length === 0) return [];

		const tiles: Tile[] = [];
		const position = new Map<string, number>();
		const add = (t: Tile): number => {
			const key = tilePath(t);
			let i = position.get(key);
			if (i === undefined) {
				i = tiles.length;
				position.set(key, i);
				tiles.push(t);
			}
			return i;
		};
		const widened = (x: number): Tile => tileAncestor(locateStoredHash(x).tile, 0, size) ?? badMath(x);

		// First the tiles holding the hashes that make up the root: they authenticate themselves.
		const rootIndexes: number[] = [];
		subtreeIndexes(0, size, rootIndexes);
		const rootTile = rootIndexes.map((x) => add(widened(x)));
		const authenticatedByRoot = tiles.length;

		// Then, for each requested hash, its tile and any ancestors missing between it and a planned tile.
		const indexTile = indexes.map((x) => {
			const base = locateStoredHash(x).tile;
			let k = 0;
			for (;;) {
				const p = tileAncestor(base, k, size);
				if (p && position.has(tilePath(p))) break;
				if (++k > MAX_DEPTH) badMath(x);
			}
			// Walk back down, parents first; these are full tiles, since each has a parent.
			for (k--; k >= 0; k--) {
				const p = tileAncestor(base, k, size);
				if (!p || p.width !== TILE_WIDTH) badMath(x);
				add(p);
			}
			return position.get(tilePath(widened(x))) ?? badMath(x);
		});

		const paths = tiles.map(tilePath);
		const data = await Promise.all(paths.map((p) => fetchTile(p)));
		tiles.forEach((t, i) => {
			if (!(data[i] instanceof Uint8Array) || data[i].length !== t.width * HASH_SIZE) {
				throw new LogError('bad-read', `${paths[i]} is ${data[i]?.length} bytes, not ${t.width * HASH_SIZE}`);
			}
		});

		let th: Uint8Array | null = null;
		for (let i = rootIndexes.length - 1; i >= 0; i--) {
			const h = hashFromTile(tiles[rootTile[i]], data[rootTile[i]], rootIndexes[i]);
			th = th ? nodeHash(h, th) : h;
		}
		if (!th || !equalBytes(th, root)) {
			throw new LogError('inconsistent-tile', `the tiles for size ${size} do not hash to the trusted root; at least one is wrong`);
		}
		for (let i = authenticatedByRoot; i < tiles.length; i++) {
			const parent = tileAncestor(tiles[i], 1, size);
			const j = parent ? position.get(tilePath(parent)) : undefined;
			if (!parent || j === undefined || j >= i) badMath(i);
			const expected = hashFromTile(parent, data[j], storedHashIndex(parent.level * TILE_HEIGHT, tiles[i].n));
			if (!equalBytes(tileHash(data[i]), expected)) {
				throw new LogError('inconsistent-tile', `${paths[i]} does not match its parent ${paths[j]}`);
			}
		}
		onVerified?.(tiles.map((_, i) => ({ path: paths[i], data: data[i] })));
		return indexes.map((x, i) => hashFromTile(tiles[indexTile[i]], data[indexTile[i]], x));
	};
}

// ⌈53 / 8⌉ tile levels cover any tree below 2^53 leaves.
const MAX_DEPTH = 8;

function badMath(x: number): never {
	throw new Error(`tlog: bad math in tileHashReader at ${x}`);
}
