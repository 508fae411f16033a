// The projector: keeps the projection (search rows) up to date with the log, after commits and
// off the request path. It reads entries from the projected size on, and re-projects every
// parcel whose PUBLIC parts changed from that parcel's public changes, one parcel at a time
// (Automerge's wasm memory makes holding many documents costly on Node 20). It never reads a
// `private` change body: private entries are only seen as "a private part changed", and ignored.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../../core/bytes';
import { decodeEntry } from '../../core/log/entry';
import { isClaimBody } from '../../core/claims/body';
import { loadPartDoc } from '../../core/crdt/document';
import { publicView } from '../../core/crdt/merge';
import type { PartDoc } from '../../core/crdt/representation';
import { neutralizeText } from '../../core/record/text-rules.js';
import { summarize } from '../../core/record/summary';
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/record/json';
import type { ChangeRow, LogStore } from '../store/types';
import type { ParcelRow, ProjectionStore } from './types';
import type { AuthorActivityRow, ConflictRow } from './registry-types';
import { scanConflicts, type EntryInfo } from '../registry/conflict-scan';
import { spatialStep } from '../registry/spatial-check';
import { loadClaimLedger } from '../claims/gate';
import type { ClaimLedger } from '../../core/claims/state';
import type { ClaimsExtras } from './claims-types';

const PUBLIC = ['parcel', 'valuation', 'title'] as const;
type PublicPart = (typeof PUBLIC)[number];
const isPublic = (part: string): part is PublicPart => (PUBLIC as readonly string[]).includes(part);

export interface ProjectorOptions {
	log: LogStore;
	projection: ProjectionStore;
	/** Parcels per saved batch (one transaction). Default 100. */
	batchParcels?: number;
	/** Entries read per chunk. Default 2,000. */
	chunkEntries?: number;
	/** How long `schedule` waits, so that a burst of commits costs one catch-up. Default 250 ms. */
	debounceMs?: number;
	/** Where `schedule` reports failures. Default console.error. */
	onError?: (error: unknown) => void;
}

export interface CatchUpProgress {
	/** Entries projected so far in this catch-up, of `total`. */
	done: number;
	total: number;
	/** Parcels (re)projected so far. */
	parcels: number;
}

export class Projector {
	readonly #log: LogStore;
	readonly #projection: ProjectionStore;
	readonly #batch: number;
	readonly #chunk: number;
	readonly #debounceMs: number;
	readonly #onError: (error: unknown) => void;
	/** Catch-ups run one after another; this is the tail of the queue, and never rejects. */
	#tail: Promise<void> = Promise.resolve();
	#running = 0;
	#scheduled: Promise<void> | null = null;

	constructor(o: ProjectorOptions) {
		this.#log = o.log;
		this.#projection = o.projection;
		this.#batch = Math.max(1, o.batchParcels ?? 100);
		this.#chunk = Math.max(1, o.chunkEntries ?? 2000);
		this.#debounceMs = o.debounceMs ?? 250;
		this.#onError = o.onError ?? ((e) => console.error('[projection] catch-up failed:', e));
	}

