// Stored hashes never change once written, so caching them is always safe. The sequencer reads
// the tree's right edge and recent leaves for every batch and every proof; this keeps those reads
// in memory. FIFO eviction keeps it simple: recent hashes are the ones asked for. Each entry
// costs ≈ 250 bytes of heap (a Map slot, a Uint8Array and its ArrayBuffer for 32 bytes), so the
// bound is 65,536 hashes (≈ 16 MiB): the right edge is ~2·log2(size) hashes and a batch adds
// ~2 per leaf; older ones (proofs of old entries) are one indexed read from the store.
import type { HashReader } from '../core/log/tree';

export class HashCache {
	#map = new Map<number, Uint8Array>();
	constructor(
		private readonly backing: HashReader,
		private readonly capacity = 1 << 16
	) {}

	put(index: number, hash: Uint8Array): void {
		this.#map.set(index, hash);
		if (this.#map.size > this.capacity) {
			const oldest = this.#map.keys().next().value as number;
			this.#map.delete(oldest);
		}
	}

	/** A reader over the cache, an optional overlay of not-yet-committed hashes, then the store. */
	reader(overlay?: Map<number, Uint8Array>): HashReader {
		return async (indexes) => {
			const out = new Array<Uint8Array>(indexes.length);
			const missing: number[] = [];
			indexes.forEach((i, k) => {
				const h = overlay?.get(i) ?? this.#map.get(i);
				if (h) out[k] = h;
				else missing.push(k);
			});
			if (missing.length) {
				const got = await this.backing(missing.map((k) => indexes[k]));
				missing.forEach((k, j) => {
					out[k] = got[j];
					this.put(indexes[k], got[j]);
				});
			}
			return out;
		};
	}
}
