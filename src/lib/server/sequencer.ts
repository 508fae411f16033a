// The sequencer: pools checked submissions and commits each batch in one store transaction
// (assign indexes, store entries and change bodies, extend the tree, sign the checkpoint).
// A submission is answered only after its batch is durable. Exactly one sequencer may write a
// store at a time; the store's compare-and-swap on the tree size enforces it.
import { toHex } from '../core/bytes';
import { decodeEntry, encodeEntry, KIND_CODES, type Entry } from '../core/log/entry';
import { KeyRegistry } from '../core/log/authority';
import { leafHash } from '../core/log/hashing';
import { storedHashCount, storedHashes, treeHash } from '../core/log/tree';
import { proveRecord } from '../core/log/proof';
import { districtOf, isParcelId } from '../core/record/ids';
import type { AuthorityCode } from '../core/log/authority';
import type { ClaimCode, ClaimLedger } from '../core/claims/state';
import { BatchClaims, loadClaimLedger } from './claims/gate';
import type { CheckedSubmission, Refusal } from '../core/log/submission';
import { parseCheckpoint } from '../core/log/checkpoint';
import { addSignatureLines, splitNote } from '../core/witness/cosignature';
import { applyEntries, ParcelMap, type IndexedEntry } from '../core/map';
import { HashCache } from './hash-cache';
import { mapDisagreement, mapFromStore } from './map/build';
import { MapHistory, type MapHistoryLimits, type MapVersion } from './map/versions';
import { factKey, StoreConflictError, type ChangeFacts, type ChangeRow, type EntryRow, type LogStore, type NoticeChangeRow } from './store/types';
import type { LogIdentity } from './log-identity';

export type StatefulCode =
	| AuthorityCode
	| ClaimCode
	| 'bad-change'
	| 'unknown-dependency'
	| 'missing-predecessor'
	| 'duplicate-seq'
	| 'duplicate-change'
	| 'depends-on-erased'
	| 'not-erasable'
	| 'unavailable'
	| 'not-leader';

export type SubmitResult =
	| { status: 'accepted'; index: number; duplicate: boolean; treeSize: number; proof: Uint8Array[]; checkpoint: string }
	| ({ status: 'refused' } & Refusal<StatefulCode>);

export interface SequencerOptions {
	store: LogStore;
	identity: LogIdentity;
	/** The log's clock, ms since 1970. */
	clock?: () => number;
	/** Largest batch committed at once. */
	maxBatch?: number;
	/** How long the first submission of a batch waits for company. */
	maxDelayMs?: number;
	/** Called after each durable commit with the new entries (for projections). */
	onCommit?: (entries: { index: number; entry: Entry }[]) => void;
	/** Called after a durable commit that erased change bodies, before compaction: drops the files only they named. */
	onErase?: (changeHashes: Uint8Array[]) => Promise<unknown>;
	/** Start without sequencing until `resume` (an app server that must first win the lease). */
	paused?: boolean;
	/** How many recent map versions to keep (map/versions.ts). */
	mapHistory?: Partial<MapHistoryLimits>;
	/**
	 * Benchmarks only: leave the parcel map as it is (every checkpoint then commits to a stale map),
	 * so `npm run bench` can measure what maintaining it costs. Such a log is refused on restart.
	 */
	benchWithoutMap?: boolean;
}

interface Pending {
	sub: CheckedSubmission;
	resolve: (r: SubmitResult) => void;
}

interface Accepted {
	p: Pending;
	index: number;
}

const NOT_LEADER: SubmitResult = {
	status: 'refused',
	code: 'not-leader',
	message: 'this server does not sequence the log right now; try again shortly'
};

const docKey = (parcel: string, part: string) => `${parcel}\u0000${part}`;
/** A signed note's text (what its signatures sign); the note itself when it is not one. */
const noteText = (note: string): string => splitNote(note)?.text ?? note;