	/** Projects entries [projectedSize, log size) and resolves with the projected size reached. */
	catchUp(progress?: (p: CatchUpProgress) => void): Promise<number> {
		this.#running++;
		const run = this.#tail.then(() => this.#catchUp(progress));
		const settled = run.then(
			() => {},
			() => {}
		);
		this.#tail = settled;
		void settled.then(() => this.#running--);
		return run;
	}

	/** A catch-up soon (debounced). Never throws; failures go to `onError` and the next call retries. */
	schedule(): void {
		if (this.#scheduled) return;
		this.#scheduled = new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				this.#scheduled = null;
				this.catchUp().then(
					() => resolve(),
					(e: unknown) => {
						this.#onError(e);
						resolve();
					}
				);
			}, this.#debounceMs);
			timer.unref?.();
		});
	}

	/** Resolves once nothing is scheduled or running. */
	async idle(): Promise<void> {
		while (this.#scheduled || this.#running > 0) await (this.#scheduled ?? this.#tail);
	}

	async #catchUp(progress?: (p: CatchUpProgress) => void): Promise<number> {
		const start = await this.#projection.projectedSize();
		const target = (await this.#log.head())?.size ?? 0;
		if (start >= target) return start;
		// A parcel is projected at most once per catch-up, from every public change below `target`.
		const done = new Set<string>();
		// Overlaps and gaps are looked for once the projection has caught up from empty (registry).
		const checkNew = start > 0;
		// Claims and notices replayed up to `target`, read once, when a chunk touches them.
		let claimLedger: ClaimLedger | null = null;
		const ledger = async () => (claimLedger ??= await loadClaimLedger(this.#log, target));
		for (let from = start; from < target; from += this.#chunk) {
			const to = Math.min(target, from + this.#chunk);
			const entries = await this.#log.readEntries(from, to);
			if (entries.length !== to - from) throw new Error(`log entries ${from}…${to - 1} are incomplete`);
			const dirty = new Set<string>();
			const activity = new Map<string, AuthorActivityRow>();
			const claimParcels = new Set<string>();
			const edits: { parcelId: string; changeHash: string }[] = [];
			for (const { index, data } of entries) {
				const e = decodeEntry(data);
				if (isClaimBody(e)) claimParcels.add(e.parcelId);
				if (e.kind === 'edit' && (e.part === 'parcel' || e.part === 'title')) edits.push({ parcelId: e.parcelId, changeHash: toHex(e.changeHash) });
				if (e.kind === 'edit' && isPublic(e.part) && !done.has(e.parcelId)) dirty.add(e.parcelId);
				if (e.kind === 'edit') activity.set(toHex(e.author), { author: toHex(e.author), lastIndex: index, lastLogTime: e.logTime, lastParcel: e.parcelId });
			}
			const claims = await claimsTouched(claimParcels, edits, ledger);
			const ids = [...dirty].sort();
			if (ids.length === 0) await this.#projection.saveParcels([], to, { activity: [...activity.values()], claims });
			for (let i = 0; i < ids.length; i += this.#batch) {
				const group = ids.slice(i, i + this.#batch);
				const rows: ParcelRow[] = [];
				const conflicts: ConflictRow[] = [];
				for (const [k, id] of group.entries()) {
					// Let requests in between parcels: a large import's catch-up must not stall the API.
					if (k % 10 === 9) await new Promise<void>((r) => setImmediate(r));
					const projected = await projectParcelDetailed(this.#log, id, target);
					if (projected) {
						rows.push(projected.row);
						conflicts.push(...projected.conflicts);
					}
					done.add(id);
				}
				const last = i + this.#batch >= ids.length;
				const previous = start === 0 ? new Map<string, ParcelRow>() : new Map((await this.#projection.getParcels(group)).map((r) => [r.id, r]));
				const spatial = (await spatialStep(this.#projection, rows, previous, checkNew)) ?? undefined;
				// Only the chunk's last batch moves the projected size: a crash before it redoes the chunk.
				await this.#projection.saveParcels(rows, last ? to : from, { conflicts, activity: last ? [...activity.values()] : [], spatial, claims: last ? claims : undefined });
			}
			progress?.({ done: to - start, total: target - start, parcels: done.size });
		}
		return target;
	}
}

/**
 * The claims and notices of the parcels a chunk touched: those its claim, decision and notice
 * entries name, and those of its edits that log a change on notice (the notice is then applied).
 */
async function claimsTouched(claimParcels: Set<string>, edits: { parcelId: string; changeHash: string }[], ledger: () => Promise<ClaimLedger>): Promise<ClaimsExtras | undefined> {
	if (claimParcels.size === 0 && edits.length === 0) return undefined;
	const l = await ledger();
	const parcels = new Set(claimParcels);
	for (const e of edits) if (l.noticesOf(e.parcelId).some((n) => n.changeHash === e.changeHash)) parcels.add(e.parcelId);
	if (parcels.size === 0) return undefined;
	return { claims: [...parcels].flatMap((p) => l.claimsOf(p)), notices: [...parcels].flatMap((p) => l.noticesOf(p)) };
}

/**
 * The row of one parcel from its public changes below `end`, or null when it has no usable
 * `parcel` part. Private changes are dropped by their part name, unread.
 */
export async function projectParcel(log: LogStore, parcelId: string, end: number): Promise<ParcelRow | null> {
	return (await projectParcelDetailed(log, parcelId, end))?.row ?? null;
}

/** projectParcel, plus the conflicts of the public parts (for the registry's queue). */
export async function projectParcelDetailed(log: LogStore, parcelId: string, end: number): Promise<{ row: ParcelRow; conflicts: ConflictRow[] } | null> {
	const indexOf = new Map<string, EntryInfo>();
	for (const stored of await log.entriesOfParcel(parcelId)) {
		if (stored.index >= end) break;
		const e = decodeEntry(stored.data);
		if (e.kind === 'edit' && isPublic(e.part)) {
			indexOf.set(toHex(e.changeHash), { index: stored.index, author: toHex(e.author), claimedTime: e.claimedTime, logTime: e.logTime });
		}
	}
	const bodies: Record<PublicPart, Uint8Array[]> = { parcel: [], valuation: [], title: [] };
	const rowsOf: Record<PublicPart, ChangeRow[]> = { parcel: [], valuation: [], title: [] };
	let lastIndex = -1;
	let editCount = 0;
	for (const change of await log.changesOfParcel(parcelId)) {
		if (!isPublic(change.part)) continue;
		const index = indexOf.get(toHex(change.hash))?.index;
		if (index === undefined) continue; // logged at or after `end`
		bodies[change.part].push(change.body);
		rowsOf[change.part].push(change);
		lastIndex = Math.max(lastIndex, index);
		editCount++;
	}
	const docs: Partial<Record<PublicPart, PartDoc>> = {};
	try {
		for (const part of PUBLIC) {
			if (bodies[part].length === 0) continue;
			const loaded = loadPartDoc(bodies[part]); // one batch: one by one is ~70× slower
			if (!loaded.ok) {
				console.warn(`[projection] ${parcelId} ${part}: ${loaded.message}`);
				continue;
			}
			// A change Automerge refuses (a log from before the server checked every change) is left
			// out; the rest of the part is projected. The operator learns which entry it is.
			for (const b of loaded.bad) {
				const row = rowsOf[part][b.index];
				const at = indexOf.get(toHex(row.hash))?.index;
				console.warn(`[projection] ${parcelId} ${part}: entry ${at} (change ${toHex(row.hash).slice(0, 12)}…) cannot be applied and is left out: ${b.message}`);
			}
			if (loaded.bad.length) rowsOf[part] = rowsOf[part].filter((_, i) => !loaded.bad.some((b) => b.index === i));
			// A part that names another parcel is not this parcel's (the server does not read bodies).
			if (idOf(loaded.doc) === parcelId) docs[part] = loaded.doc;
			else Automerge.free(loaded.doc);
		}
		if (!docs.parcel) return null;
		const view = publicView({ parcel: docs.parcel, valuation: docs.valuation, title: docs.title });
		if (!view.ok) throw new Error(`${parcelId}: ${view.message}`); // cannot happen: ids were checked
		const row = parcelRow(parcelId, neutralized(view.value) as JsonObject, lastIndex, editCount);
		const conflicts = scanConflicts(parcelId, docs, rowsOf, indexOf).map((c) => ({
			...c,
			values: c.values.map((v) => ({ ...v, value: neutralized(v.value) }))
		}));
		return { row, conflicts };
	} finally {
		for (const doc of Object.values(docs)) Automerge.free(doc);
	}
}

function idOf(doc: PartDoc): string | null {
	const id = doc.id;
	return Automerge.isImmutableString(id) ? id.val : null;
}

/**
 * The projection is what pages, search, exports and the public API show: every string follows the
 * record text rule there, with refused characters shown as visible stand-ins (core/record/text-rules.js;
 * text written before the rule still shows, and cannot reorder or escape its field). This also
 * drops U+0000, which PostgreSQL text and jsonb refuse. The parcel notes are multi-line.
 */
function neutralized(x: JsonValue, key = ''): JsonValue {
	if (typeof x === 'string') return neutralizeText(x, key === 'notes');
	if (Array.isArray(x)) return x.map((v) => neutralized(v));
	if (isJsonObject(x)) return Object.fromEntries(Object.entries(x).map(([k, val]) => [neutralizeText(k), neutralized(val, k)]));
	return x;
}

export function parcelRow(id: string, record: JsonObject, lastIndex: number, editCount: number): ParcelRow {
	return { ...summarize(id, record), record, lastIndex, editCount };
}
