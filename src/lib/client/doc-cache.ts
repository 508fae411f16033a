// The open parcel's loaded Automerge documents, kept between the parcel screen and its saves so
// that a save does no `load` (issue 19: ≈ 2 ms of a save's main-thread time). An entry is used
// only while the stored bytes are exactly the bytes it was loaded from or saved as — compared,
// never assumed — so any other writer (a pull, another tab, a download) just makes it miss.
import * as Automerge from '@automerge/automerge';
import type { PartDoc } from '../core/crdt/representation';
import type { PartName } from '../core/record/parts';
import type { PartData } from './db';
import type { UnusableChange } from './docs';

interface Entry {
	data: PartData;
	actor: string;
	doc: PartDoc;
	unusable: UnusableChange[];
	/** No write to the database's `docs` was seen since `data` was read or written (`unconfirm`). */
	confirmed: boolean;
}

export type Opened = { ok: true; doc: PartDoc; unusable: UnusableChange[] } | { ok: false; message: string };

/** Same stored bytes: a string (base64 from a snapshot) or Automerge bytes, compared by value. */
export function sameData(a: PartData, b: PartData): boolean {
	if (typeof a === 'string' || typeof b === 'string') return a === b;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/**
 * Least recently used first out. Documents are wasm memory: the cache frees what it drops, and a
 * document it lends (`read`) must not be freed or changed by the borrower.
 */
export class DocCache {
	readonly #max: number;
	readonly #load: (data: PartData, actor: string) => Opened;
	readonly #entries = new Map<string, Entry>();

	/** `load`: docs.ts loadDoc (passed in: docs.ts holds the tab's cache). */
	constructor(max: number, load: (data: PartData, actor: string) => Opened) {
		this.#max = max;
		this.#load = load;
	}

	/**
	 * The document of `data` with `actor`, now owned by the caller (it leaves the cache: an edit
	 * uses the document up); loaded when the cache holds no match.
	 */
	take(key: string, data: PartData, actor: string): Opened {
		const hit = this.#match(key, data, actor);
		if (hit) {
			this.#entries.delete(key);
			return { ok: true, doc: hit.doc, unusable: hit.unusable };
		}
		return this.#load(data, actor);
	}

	/** Runs `use` on the document of `data`, kept (or now loaded and kept) in the cache. */
	read<T>(key: string, data: PartData, actor: string, use: (doc: PartDoc, unusable: UnusableChange[]) => T): { ok: true; value: T } | { ok: false; message: string } {
		let entry = this.#match(key, data, actor);
		if (!entry) {
			const loaded = this.#load(data, actor);
			if (!loaded.ok) return loaded;
			entry = { data, actor, doc: loaded.doc, unusable: loaded.unusable, confirmed: true };
			this.#set(key, entry);
		} else {
			// Most recently used last; `data` was just read, so it is the stored version again.
			entry.confirmed = true;
			this.#entries.delete(key);
			this.#entries.set(key, entry);
		}
		return { ok: true, value: use(entry.doc, entry.unusable) };
	}

	/** Gives `doc` (stored as `data`) to the cache; the caller no longer owns it. */
	put(key: string, data: PartData, actor: string, doc: PartDoc): void {
		this.#set(key, { data, actor, doc, unusable: [], confirmed: true });
	}

	/**
	 * The stored bytes of `key` when no write to its database's documents was seen since they were
	 * read or written here: a save may then skip reading the row (its transaction still compares).
	 */
	confirmed(key: string, actor: string): PartData | null {
		const e = this.#entries.get(key);
		return e && e.confirmed && e.actor === actor ? e.data : null;
	}

	/**
	 * `docs` rows were written (Dexie's storagemutated, this tab's or another's): those of `dbName`
	 * (null: of every database) whose parcel `written` names.
	 */
	unconfirm(dbName: string | null, written: (parcelId: string) => boolean = () => true): void {
		for (const [key, e] of this.#entries) {
			const [db, parcelId] = key.split('|');
			if ((dbName === null || db === dbName) && written(parcelId)) e.confirmed = false;
		}
	}

	get size(): number {
		return this.#entries.size;
	}

	#match(key: string, data: PartData, actor: string): Entry | null {
		const e = this.#entries.get(key);
		if (!e) return null;
		if (e.actor === actor && sameData(e.data, data)) return e;
		// Stale: the stored bytes moved on (or another key signs now).
		this.#entries.delete(key);
		Automerge.free(e.doc);
		return null;
	}

	#set(key: string, entry: Entry): void {
		const old = this.#entries.get(key);
		if (old && old.doc !== entry.doc) Automerge.free(old.doc);
		this.#entries.delete(key);
		this.#entries.set(key, entry);
		while (this.#entries.size > this.#max) {
			const [oldest, e] = this.#entries.entries().next().value as [string, Entry];
			this.#entries.delete(oldest);
			Automerge.free(e.doc);
		}
	}
}

export const docKey = (dbName: string, parcelId: string, part: PartName): string => `${dbName}|${parcelId}|${part}`;
