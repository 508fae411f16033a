// The parcel-map leaves a device holds for its districts (docs/protocol.md "Parcel map"): each
// verified snapshot page stores the leaves it proved as one packed `mapChunks` record; pulled edits
// advance leaves, written to `mapLeaves`, which override the chunks. A sync that reaches the end
// of the log hashes a district's leaves and folds the server's path: it must give the checkpoint's
// map root, or the server left out edits of the district (pull.ts).
import { toBase64 } from '../core/bytes';
import { chainPulled, unpackLeaves } from '../core/map/device';
import type { MapLeaf } from '../core/map/leaf';
import { hashOfLeaves } from '../core/map/trie';
import { districtOf } from '../core/record/ids';
import type { MapPart } from '../core/map/parts';
import type { FieldDatabase, MapChunkRow, MapLeafRow } from './db';

export const leafRowKey = (parcel: string, part: MapPart): string => `${parcel}|${part}`;

/**
 * The chunk a verified snapshot page stores: its leaves packed (packLeaves), their number and the
 * first one's parcel (null for a page without leaves). Pages are disjoint, so are the keys.
 */
export function chunkRow(district: string, size: number, packed: Uint8Array, count: number, first: string | null): MapChunkRow | null {
	if (!count || first === null) return null;
	return { key: `${district}|${first}`, district, leaves: packed, count, size };
}

const leafRow = (district: string, l: MapLeaf): MapLeafRow => ({
	key: leafRowKey(l.parcel, l.part),
	district,
	parcel: l.parcel,
	part: l.part,
	count: l.count,
	lastIndex: l.lastIndex,
	digest: l.digest
});

/** Every leaf the device holds of a district, by `${parcel}|${part}`. */
export async function loadDistrictLeaves(db: FieldDatabase, district: string): Promise<Map<string, MapLeaf>> {
	const out = new Map<string, MapLeaf>();
	for (const c of await db.mapChunks.where('district').equals(district).toArray()) {
		for (const l of unpackLeaves(c.leaves)) out.set(leafRowKey(l.parcel, l.part), l);
	}
	for (const r of await db.mapLeaves.where('district').equals(district).toArray()) {
		out.set(r.key, { parcel: r.parcel, part: r.part, count: r.count, lastIndex: r.lastIndex, digest: r.digest });
	}
	return out;
}

/** The hash of a district's leaves as the map's subtree (base64) and how many there are. */
export function subtreeOf(leaves: Map<string, MapLeaf>): { hash: string; held: number } {
	return { hash: toBase64(hashOfLeaves([...leaves.values()])), held: leaves.size };
}

/**
 * The leaves of the districts a pull follows, loaded once per district when its first edit comes,
 * advanced entry by entry; the leaves changed since the last `take()` are written with the page.
 */
export class PulledLeaves {
	readonly #db: FieldDatabase;
	readonly #districts: ReadonlySet<string>;
	readonly #loaded = new Map<string, Map<string, MapLeaf>>();
	#dirty = new Map<string, MapLeafRow>();
	/** Districts whose leaves this pull changed (their cached hash is stale). */
	readonly touched = new Set<string>();

	constructor(db: FieldDatabase, districts: Iterable<string>) {
		this.#db = db;
		this.#districts = new Set(districts);
	}

	follows(district: string): boolean {
		return this.#districts.has(district);
	}

	/** Loads the leaves of these districts (those followed and not yet loaded). */
	async load(districts: Iterable<string>): Promise<void> {
		for (const d of districts) {
			if (this.#districts.has(d) && !this.#loaded.has(d)) this.#loaded.set(d, await loadDistrictLeaves(this.#db, d));
		}
	}

	/** The district's leaves (load() first). */
	leavesOf(district: string): Map<string, MapLeaf> | undefined {
		return this.#loaded.get(district);
	}

	/** Chains one pulled entry into its leaf (an edit's change hash; a claim's, decision's or notice's leaf hash); false when the leaf already held it. */
	chain(parcel: string, part: MapPart, index: number, hash: Uint8Array): boolean {
		const district = districtOf(parcel);
		const leaves = district ? this.#loaded.get(district) : undefined;
		if (!district || !leaves) return false;
		const key = leafRowKey(parcel, part);
		const next = chainPulled(leaves.get(key), parcel, part, index, hash);
		if (!next) return false;
		leaves.set(key, next);
		this.#dirty.set(key, leafRow(district, next));
		this.touched.add(district);
		return true;
	}

	/** The leaf rows changed since the last call, to write with the page's cursor. */
	take(): MapLeafRow[] {
		const rows = [...this.#dirty.values()];
		this.#dirty = new Map();
		return rows;
	}
}
