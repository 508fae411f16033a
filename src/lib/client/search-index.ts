// The offline search index: per district, the sorted distinct search words and, per word, the
// ordinals of the parcels that have it (a posting list), in one record of typed arrays. It is
// built while a district downloads and read into memory once per tab, so a query costs a few
// binary searches and one bulkGet of the rows it shows: IndexedDB here costs ~25 µs for every
// record or index key it reads, which a multiEntry word index pays per candidate. Rows changed
// since (local saves, pulls) are kept in `searchDelta` and override the index.
import Dexie from 'dexie';
import type { FieldDatabase, SearchDeltaRow, SearchIndexRow, SearchRow } from './db';

export class SearchIndexBuilder {
	readonly #ids: string[] = [];
	readonly #words = new Map<string, number[]>();

	constructor(readonly district: string) {}

	/** Rows must come in id order (snapshot pages do), so ordinals are in id order too. */
	add(rows: readonly SearchRow[]): void {
		for (const r of rows) {
			const ord = this.#ids.push(r.id) - 1;
			for (const w of r.words) {
				const list = this.#words.get(w);
				if (list) list.push(ord);
				else this.#words.set(w, [ord]);
			}
		}
	}

	build(): SearchIndexRow {
		const words = [...this.#words.keys()].sort();
		const starts = new Uint32Array(words.length + 1);
		let total = 0;
		words.forEach((w, i) => {
			starts[i] = total;
			total += this.#words.get(w)!.length;
		});
		starts[words.length] = total;
		const postings = new Uint32Array(total);
		words.forEach((w, i) => postings.set(this.#words.get(w)!, starts[i]));
		const builtAt = Date.now();
		return { key: `${this.district}@${builtAt}`, district: this.district, ids: this.#ids, words, starts, postings, builtAt };
	}
}

/** Rebuilds a district's index from the rows on the device, and clears its delta. */
export async function rebuildSearchIndex(db: FieldDatabase, district: string): Promise<void> {
	const builder = new SearchIndexBuilder(district);
	await db.parcels.where('district').equals(district).each((r) => builder.add([r]));
	await db.transaction('rw', [db.searchIndex, db.searchDelta], async () => {
		await storeSearchIndex(db, builder.build());
		await db.searchDelta.where('district').equals(district).delete();
	});
}

/** Replaces a district's index (call inside a transaction over searchIndex). */
export async function storeSearchIndex(db: FieldDatabase, index: SearchIndexRow): Promise<void> {
	await db.searchIndex.where('district').equals(index.district).delete();
	await db.searchIndex.put(index);
}

export const deltaOf = (row: SearchRow): SearchDeltaRow => ({ id: row.id, district: row.district, words: row.words });

/** First index i with words[i] >= w. */
function lowerBound(words: readonly string[], w: string): number {
	let lo = 0;
	let hi = words.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (words[mid] < w) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** Ordinals (ascending) of parcels having a word that starts with every one of `query`. */
export function matchIndex(index: SearchIndexRow, query: readonly string[], limit: number, skip: ReadonlySet<string>): string[] {
	const n = index.ids.length;
	let hits: Uint8Array | null = null;
	for (const q of query) {
		const flags = new Uint8Array(n);
		const end = lowerBound(index.words, q + '\uffff');
		for (let k = lowerBound(index.words, q); k < end; k++) {
			for (let p = index.starts[k]; p < index.starts[k + 1]; p++) flags[index.postings[p]] = 1;
		}
		if (hits) for (let i = 0; i < n; i++) hits[i] &= flags[i];
		else hits = flags;
	}
	const out: string[] = [];
	if (!hits) return out;
	for (let i = 0; i < n && out.length < limit; i++) if (hits[i] && !skip.has(index.ids[i])) out.push(index.ids[i]);
	return out;
}

interface Loaded {
	indexes: SearchIndexRow[];
	delta: SearchDeltaRow[];
}
const loaded = new Map<string, Promise<Loaded>>();
let listening = false;

/**
 * The district indexes and the delta, kept in memory per tab and dropped whenever Dexie reports a
 * write to either table, in this tab or another (the same signal liveQuery uses), so a search
 * usually reads nothing but the rows it shows.
 */
export function readSearchState(db: FieldDatabase): Promise<Loaded> {
	if (!listening) {
		listening = true;
		Dexie.on('storagemutated', (parts) => {
			for (const part of Object.keys(parts)) {
				const m = /^idb:\/\/(.+)\/(searchIndex|searchDelta)\//.exec(part);
				if (m) loaded.delete(m[1]);
			}
		});
	}
	let state = loaded.get(db.name);
	if (!state) {
		state = db.transaction('r', [db.searchIndex, db.searchDelta], async () => {
			const [indexes, delta] = await Promise.all([db.searchIndex.toArray(), db.searchDelta.toArray()]);
			return { indexes, delta };
		});
		loaded.set(db.name, state);
		state.catch(() => loaded.delete(db.name));
	}
	return state;
}

/** Forget the cached index of this tab (after a rebuild in this tab). */
export function invalidateSearchIndex(db: FieldDatabase): void {
	loaded.delete(db.name);
}
