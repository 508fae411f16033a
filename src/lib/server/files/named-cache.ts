// The files a logged change names, kept for the changes uploads named lately: a device sends the
// photos of one edit one after another, each naming the same change, and decoding the change
// (Automerge) cost more than the rest of the checks together (docs/performance.md "Files").
// A change's bytes never change once logged, so neither does what it names; an erased change is
// never looked up here (its body is gone — the caller reads the change first, every time).
import { filesNamedBy, type NamedFile } from '../../core/files/named-files';

/** Changes remembered; a device's queue names a handful at a time. */
export const NAMED_CACHE_CHANGES = 256;

export class NamedFilesCache {
	readonly #max: number;
	readonly #named = new Map<string, NamedFile[]>();

	constructor(max = NAMED_CACHE_CHANGES) {
		this.#max = max;
	}

	/** What the change with this hash (hex) and body names; decoded once while remembered. */
	of(changeHash: string, body: Uint8Array): NamedFile[] {
		let named = this.#named.get(changeHash);
		if (named) this.#named.delete(changeHash); // most recently used last: Map keeps insertion order
		else named = filesNamedBy(body);
		this.#named.set(changeHash, named);
		if (this.#named.size > this.#max) this.#named.delete(this.#named.keys().next().value!);
		return named;
	}

	get size(): number {
		return this.#named.size;
	}
}
