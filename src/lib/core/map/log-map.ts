// The map derived from the log: fold entries, in index order, into a ParcelMap (edits into their
// part's leaf, claims, decisions and notices into the parcel's claims leaf; parts.ts mapFact), and
// the checkpoint extension line that commits its root. Other entry kinds leave the map as it is.
import { fromBase64, toBase64 } from '../bytes';
import type { Checkpoint } from '../log/checkpoint';
import { decodeEntry, type Entry } from '../log/entry';
import { fail, success, type Result } from '../log/result';
import { mapKey } from './key';
import { nextLeaf, type MapLeaf } from './leaf';
import { mapFact } from './parts';
import { ParcelMap } from './trie';

/**
 * The checkpoint extension line: `parcel-ledger/map/v2 <base64 root>`, right after the root hash
 * line. v2 maps count claims (the claims leaf); v1 maps, written before, counted edits only.
 */
export const MAP_LINE_PREFIX = 'parcel-ledger/map/v2 ';
/** The first rule's line (edits only). Logs written before v2 hold checkpoints with it. */
export const MAP_V1_LINE_PREFIX = 'parcel-ledger/map/v1 ';

export const mapLine = (root: Uint8Array): string => `${MAP_LINE_PREFIX}${toBase64(root)}`;

function rootOfLine(cp: Checkpoint, prefix: string): Result<Uint8Array> {
	const line = cp.extensions?.[0] ?? '';
	try {
		const root = fromBase64(line.slice(prefix.length));
		if (root.length === 32) return success(root);
	} catch {
		/* reported below */
	}
	return fail('map-root-mismatch', `the checkpoint of size ${cp.size} has a malformed map line`);
}

/** The map root a checkpoint commits to: its first extension line, which must be the v2 map line. */
export function mapRootOf(cp: Checkpoint): Result<Uint8Array> {
	const line = cp.extensions?.[0];
	if (line?.startsWith(MAP_V1_LINE_PREFIX)) {
		return fail('map-root-mismatch', `the checkpoint of size ${cp.size} commits to a parcel map of the first rule (map/v1, which does not count claims); the log's next checkpoint commits to a v2 map`);
	}
	if (!line?.startsWith(MAP_LINE_PREFIX)) return fail('map-root-mismatch', `the checkpoint of size ${cp.size} commits to no parcel map (no "${MAP_LINE_PREFIX.trim()}" line)`);
	return rootOfLine(cp, MAP_LINE_PREFIX);
}

/** The root a v1 line names (null: the checkpoint has no v1 line). Only start-up checks of old logs need it. */
export function v1MapRootOf(cp: Checkpoint): Result<Uint8Array> | null {
	return cp.extensions?.[0]?.startsWith(MAP_V1_LINE_PREFIX) ? rootOfLine(cp, MAP_V1_LINE_PREFIX) : null;
}

/** The root the first rule gives for a map: its edit leaves only (the claims leaves left out). */
export const v1Root = (map: ParcelMap): Uint8Array => ParcelMap.fromLeaves(map.leavesUnder({ key: '', bits: 0 }).filter((l) => l.part !== 'claims')).root;

/** An entry with its index and its exact bytes (the claims leaf chains their leaf hash). */
export interface IndexedEntry {
	index: number;
	entry: Entry;
	data: Uint8Array;
}

/** An entry's bytes, decoded, with its index. Throws on bytes that do not decode. */
export const indexedEntry = (index: number, data: Uint8Array): IndexedEntry => ({ index, entry: decodeEntry(data), data });

/** The map after these entries (in increasing index order, all at or past what `map` holds). */
export function applyEntries(map: ParcelMap, entries: Iterable<IndexedEntry>): ParcelMap {
	const updates = [];
	for (const { index, entry, data } of entries) {
		const f = mapFact(entry, data);
		if (f) updates.push({ key: mapKey(f.parcel, f.part), next: (prev: MapLeaf | undefined) => nextLeaf(prev, f.parcel, f.part, index, f.hash) });
	}
	return map.withAll(updates);
}
