// Inclusion of pulled entries in a verified checkpoint, batched per page: the level-0 tiles that
// cover the page's indexes (and the tiles above them that rebuild the checkpoint's root) are
// fetched once and authenticated by core's tileHashReader; each entry's leaf hash must be the
// tile's hash at its index. One tile of 8 KiB covers 256 entries, so a page of 2,000 entries costs
// about 8 tiles, not 2,000 inclusion proofs.
import { equalBytes } from '../core/bytes';
import { leafHash } from '../core/log/hashing';
import { LogError } from '../core/log/result';
import { tileHashReader, type FetchTile } from '../core/log/tile-reader';
import { storedHashIndex } from '../core/log/tree';
import { getBytes, type Fetch } from './http';

/** Fetches `/log/<path>` once per path for the life of the cache (tiles of a path never change). */
export function cachedTiles(fetch: Fetch): FetchTile {
	const cache = new Map<string, Promise<Uint8Array>>();
	return (path) => {
		let got = cache.get(path);
		if (!got) {
			got = getBytes(fetch, `/log/${path}`);
			got.catch(() => cache.delete(path)); // a failed fetch is tried again next time
			cache.set(path, got);
		}
		return got;
	};
}

export type Inclusion = { ok: true } | { ok: false; message: string; raw: string | null };

/** Whether every entry (index, bytes; `raw` is the base64 named in a refusal) is the leaf at its index of the tree `{size, root}`. */
export async function checkIncluded(tree: { size: number; root: Uint8Array }, entries: { index: number; raw: string; bytes: Uint8Array }[], fetchTile: FetchTile): Promise<Inclusion> {
	if (!entries.length) return { ok: true };
	const outside = entries.find((e) => !(e.index >= 0 && e.index < tree.size));
	if (outside) return { ok: false, message: `entry ${outside.index} is not in the checkpoint of ${tree.size} entries`, raw: outside.raw };
	let leaves: Uint8Array[];
	try {
		leaves = await tileHashReader({ tree, fetchTile })(entries.map((e) => storedHashIndex(0, e.index)));
	} catch (e) {
		if (e instanceof LogError) return { ok: false, message: `the log's tiles do not match its checkpoint of ${tree.size} entries (${e.message})`, raw: null };
		throw e;
	}
	for (const [i, e] of entries.entries()) {
		if (!equalBytes(leaves[i], leafHash(e.bytes))) {
			return { ok: false, message: `entry ${e.index} is not the entry the checkpoint of ${tree.size} entries holds at that index`, raw: e.raw };
		}
	}
	return { ok: true };
}
