// The server's log service: stateless checks, then the sequencer; proofs, tiles and entries for
// readers. One instance per process; `openLedger` refuses a store that fails verification.
import {
	finishSubmission,
	heavyCheck,
	prepareSubmission,
	type Prepared,
	type Refusal,
	type Submission,
	type SubmissionCode
} from '../core/log/submission';
import type { CheckPool } from './check-pool';
import { proveRecord, proveTree } from '../core/log/proof';
import { readTileData, type Tile } from '../core/log/tiles';
import { encodeEntryBundle } from '../core/log/entry-bundle';
import { nodeVerifier } from './ed25519';
import { Sequencer, type StatefulCode, type SubmitResult } from './sequencer';
import { verifyStore } from './verify-store';
import type { MapHistoryLimits, MapVersion } from './map/versions';
import type { LogIdentity } from './log-identity';
import type { LogStore } from './store/types';
import type { Entry } from '../core/log/entry';

export type ItemResult = SubmitResult | ({ status: 'refused' } & Refusal<SubmissionCode | StatefulCode>);

export interface LedgerOptions {
	store: LogStore;
	identity: LogIdentity;
	clock?: () => number;
	maxBatch?: number;
	maxDelayMs?: number;
	/** Skip the full recomputation on open (tests that reopen many times). Default: verify. */
	verify?: boolean;
	onCommit?: (entries: { index: number; entry: Entry }[]) => void;
	/** Worker threads for decoding and signature checks; without one they run in this thread. */
	checkPool?: CheckPool;
	/** Open without sequencing, until the sequencer lease is won (see cluster/). */
	paused?: boolean;
	/** How many recent parcel-map versions to keep (map/versions.ts; tests). */
	mapHistory?: Partial<MapHistoryLimits>;
}

export class Ledger {
	readonly store: LogStore;
	readonly identity: LogIdentity;
	readonly sequencer: Sequencer;
	readonly #clock: () => number;
	readonly #pool?: CheckPool;

	private constructor(o: LedgerOptions) {
		this.#pool = o.checkPool;
		this.store = o.store;
		this.identity = o.identity;
		this.#clock = o.clock ?? Date.now;
		this.sequencer = new Sequencer({
			store: o.store,
			identity: o.identity,
			clock: this.#clock,
			maxBatch: o.maxBatch,
			maxDelayMs: o.maxDelayMs,
			onCommit: o.onCommit,
			paused: o.paused,
			mapHistory: o.mapHistory
		});
	}

	static async open(o: LedgerOptions): Promise<Ledger> {
		const meta = await o.store.readMeta();
		if (!meta) throw new Error('this store holds no log yet: run `npm run cli -- init --origin <name>` first');
		if (meta.origin !== o.identity.origin || meta.verifierKey !== o.identity.verifierKey) {
			throw new Error(`the log key is for ${o.identity.origin}, but the store holds ${meta.origin} with key ${meta.verifierKey}`);
		}
		const verified = o.verify !== false ? await verifyStore(o.store, o.identity) : undefined;
		const ledger = new Ledger(o);
		// The sequencer starts from the map verification recomputed (no second pass over the log).
		await ledger.sequencer.load(verified);
		return ledger;
	}

	/**
	 * The parcel map at the committed head, with its size and the signed checkpoint of that size,
	 * taken together (never a checkpoint of one size with the map of another). Extracts, /api/map
	 * and /api/sync answer from one version.
	 */
	mapVersion(): MapVersion {
		return this.sequencer.mapVersion();
	}

	/** The retained (recent) version of exactly this size, or null (docs/protocol.md "Parcel map"). */
	mapAt(size: number): MapVersion | null {
		return this.sequencer.mapAt(size);
	}

	/** The largest retained version of at most this size, or null. */
	mapAtMost(size: number): MapVersion | null {
		return this.sequencer.mapAtMost(size);
	}

	get origin(): string {
		return this.identity.origin;
	}

	/** Checks each submission, then sequences those that pass; results in the order given. */
	async submit(subs: Submission[]): Promise<ItemResult[]> {
		const now = this.#clock();
		const prepared = subs.map((s) => prepareSubmission(s, { origin: this.origin, now }));
		const ready = prepared.flatMap((p) => (p.ok ? [p.value] : []));
		const heavy = this.#pool
			? await this.#pool.check(ready)
			: await Promise.all(ready.map((p) => heavyCheck(p, nodeVerifier)));
		const byPrepared = new Map<Prepared, (typeof heavy)[number]>(ready.map((p, i) => [p, heavy[i]]));
		return Promise.all(
			prepared.map((p): Promise<ItemResult> => {
				if (!p.ok) return Promise.resolve({ status: 'refused', ...p.refusal });
				const c = finishSubmission(p.value, byPrepared.get(p.value)!);
				return c.ok ? this.sequencer.submit(c.value) : Promise.resolve({ status: 'refused', ...c.refusal });
			})
		);
	}

	async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
		this.#checkSize(size);
		if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`index must be in [0, ${size})`);
		return proveRecord(size, index, this.sequencer.hashReader);
	}

	async consistencyProof(first: number, second: number): Promise<Uint8Array[]> {
		this.#checkSize(second);
		if (!Number.isSafeInteger(first) || first < 0 || first > second) throw new RangeError(`first must be in [0, ${second}]`);
		return proveTree(second, first, this.sequencer.hashReader);
	}

	/** Hash tile bytes, or null when the tile does not exist at the current size. */
	async hashTile(tile: Tile): Promise<Uint8Array | null> {
		if (!tileWithin(tile, this.sequencer.size)) return null;
		return readTileData(tile, this.sequencer.hashReader);
	}

	/** Entry bundle bytes, or null when it does not exist at the current size. */
	async entryBundle(n: number, width: number): Promise<Uint8Array | null> {
		const start = n * 256;
		if (start + width > this.sequencer.size) return null;
		const entries = await this.store.readEntries(start, start + width);
		return encodeEntryBundle(entries.map((e) => e.data));
	}

	#checkSize(size: number): void {
		if (!Number.isSafeInteger(size) || size < 1 || size > this.sequencer.size) {
			throw new RangeError(`size must be in [1, ${this.sequencer.size}]`);
		}
	}
}

/** Whether a tile (level L, index N, width W) is fully covered by a tree of `size` leaves. */
function tileWithin(tile: Tile, size: number): boolean {
	const leavesPerHash = 256 ** tile.level;
	return (tile.n * 256 + tile.width) * leavesPerHash <= size;
}
