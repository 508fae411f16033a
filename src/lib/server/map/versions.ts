// Recent versions of the parcel map (core/map), each with the signed checkpoint that commits to
// it, so that a reader gets a consistent (checkpoint, map) pair at a size it chose — a snapshot
// page at the projected size, an extract, a sync answer — while the sequencer moves on.
//
// Versions share structure (ParcelMap is path-copying), so a version costs what its batch
// changed: about (edits × trie depth) nodes. Kept: the last 256 versions, and no version more
// than 50,000 entries older than the newest — a bound on memory when batches are large: measured
// ~2.4 KB of nodes an edit (1,000-edit batches of random parcels on a 100,000-parcel map), so
// ≤ ~120 MB when every retained entry is an edit. The newest version is always kept. What is
// dropped cannot be rebuilt cheaply: readers then get null (a snapshot answers 503 and the client
// retries; the projection catches up meanwhile).
import type { ParcelMap } from '../../core/map';

export interface MapVersion {
	/** Tree size: the map holds every edit entry with index < size. */
	size: number;
	/** The signed checkpoint note of exactly this size. */
	checkpoint: string;
	map: ParcelMap;
}

export interface MapHistoryLimits {
	/** Most versions kept (the newest included). */
	versions: number;
	/** Versions older than the newest by more than this many entries are dropped. */
	entries: number;
}

export const MAP_HISTORY_LIMITS: MapHistoryLimits = { versions: 256, entries: 50_000 };

export class MapHistory {
	/** Increasing size. */
	#versions: MapVersion[] = [];
	readonly #limits: MapHistoryLimits;

	constructor(limits: Partial<MapHistoryLimits> = {}) {
		this.#limits = { ...MAP_HISTORY_LIMITS, ...limits };
	}

	/** Records a new newest version (a version of a smaller size than the newest starts over). */
	push(v: MapVersion): void {
		const last = this.#versions.at(-1);
		if (last && v.size < last.size) this.#versions = [];
		else if (last && v.size === last.size) this.#versions.pop();
		this.#versions.push(v);
		const { versions, entries } = this.#limits;
		let drop = 0;
		while (this.#versions.length - drop > Math.max(1, versions) || (this.#versions.length - drop > 1 && v.size - this.#versions[drop].size > entries)) drop++;
		if (drop) this.#versions.splice(0, drop);
	}

	/** Puts `v` in place of the retained version of its size (a checkpoint that gained cosignatures). */
	replace(v: MapVersion): boolean {
		const i = this.#versions.findIndex((x) => x.size === v.size);
		if (i < 0) return false;
		this.#versions[i] = v;
		return true;
	}

	get newest(): MapVersion | null {
		return this.#versions.at(-1) ?? null;
	}

	/** Sizes of the retained versions, oldest first. */
	get sizes(): number[] {
		return this.#versions.map((v) => v.size);
	}

	/** The version of exactly this size, or null when it is not retained. */
	at(size: number): MapVersion | null {
		const v = this.atMost(size);
		return v && v.size === size ? v : null;
	}

	/** The largest retained version whose size is at most `size`, or null. */
	atMost(size: number): MapVersion | null {
		let lo = 0;
		let hi = this.#versions.length; // first index with size > `size`
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.#versions[mid].size <= size) lo = mid + 1;
			else hi = mid;
		}
		return lo ? this.#versions[lo - 1] : null;
	}
}