export class Sequencer {
	readonly #store: LogStore;
	#cosignatureWrites: Promise<void> = Promise.resolve();
	readonly #id: LogIdentity;
	readonly #clock: () => number;
	readonly #maxBatch: number;
	readonly #maxDelay: number;
	readonly #onCommit?: SequencerOptions['onCommit'];
	readonly #onErase?: SequencerOptions['onErase'];
	readonly #cache: HashCache;
	#registry: KeyRegistry;
	/** Claims, decisions and notices replayed (core/claims/state.ts), swapped with the head. */
	#claims: ClaimLedger | null = null;
	/** The committed head: size, its signed checkpoint and the parcel map it commits to, swapped as one. */
	#head: MapVersion = { size: 0, checkpoint: '', map: ParcelMap.empty };
	readonly #history: MapHistory;
	readonly #benchWithoutMap: boolean;
	/** Loads run one after another (a follower's refresh may meet a resume). */
	#loading: Promise<void> = Promise.resolve();
	#queue: Pending[] = [];
	#timer: ReturnType<typeof setTimeout> | null = null;
	#running: Promise<void> | null = null;
	#paused: boolean;

	constructor(o: SequencerOptions) {
		this.#paused = o.paused ?? false;
		this.#store = o.store;
		this.#id = o.identity;
		this.#clock = o.clock ?? Date.now;
		this.#maxBatch = o.maxBatch ?? 1000;
		this.#maxDelay = o.maxDelayMs ?? 5;
		this.#onCommit = o.onCommit;
		this.#onErase = o.onErase;
		this.#cache = new HashCache((ix) => this.#store.readHashes(ix));
		this.#registry = new KeyRegistry({ logKey: this.#id.key.publicKey });
		this.#history = new MapHistory(o.mapHistory);
		this.#benchWithoutMap = o.benchWithoutMap ?? false;
	}

	get size(): number {
		return this.#head.size;
	}
	get checkpoint(): string {
		return this.#head.checkpoint;
	}
	/** The committed head as one consistent version: size, the signed checkpoint of that size, its parcel map. */
	mapVersion(): MapVersion {
		return this.#head;
	}
	/** The retained version of exactly this size (map/versions.ts), or null. */
	mapAt(size: number): MapVersion | null {
		return this.#history.at(size);
	}
	/** The largest retained version of at most this size, or null. */
	mapAtMost(size: number): MapVersion | null {
		return this.#history.atMost(size);
	}
	get registry(): KeyRegistry {
		return this.#registry;
	}
	/** A reader over committed stored hashes (cached). */
	get hashReader() {
		return this.#cache.reader();
	}

	/**
	 * Loads the committed head, brings the parcel map up to it and replays key entries. Call before
	 * submitting. The map is advanced from the newest version held (or from `seed`, the map start-up
	 * verification computed) by the edit entries after it — a follower's refresh costs what was
	 * appended since — and rebuilt from the store only when there is nothing to start from.
	 */
	load(seed?: { size: number; map: ParcelMap }): Promise<void> {
		const run = this.#loading.then(() => this.#load(seed));
		this.#loading = run.catch(() => {});
		return run;
	}

