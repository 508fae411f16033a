// Building the parcel map (core/map) on the server: from scratch in bulk (start-up, a new
// sequencer), or forward from a version it holds by the edit entries after it (a follower, a
// reload after a failed batch). Both give the map that applyEntries would give.
import { equalBytes, toBase64 } from '../../core/bytes';
import { MAP_LINE_PREFIX, mapKey, mapRootOf, nextLeaf, ParcelMap, type MapLeaf } from '../../core/map';
import type { Checkpoint } from '../../core/log/checkpoint';
import type { Entry } from '../../core/log/entry';
import type { PartName } from '../../core/record/parts';
import type { EditFact, LogStore } from '../store/types';

/** Edit entries read from the store per query. */
const PAGE = 50_000;

/** Collects leaves edit by edit, then builds the canonical trie once (no path copying). */
export class MapBuilder {
	readonly #leaves = new Map<string, MapLeaf>();

	add(index: number, parcel: string, part: PartName, changeHash: Uint8Array): void {
		const k = mapKey(parcel, part);
		this.#leaves.set(k, nextLeaf(this.#leaves.get(k), parcel, part, index, changeHash));
	}

	addEntry(index: number, e: Entry): void {
		if (e.kind === 'edit') this.add(index, e.parcelId, e.part, e.changeHash);
	}

	build(): ParcelMap {
		return ParcelMap.fromLeaves([...this.#leaves.values()]);
	}
}

/** The map after these edit facts (in increasing index order, past what `map` holds). */
export function advanceMap(map: ParcelMap, facts: Iterable<EditFact>): ParcelMap {
	const updates = [];
	for (const f of facts) updates.push({ key: mapKey(f.parcel, f.part), next: (prev: MapLeaf | undefined) => nextLeaf(prev, f.parcel, f.part, f.index, f.changeHash) });
	return map.withAll(updates);
}

/**
 * The map of every edit entry below `size`, from `base` (the map of the entries below
 * `base.size`, e.g. a version this server holds) and the store's edit entries after it.
 */
export async function mapFromStore(
	store: Pick<LogStore, 'editFacts'>,
	size: number,
	base: { size: number; map: ParcelMap } = { size: 0, map: ParcelMap.empty }
): Promise<ParcelMap> {
	if (base.size > size) throw new RangeError(`cannot build the map of size ${size} from a version of size ${base.size}`);
	if (base.size === 0) {
		const b = new MapBuilder();
		for (let start = 0; start < size; start += PAGE) {
			for (const f of await store.editFacts(start, Math.min(size, start + PAGE))) b.add(f.index, f.parcel, f.part, f.changeHash);
		}
		return b.build();
	}
	let map = base.map;
	for (let start = base.size; start < size; start += PAGE) map = advanceMap(map, await store.editFacts(start, Math.min(size, start + PAGE)));
	return map;
}

/**
 * Null when the checkpoint commits to this map root — or to no map at all: a log from before the
 * map has checkpoints without the line, accepted until its next batch adds one — else why not.
 */
export function mapDisagreement(cp: Checkpoint, root: Uint8Array): string | null {
	if (!cp.extensions?.some((l) => l.startsWith(MAP_LINE_PREFIX))) return null;
	const r = mapRootOf(cp);
	if (!r.ok) return r.message;
	if (equalBytes(r.value, root)) return null;
	return `the entries give the parcel map root ${toBase64(root)}, but the checkpoint of size ${cp.size} commits to ${toBase64(r.value)}`;
}
