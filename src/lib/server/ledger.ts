// The server's log service: stateless checks, then the sequencer; proofs, tiles and entries for
// readers. One instance per process; `openLedger` refuses a store that fails verification.
import {
	finishSubmission,
	heavyCheck,
	prepareSubmission,
	type CheckedSubmission,
	type CheckResult,
	type Prepared,
	type Refusal,
	type Submission,
	type SubmissionCode
} from '../core/log/submission';
import { fitChanges } from '../core/crdt/change-check.js';
import type { CheckPool, FitGroup } from './check-pool';
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
	/** Erased change bodies' files go too (Sequencer `onErase`). */
	onErase?: (changeHashes: Uint8Array[]) => Promise<unknown>;
	/** Worker threads for decoding and signature checks; without one they run in this thread. */
	checkPool?: CheckPool;
	/** Open without sequencing, until the sequencer lease is won (see cluster/). */
	paused?: boolean;
	/** How many recent parcel-map versions to keep (map/versions.ts; tests). */
	mapHistory?: Partial<MapHistoryLimits>;
	/** Benchmarks only (bench/ingest.ts): see SequencerOptions.benchWithoutMap. */
	benchWithoutMap?: boolean;
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
			onErase: o.onErase,
			paused: o.paused,
			mapHistory: o.mapHistory,
			benchWithoutMap: o.benchWithoutMap
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

	/** The log's clock, ms since 1970: what notice deadlines are compared with. */
	now(): number {
		return this.#clock();
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
		const checked = prepared.map((p) => (p.ok ? finishSubmission(p.value, byPrepared.get(p.value)!) : p));
		await this.#fit(checked);
		return Promise.all(
			checked.map((c): Promise<ItemResult> => (c.ok ? this.#sequence(c.value) : Promise.resolve({ status: 'refused', ...c.refusal })))
		);
	}

	/** Submissions handed to the sequencer and not answered yet (a deferred fit waits for them). */
	readonly #open = new Set<Promise<SubmitResult>>();

	#sequence(sub: CheckedSubmission): Promise<SubmitResult> {
		const p = this.sequencer.submit(sub);
		this.#open.add(p);
		void p.finally(() => this.#open.delete(p));
		return p;
	}

	/**
	 * Applies every edit not fitted yet (any but a part's first change) to its part's document:
	 * the part's stored changes, then the request's earlier changes of that part, in request order
	 * (in the check workers: Automerge never loads these documents in this thread). A change that
	 * does not apply is refused `bad-change` by the sequencer (after its own checks, so that a
	 * duplicate sequence number keeps its own code). One whose dependencies are neither stored nor
	 * earlier in the request may depend on a submission still in the sequencer's queue: it is
	 * fitted again once everything queued now is answered; if it still cannot be, it goes on
	 * unfitted and the sequencer refuses it (`unknown-dependency`, `depends-on-erased`).
	 */
	async #fit(checked: CheckResult[], again = false): Promise<void> {
		const edits = checked.flatMap((c, i) => (c.ok && c.value.statement.kind === 'edit' && c.value.changeInfo ? [{ i, sub: c.value }] : []));
		const byDoc = new Map<string, { i: number; sub: CheckedSubmission }[]>();
		for (const e of edits) {
			const s = e.sub.statement as Extract<CheckedSubmission['statement'], { kind: 'edit' }>;
			const key = `${s.parcelId}\u0000${s.part}`;
			if (!byDoc.has(key)) byDoc.set(key, []);
			byDoc.get(key)!.push(e);
		}
		const docs = [...byDoc.entries()].filter(([, list]) => list.some((e) => !e.sub.fitted));
		if (docs.length === 0) return;
		const parcels = [...new Set(docs.map(([, list]) => (list[0].sub.statement as { parcelId: string }).parcelId))];
		const stored = new Map<string, Uint8Array[]>();
		for (const c of await this.store.changesOfParcels(parcels, Number.MAX_SAFE_INTEGER)) {
			if (c.erased || c.body.length === 0) continue;
			const key = `${c.parcel}\u0000${c.part}`;
			if (!stored.has(key)) stored.set(key, []);
			stored.get(key)!.push(c.body);
		}
		const groups: FitGroup[] = docs.map(([key, list]) => ({
			base: stored.get(key) ?? [],
			changes: list.map((e) => e.sub.change!),
			hashes: list.map((e) => e.sub.changeInfo!.amHash)
		}));
		const fits = this.#pool ? await this.#pool.fit(groups) : groups.map((g) => fitChanges(g.base, g.changes, g.hashes));
		const deferred: number[] = [];
		docs.forEach(([, list], g) =>
			list.forEach((e, k) => {
				const fit = fits[g][k];
				if (fit.ok) checked[e.i] = { ok: true, value: { ...e.sub, fitted: true } };
				// Refused by the sequencer, after its own checks: a duplicate (actor, seq) is 'duplicate-seq'.
				else if (!fit.missing) checked[e.i] = { ok: true, value: { ...e.sub, fitted: false, fitRefusal: fit.message } };
				else if (!e.sub.fitted) deferred.push(e.i);
			})
		);
		if (deferred.length === 0 || again) return;
		// Only the deferred edits are unfitted now: this fits their parts again, with the request's
		// other changes of those parts, against what the store holds then.
		await Promise.allSettled([...this.#open]);
		await this.#fit(checked, true);
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