	async #load(seed?: { size: number; map: ParcelMap }): Promise<void> {
		const head = await this.#store.head();
		const size = head?.size ?? 0;
		const bases = [this.#head, seed].filter((b): b is { size: number; map: ParcelMap } => !!b && b.size <= size);
		const base = bases.sort((a, b) => b.size - a.size)[0];
		let map = await mapFromStore(this.#store, size, base);
		if (head && this.#disagreement(head.checkpoint, map)) {
			// Never serve a map the checkpoint disagrees with: rebuild from the entries once.
			map = await mapFromStore(this.#store, size);
			const why = this.#disagreement(head.checkpoint, map);
			if (why) throw new Error(why);
		}
		const checkpoint = head?.checkpoint ?? (await this.#id.signCheckpoint(0, await treeHash(0, this.hashReader), map.root));
		const registry = new KeyRegistry({ logKey: this.#id.key.publicKey });
		for (const { index, data } of await this.#store.keyEntries()) {
			if (index >= size) break;
			registry.skipTo(index);
			const e = decodeEntry(data);
			const v = registry.check(e);
			if (!v.ok) throw new Error(`entry ${index} was not authorized when appended (${v.code}): the log is corrupt`);
			registry.apply(e);
		}
		registry.skipTo(size);
		const claims = await loadClaimLedger(this.#store, size);
		// A commit may have moved the head past what this load read: never go back.
		if (size < this.#head.size) return;
		this.#registry = registry;
		this.#claims = claims;
		// The same signed tree keeps the witness cosignatures gathered for it meanwhile.
		if (size !== this.#head.size || noteText(checkpoint) !== noteText(this.#head.checkpoint)) this.#setHead({ size, checkpoint, map });
	}

	/**
	 * Adds witness cosignature lines to the checkpoint of this size, if it is still retained and its
	 * text is `text` (the lines were verified against that text): from then on every answer that
	 * carries this checkpoint carries them too. Returns whether they were attached.
	 */
	addCosignatures(size: number, text: string, lines: string[]): boolean {
		const v = size === this.#head.size ? this.#head : this.#history.at(size);
		if (!v || noteText(v.checkpoint) !== text) return false;
		const cosigned: MapVersion = { ...v, checkpoint: addSignatureLines(v.checkpoint, lines) };
		if (cosigned.checkpoint === v.checkpoint) return true;
		this.#history.replace(cosigned);
		if (v === this.#head) this.#head = cosigned;
		// Kept in the store too, in the order they came (each write holds every line before it), so a
		// restarted server serves them without waiting for its witnesses. Losing one costs a re-ask.
		this.#cosignatureWrites = this.#cosignatureWrites
			.then(() => this.#store.saveCosignedCheckpoint(size, cosigned.checkpoint))
			.then(
				() => undefined,
				(e: Error) => console.error(`[witnessing] could not store the cosignatures of checkpoint ${size}: ${e.message}`)
			);
		return true;
	}

	/** Resolves once every cosignature attached so far is in the store (tests, shutdown). */
	cosignaturesStored(): Promise<void> {
		return this.#cosignatureWrites;
	}

	/** Why the stored checkpoint's map line is not the map's root, or null (a log from before the map has no line). */
	#disagreement(note: string, map: ParcelMap): string | null {
		const cp = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1)); // the note's text
		if (!cp.ok) throw new Error(`the stored checkpoint does not parse: ${cp.message}`);
		return mapDisagreement(cp.value, map);
	}

	#setHead(v: MapVersion): void {
		this.#head = v;
		this.#history.push(v);
	}

	/** Whether this sequencer may append (it holds the lease). */
	get active(): boolean {
		return !this.#paused;
	}

	/** Stop appending at once (the lease is lost): queued submissions are answered 'not-leader'. */
	pause(): void {
		this.#paused = true;
		for (const p of this.#queue.splice(0)) p.resolve(NOT_LEADER);
	}

	/** Reload the head from the store, then append again (the lease was won). */
	async resume(): Promise<void> {
		await this.load();
		this.#paused = false;
	}

	/** Queues a checked submission; resolves once it is durably in the log, or refused. */
	submit(sub: CheckedSubmission): Promise<SubmitResult> {
		if (this.#paused) return Promise.resolve(NOT_LEADER);
		return new Promise((resolve) => {
			this.#queue.push({ sub, resolve });
			if (this.#queue.length >= this.#maxBatch) this.#kick();
			else if (!this.#timer) this.#timer = setTimeout(() => this.#kick(), this.#maxDelay);
		});
	}

	submitMany(subs: CheckedSubmission[]): Promise<SubmitResult[]> {
		return Promise.all(subs.map((s) => this.submit(s)));
	}

	/** Resolves when everything queued so far has been committed or refused. */
	async drain(): Promise<void> {
		while (this.#queue.length || this.#running) {
			this.#kick();
			await this.#running;
		}
	}

	#kick(): void {
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = null;
		}
		if (this.#running) return;
		this.#running = (async () => {
			while (this.#queue.length) {
				const batch = this.#queue.splice(0, this.#maxBatch);
				await this.#commit(batch).catch((e) => this.#failBatch(batch, e));
			}
		})().finally(() => {
			this.#running = null;
			if (this.#queue.length) this.#kick();
		});
	}

	async #failBatch(batch: Pending[], e: unknown): Promise<void> {
		const message =
			e instanceof StoreConflictError
				? 'another sequencer appended to this log; try again'
				: `the log store is unavailable: ${(e as Error).message}`;
		for (const p of batch) p.resolve({ status: 'refused', code: 'unavailable', message });
		// Whatever happened, our view of the head may be stale: reload it before the next batch.
		await this.load().catch(() => {});
	}

	async #commit(batch: Pending[]): Promise<void> {
		if (this.#paused) {
			for (const p of batch) p.resolve(NOT_LEADER);
			return;
		}
		const base = this.#head;
		const fromSize = base.size;
		const existing = await this.#store.findIdentities(batch.map((p) => p.sub.identity));
		// Everything the edits' checks need from the store, in one round trip for the batch.
		const facts = await this.#store.changeFacts(
			batch.flatMap(({ sub: { statement: s, changeInfo: c } }) =>
				s.kind === 'edit' && c ? [{ parcel: s.parcelId, part: s.part, amHashes: [c.amHash, ...c.deps], actors: [c.actor] }] : []
			)
		);
		const registry = this.#registry.clone();
		const claims = new BatchClaims(this.#claims ?? (await loadClaimLedger(this.#store, fromSize)), this.#store);
		const pendingIds = new Map<string, number>();
		const pendingChanges = new Map<string, Set<string>>();
		const pendingSeq = new Map<string, number>();
		const accepted: Accepted[] = [];
		const duplicates: { p: Pending; index: number }[] = [];
		/** Automerge hashes of private changes erased earlier in this batch, by document. */
		const pendingErased = new Map<string, Set<string>>();
		const erase: Uint8Array[] = [];
		const now = this.#clock();

		for (const p of batch) {
			const idHex = toHex(p.sub.identity);
			const known = existing.get(idHex) ?? pendingIds.get(idHex);
			if (known !== undefined) {
				duplicates.push({ p, index: known });
				continue;
			}
			const refusal = registry.check(p.sub.statement);
			if (!refusal.ok) {
				p.resolve({ status: 'refused', code: refusal.code, message: refusal.message });
				continue;
			}
			const s = p.sub.statement;
			// Before the edit checks below, which note the change as pending in this batch.
			const disputed = await claims.check(s, now);
			if (!disputed.ok) {
				p.resolve({ status: 'refused', code: disputed.code, message: disputed.message });
				continue;
			}
			if (s.kind === 'erase') {
				const r = await this.#checkErasure(s, pendingErased, pendingChanges);
				if (r) {
					p.resolve({ status: 'refused', ...r });
					continue;
				}
			}
			if (s.kind === 'edit') {
				const r = this.#checkChange(p.sub, facts, pendingChanges, pendingSeq, pendingErased);
				if (r) {
					p.resolve({ status: 'refused', ...r });
					continue;
				}
				const c = p.sub.changeInfo!;
				const key = docKey(s.parcelId, s.part);
				if (!pendingChanges.has(key)) pendingChanges.set(key, new Set());
				pendingChanges.get(key)!.add(c.amHash);
				pendingSeq.set(`${key}\u0000${c.actor}`, c.seq);
			}
			registry.apply(s);
			const index = fromSize + accepted.length;
			claims.apply(index, { ...s, logTime: now, signature: p.sub.signature });
			pendingIds.set(idHex, index);
			accepted.push({ p, index });
		}

		let newSize = fromSize;
		const committed: IndexedEntry[] = [];
		if (accepted.length) {
			const overlay = new Map<number, Uint8Array>();
			const reader = this.#cache.reader(overlay);
			const rows: EntryRow[] = [];
			const changes: ChangeRow[] = [];
			const noticeChanges: NoticeChangeRow[] = [];
			for (const { p, index } of accepted) {
				const entry: Entry = { ...p.sub.statement, logTime: now, signature: p.sub.signature };
				const data = encodeEntry(entry);
				const base = storedHashCount(index);
				(await storedHashes(index, leafHash(data), reader)).forEach((h, i) => overlay.set(base + i, h));
				const s = p.sub.statement;
				const edit = s.kind === 'edit' ? s : null;
				if (s.kind === 'erase') erase.push(...s.changeHashes);
				const named = s.kind === 'access' ? s.scope : 'parcelId' in s ? s.parcelId : null;
				rows.push({
					index,
					data,
					identity: p.sub.identity,
					kind: KIND_CODES[s.kind],
					author: s.author,
					// An access entry's scope is a parcel or a whole district.
					parcel: named && isParcelId(named) ? named : null,
					district: named ? (districtOf(named) ?? named) : null,
					part: edit?.part ?? (s.kind === 'erase' ? 'private' : null),
					changeHash: edit?.changeHash ?? null
				});
				// A notice's pending change is kept, outside every document, until an edit logs it.
				if (s.kind === 'notice') noticeChanges.push({ hash: s.changeHash, parcel: s.parcelId, part: s.part, body: p.sub.change! });
				if (edit) {
					const c = p.sub.changeInfo!;
					changes.push({ hash: edit.changeHash, parcel: edit.parcelId, part: edit.part, amHash: c.amHash, actor: c.actor, seq: c.seq, body: p.sub.change! });
				}
				committed.push({ index, entry, data });
			}
			newSize = fromSize + accepted.length;
			const root = await treeHash(newSize, reader);
			// The checkpoint commits to the map of every edit below newSize: this batch's included.
			const map = this.#benchWithoutMap ? base.map : applyEntries(base.map, committed);
			const note = await this.#id.signCheckpoint(newSize, root, map.root);
			const hashes = [...overlay].map(([index, hash]) => ({ index, hash }));
			await this.#store.appendBatch({ fromSize, entries: rows, changes, hashes, checkpoint: { size: newSize, checkpoint: note }, erase, noticeChanges });
			// Durable from here on.
			for (const { index, hash } of hashes) this.#cache.put(index, hash);
			this.#setHead({ size: newSize, checkpoint: note, map });
			this.#registry = registry;
			this.#claims = claims.ledger;
			// Erased bodies are gone from the rows; compaction makes them gone from the files too,
			// before the registrar who asked is answered.
			if (erase.length && this.#onErase) await this.#onErase(erase).catch((e) => console.error(`[sequencer] erasing files of erased changes failed: ${(e as Error).message}`));
			if (erase.length) await this.#store.compact().catch((e) => console.error(`[sequencer] compaction after erasure failed: ${(e as Error).message}`));
		}

		const reader = this.#cache.reader();
		const { checkpoint } = this.#head;
		const answer = async (p: Pending, index: number, duplicate: boolean) => {
			const proof = await proveRecord(newSize, index, reader);
			p.resolve({ status: 'accepted', index, duplicate, treeSize: newSize, proof, checkpoint });
		};
		for (const { p, index } of accepted) await answer(p, index, false);
		for (const { p, index } of duplicates) await answer(p, index, true);
		if (committed.length) this.#onCommit?.(committed);
	}

	/** An erasure names private changes of its own parcel that exist and are not erased yet. */
	async #checkErasure(
		s: Extract<CheckedSubmission['statement'], { kind: 'erase' }>,
		pendingErased: Map<string, Set<string>>,
		pendingChanges: Map<string, Set<string>>
	): Promise<Refusal<StatefulCode> | null> {
		const key = docKey(s.parcelId, 'private');
		// Complete erasures only: every live change of the document, or it could not be rebuilt.
		const live = (await this.#store.changesOfParcel(s.parcelId)).filter((c) => c.part === 'private' && !c.erased);
		const named = new Set(s.changeHashes.map(toHex));
		const left = live.filter((c) => !named.has(toHex(c.hash)));
		if (left.length || pendingChanges.get(key)?.size) {
			return { code: 'not-erasable', message: `an erasure names every private change of ${s.parcelId} not yet erased (${live.length}); ${left.length} missing` };
		}
		const amHashes: string[] = [];
		for (const hash of s.changeHashes) {
			const c = await this.#store.readChange(hash);
			const hex = toHex(hash).slice(0, 12);
			if (!c || c.parcel !== s.parcelId || c.part !== 'private') {
				return { code: 'not-erasable', message: `change ${hex}… is not a private change of ${s.parcelId}` };
			}
			if (c.erased || pendingErased.get(key)?.has(c.amHash)) return { code: 'not-erasable', message: `change ${hex}… is already erased` };
			amHashes.push(c.amHash);
		}
		if (!pendingErased.has(key)) pendingErased.set(key, new Set());
		for (const h of amHashes) pendingErased.get(key)!.add(h);
		return null;
	}

	#checkChange(
		sub: CheckedSubmission,
		facts: ChangeFacts,
		pendingChanges: Map<string, Set<string>>,
		pendingSeq: Map<string, number>,
		pendingErased: Map<string, Set<string>>
	): Refusal<StatefulCode> | null {
		const s = sub.statement;
		if (s.kind !== 'edit') return null;
		const c = sub.changeInfo!;
		const key = docKey(s.parcelId, s.part);
		const pending = pendingChanges.get(key);
		const stored = (h: string) => facts.known.has(factKey(s.parcelId, s.part, h));
		if (stored(c.amHash) || pending?.has(c.amHash)) {
			return { code: 'duplicate-change', message: 'this change is already in the document (signed again under another statement)' };
		}
		const erasedNow = pendingErased.get(key);
		const erased = c.deps.filter((d) => facts.erased.has(factKey(s.parcelId, s.part, d)) || erasedNow?.has(d));
		if (erased.length) {
			return { code: 'depends-on-erased', message: `the change builds on ${erased.length} erased change(s) of this ${s.part} document; load the document again and redo the edit` };
		}
		const missing = c.deps.filter((d) => !pending?.has(d) && !stored(d));
		if (missing.length) {
			return { code: 'unknown-dependency', message: `the change depends on ${missing.length} change(s) this ${s.part} document does not have (${missing[0].slice(0, 12)}…); submit those first` };
		}
		const last = pendingSeq.get(`${key}\u0000${c.actor}`) ?? facts.maxSeq.get(factKey(s.parcelId, s.part, c.actor)) ?? 0;
		if (c.seq <= last) {
			return { code: 'duplicate-seq', message: `actor ${c.actor.slice(0, 12)}… already wrote change ${c.seq} of this document; a second one would break it` };
		}
		if (c.seq !== last + 1) {
			return { code: 'missing-predecessor', message: `change ${c.seq} of actor ${c.actor.slice(0, 12)}… arrived before change ${last + 1}; submit in order` };
		}
		// No edit enters the log unless it was applied to its part's document in a check (ledger.ts
		// #fit); one whose dependencies arrived only while it was being checked is sent back.
		if (!sub.fitted) {
			if (sub.fitRefusal) return { code: 'bad-change', message: `devices could not use this change: ${sub.fitRefusal}` };
			return { code: 'unknown-dependency', message: 'the change builds on changes that were not in the log when it was checked; send it again' };
		}
		return null;
	}
}
