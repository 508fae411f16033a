// The map derived from the log: fold edit entries, in index order, into a ParcelMap, and the
// checkpoint extension line that commits its root. Other entry kinds leave the map as it is.
import { fromBase64, toBase64 } from '../bytes';
import type { Checkpoint } from '../log/checkpoint';
import type { Entry } from '../log/entry';
import { fail, success, type Result } from '../log/result';
import { mapKey } from './key';
import { nextLeaf, type MapLeaf } from './leaf';
import { ParcelMap } from './trie';

/** The checkpoint extension line: `parcel-ledger/map/v1 <base64 root>`, right after the root hash line. */
export const MAP_LINE_PREFIX = 'parcel-ledger/map/v1 ';

export const mapLine = (root: Uint8Array): string => `${MAP_LINE_PREFIX}${toBase64(root)}`;

/** The map root a checkpoint commits to: its first extension line, which must be the map line. */
export function mapRootOf(cp: Checkpoint): Result<Uint8Array> {
	const line = cp.extensions?.[0];
	if (!line?.startsWith(MAP_LINE_PREFIX)) return fail('map-root-mismatch', `the checkpoint of size ${cp.size} commits to no parcel map (no "${MAP_LINE_PREFIX.trim()}" line)`);
	try {
		const root = fromBase64(line.slice(MAP_LINE_PREFIX.length));
		if (root.length === 32) return success(root);
	} catch {
		/* reported below */
	}
	return fail('map-root-mismatch', `the checkpoint of size ${cp.size} has a malformed map line`);
}

/** The map after these entries (in increasing index order, all at or past what `map` holds). */
export function applyEntries(map: ParcelMap, entries: Iterable<{ index: number; entry: Entry }>): ParcelMap {
	const updates = [];
	for (const { index, entry: e } of entries) {
		if (e.kind !== 'edit') continue;
		updates.push({ key: mapKey(e.parcelId, e.part), next: (prev: MapLeaf | undefined) => nextLeaf(prev, e.parcelId, e.part, index, e.changeHash) });
	}
	return map.withAll(updates);
}
