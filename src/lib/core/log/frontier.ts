// The right edge of an RFC 6962 tree: the roots of its complete subtrees, largest first. It
// gives MTH as leaves arrive in O(log n) memory, and saved with a tree size it lets a verifier
// extend a tree it already checked without reading the old leaves again: if the saved frontier
// plus the new leaves hash to a newer signed root, the newer tree contains the older one.
import { emptyTreeRoot, isHash, nodeHash } from './hashing';
import { isCount } from './integers';

export class Frontier {
	/** [k]: the root of the complete subtree of 2^k leaves, where bit k of the size is set. */
	#levels: Uint8Array[] = [];
	#size = 0;

	/**
	 * A frontier of a tree of `size` leaves from its complete subtrees' roots, largest (leftmost)
	 * first: one per set bit of `size`, as `hashes()` returns them and `subtreeIndexes(0, size)`
	 * names them in the stored-hash layout.
	 */
	static of(size: number, hashes: Uint8Array[]): Frontier {
		if (!isCount(size)) throw new RangeError(`tree size out of range: ${size}`);
		const f = new Frontier();
		let i = 0;
		for (let k = 52; k >= 0; k--) {
			if (Math.floor(size / 2 ** k) % 2 === 0) continue;
			const h = hashes[i++];
			if (!h || !isHash(h)) throw new RangeError(`a frontier of ${size} leaves needs one 32-byte hash per set bit of the size`);
			f.#levels[k] = Uint8Array.from(h);
		}
		if (i !== hashes.length) throw new RangeError(`a frontier of ${size} leaves has ${i} hashes, not ${hashes.length}`);
		f.#size = size;
		return f;
	}

	get size(): number {
		return this.#size;
	}

	push(leaf: Uint8Array): void {
		let h = leaf;
		let k = 0;
		for (let m = this.#size; m % 2 === 1; m = Math.floor(m / 2)) h = nodeHash(this.#levels[k++], h);
		this.#levels[k] = h;
		this.#size++;
	}

	// RFC 6962 §2.1: the smallest (rightmost) subtree is folded in first.
	root(): Uint8Array {
		let h: Uint8Array | null = null;
		for (let k = 0, m = this.#size; m > 0; k++, m = Math.floor(m / 2)) {
			if (m % 2 === 1) h = h ? nodeHash(this.#levels[k], h) : this.#levels[k];
		}
		return h ?? emptyTreeRoot();
	}

	/** The complete subtrees' roots, largest first (the argument of `Frontier.of`). */
	hashes(): Uint8Array[] {
		const out: Uint8Array[] = [];
		for (let k = 52; k >= 0; k--) if (Math.floor(this.#size / 2 ** k) % 2 === 1) out.push(Uint8Array.from(this.#levels[k]));
		return out;
	}

	clone(): Frontier {
		return Frontier.of(this.#size, this.hashes());
	}
}
