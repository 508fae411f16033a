// Building the parcel map (core/map) on the server: from scratch in bulk (start-up, a new
// sequencer), or forward from a version it holds by the entries after it that the map counts (a
// follower, a reload after a failed batch). Both give the map that applyEntries would give.
import { equalBytes, toBase64 } from '../../core/bytes';
import { MAP_LINE_PREFIX, mapFact, mapKey, mapRootOf, nextLeaf, ParcelMap, v1MapRootOf, v1Root, type MapLeaf, type MapPart } from '../../core/map';
import type { Checkpoint } from '../../core/log/checkpoint';
import type { Entry } from '../../core/log/entry';
import type { MapFact, LogStore } from '../store/types';

/** Map facts read from the store per query. */
const PAGE = 50_000;

/** Collects leaves entry by entry, then builds the canonical trie once (no path copying). */
export class MapBuilder {
	readonly #leaves = new Map<string, MapLeaf>();

	add(index: number, parcel: string, part: MapPart, hash: Uint8Array): void {
		const k = mapKey(parcel, part);
		this.#leaves.set(k, nextLeaf(this.#leaves.get(k), parcel, part, index, hash));
	}

	/** An entry (decoded) and its bytes: edits, claims, decisions and notices change the map. */
	addEntry(index: number, e: Entry, data: Uint8Array): void {
		const f = mapFact(e, data);
		if (f) this.add(index, f.parcel, f.part, f.hash);
	}

	build(): ParcelMap {
		return ParcelMap.fromLeaves([...this.#leaves.values()]);
	}
}

/** The map after these facts (in increasing index order, past what `map` holds). */
export function advanceMap(map: ParcelMap, facts: Iterable<MapFact>): ParcelMap {
	const updates = [];
	for (const f of facts) updates.push({ key: mapKey(f.parcel, f.part), next: (prev: MapLeaf | undefined) => nextLeaf(prev, f.parcel, f.part, f.index, f.hash) });
	return map.withAll(updates);
}

/**
 * The map of every entry below `size`, from `base` (the map of the entries below `base.size`,
 * e.g. a version this server holds) and the store's map facts after it.
 */
export async function mapFromStore(
	store: Pick<LogStore, 'mapFacts'>,
	size: number,
	base: { size: number; map: ParcelMap } = { size: 0, map: ParcelMap.empty }
): Promise<ParcelMap> {
	if (base.size > size) throw new RangeError(`cannot build the map of size ${size} from a version of size ${base.size}`);
	if (base.size === 0) {
		const b = new MapBuilder();
		for (let start = 0; start < size; start += PAGE) {
			for (const f of await store.mapFacts(start, Math.min(size, start + PAGE))) b.add(f.index, f.parcel, f.part, f.hash);
		}
		return b.build();
	}
	let map = base.map;
	for (let start = base.size; start < size; start += PAGE) map = advanceMap(map, await store.mapFacts(start, Math.min(size, start + PAGE)));
	return map;
}

/**
 * Null when the checkpoint commits to this map — or to no map at all: a log from before the map
 * has checkpoints without the line, accepted until its next batch adds one — else why not. A
 * checkpoint of the first rule (map/v1, written before claims were counted) is checked against
 * the map's edit leaves alone, and likewise accepted until the next batch signs a v2 line.
 */
export function mapDisagreement(cp: Checkpoint, map: ParcelMap): string | null {
	const v1 = v1MapRootOf(cp);
	if (!v1 && !cp.extensions?.some((l) => l.startsWith(MAP_LINE_PREFIX))) return null;
	const r = v1 ?? mapRootOf(cp);
	if (!r.ok) return r.message;
	const root = v1 ? v1Root(map) : map.root;
	if (equalBytes(r.value, root)) return null;
	return `the entries give the parcel map root ${toBase64(root)}${v1 ? ' (first rule, edits only)' : ''}, but the checkpoint of size ${cp.size} commits to ${toBase64(r.value)}`;
}
