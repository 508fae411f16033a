// On start, before serving: recompute the whole tree and the parcel map from the stored entries
// and compare them with the stored hashes and the last signed checkpoint (its root, and its map
// line when it has one). A log that disagrees is not served.
import { toBase64, toHex, equalBytes } from '../core/bytes';
import { decodeEntry, type Entry } from '../core/log/entry';
import type { ParcelMap } from '../core/map';
import { leafHash, nodeHash, emptyTreeRoot } from '../core/log/hashing';
import { storedHashCount } from '../core/log/tree';
import type { LogIdentity } from './log-identity';
import type { LogStore } from './store/types';
import { mapDisagreement, MapBuilder } from './map/build';

export class LogIntegrityError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'LogIntegrityError';
	}
}

/** Merkle frontier: the roots of the complete subtrees on the right edge, one per level. */
class Frontier {
	levels: Uint8Array[] = [];
	size = 0;
	/** Appends a leaf; returns the stored hashes it writes (leaf, then each completed subtree). */
	push(leaf: Uint8Array): Uint8Array[] {
		const out = [leaf];
		let h = leaf;
		let level = 0;
		for (let m = this.size; m % 2 === 1; m = Math.floor(m / 2)) {
			h = nodeHash(this.levels[level], h);
			out.push(h);
			level++;
		}
		this.levels[level] = h;
		this.size++;
		return out;
	}
	root(): Uint8Array {
		let h: Uint8Array | null = null;
		for (let level = 0, m = this.size; m > 0; level++, m = Math.floor(m / 2)) {
			if (m % 2 === 1) h = h ? nodeHash(this.levels[level], h) : this.levels[level];
		}
		return h ?? emptyTreeRoot();
	}
}

export interface VerifyProgress {
	(done: number, total: number): void;
}

/** Throws LogIntegrityError with the first disagreement found; returns the verified size. */
export async function verifyStoredLog(
	store: Pick<LogStore, 'head' | 'readEntries' | 'readHashes'>,
	identity: Pick<LogIdentity, 'openCheckpoint'>,
	opts: { chunk?: number; progress?: VerifyProgress } = {}
): Promise<number> {
	return (await verifyStore(store, identity, opts)).size;
}

/**
 * verifyStoredLog, also giving the parcel map it recomputed from the entries (the sequencer starts
 * from it). The last checkpoint's map line must be that map's root; a checkpoint without one (a
 * log from before the map) is accepted, and the next batch's checkpoint carries the line.
 */
export async function verifyStore(
	store: Pick<LogStore, 'head' | 'readEntries' | 'readHashes'>,
	identity: Pick<LogIdentity, 'openCheckpoint'>,
	opts: { chunk?: number; progress?: VerifyProgress } = {}
): Promise<{ size: number; map: ParcelMap }> {
	const chunk = opts.chunk ?? 5000;
	const head = await store.head();
	const size = head?.size ?? 0;
	if (head) {
		let cp;
		try {
			cp = await identity.openCheckpoint(head.checkpoint);
		} catch (e) {
			throw new LogIntegrityError(`the last checkpoint does not verify with the log key: ${(e as Error).message}`);
		}
		if (cp.size !== size) throw new LogIntegrityError(`the last checkpoint is for size ${cp.size}, the store says ${size}`);
	}
	const frontier = new Frontier();
	const map = new MapBuilder();
	for (let start = 0; start < size; start += chunk) {
		const end = Math.min(size, start + chunk);
		const entries = await store.readEntries(start, end);
		const computed: Uint8Array[] = [];
		for (const [k, e] of entries.entries()) {
			if (e.index !== start + k) throw new LogIntegrityError(`entry ${start + k} is missing`);
			let decoded: Entry;
			try {
				decoded = decodeEntry(e.data);
			} catch (err) {
				throw new LogIntegrityError(`entry ${e.index} does not decode: ${(err as Error).message}`);
			}
			map.addEntry(e.index, decoded, e.data);
			computed.push(...frontier.push(leafHash(e.data)));
		}
		if (entries.length !== end - start) throw new LogIntegrityError(`entries ${start}–${end - 1} are incomplete`);
		const first = storedHashCount(start);
		const stored = await store.readHashes(computed.map((_, i) => first + i)).catch((err: Error) => {
			throw new LogIntegrityError(err.message);
		});
		stored.forEach((h, i) => {
			if (!equalBytes(h, computed[i])) {
				throw new LogIntegrityError(`stored hash ${first + i} is ${toHex(h).slice(0, 16)}…, the entries give ${toHex(computed[i]).slice(0, 16)}…`);
			}
		});
		opts.progress?.(end, size);
	}
	// On a shared PostgreSQL store another app server may append meanwhile (a batch commits its
	// entries and the head together): an entry at `at` is wrong only if the head, read after it,
	// is still `at`. A head that keeps moving is another server committing, not damage.
	for (let at = size, tries = 0; tries < 100 && (await store.readEntries(at, at + 1)).length; tries++) {
		const now = (await store.head())?.size ?? 0;
		if (now <= at) throw new LogIntegrityError(`the store holds entries past the committed size ${at}`);
		at = now;
	}
	const parcelMap = map.build();
	if (head) {
		const cp = await identity.openCheckpoint(head.checkpoint);
		const root = frontier.root();
		if (!equalBytes(root, cp.root)) {
			throw new LogIntegrityError(`the entries hash to ${toBase64(root)}, but the last signed checkpoint says ${toBase64(cp.root)}`);
		}
		const why = mapDisagreement(cp, parcelMap);
		if (why) throw new LogIntegrityError(`the last signed checkpoint's parcel map disagrees with the entries: ${why}`);
	}
	return { size, map: parcelMap };
}
