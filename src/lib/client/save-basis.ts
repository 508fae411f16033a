// What a save of an opened parcel writes over: the parcel's documents row, its search row and
// its stored conflicts' keys, as the parcel screen read them (or the last save wrote them). A
// save holding them issues its writes together with its reads, in one transaction and without a
// round trip to this thread in between, and lets it commit only when the reads show exactly
// what the writes assumed; otherwise it aborts (nothing written) and saves the careful way, reads
// first (save.ts). Never trusted: a stale basis costs one aborted transaction, never an edit.
import type { DocRow, SearchRow } from './db';
import { sameData } from './doc-cache';

export interface SaveBasis {
	row: DocRow;
	/** `row` is the parcel's entry in a download's pack (it had no `docs` row): doc-packs.ts. */
	packed: boolean;
	search: SearchRow | undefined;
	conflictKeys: string[];
}

const MAX = 2; // the opened parcel and the one before it
const bases = new Map<string, SaveBasis>();

const keyOf = (dbName: string, parcelId: string) => `${dbName}|${parcelId}`;

export function rememberBasis(dbName: string, basis: SaveBasis): void {
	const key = keyOf(dbName, basis.row.parcelId);
	bases.delete(key);
	bases.set(key, basis);
	while (bases.size > MAX) bases.delete(bases.keys().next().value as string);
}

/** The basis of `parcelId`, taken out (a save hands back what it wrote), or null. */
export function takeBasis(dbName: string, parcelId: string): SaveBasis | null {
	const key = keyOf(dbName, parcelId);
	const basis = bases.get(key) ?? null;
	bases.delete(key);
	return basis;
}

/** Whether what a transaction read is exactly `basis` (same revision, bytes, search row and keys; `row` is the `docs` row). */
export function isBasis(basis: SaveBasis, row: DocRow | undefined, search: SearchRow | undefined, conflictKeys: readonly string[]): boolean {
	if (basis.packed) {
		// Still no row: the pack is as read (only an erasure changes a pack, and it writes the row).
		if (row) return false;
	} else {
		if (!row || row.rev !== basis.row.rev) return false;
		const parts = Object.keys(row.parts) as (keyof DocRow['parts'])[];
		if (parts.length !== Object.keys(basis.row.parts).length) return false;
		for (const p of parts) {
			const theirs = basis.row.parts[p];
			if (!theirs || !sameData(row.parts[p]!, theirs)) return false;
		}
	}
	if (conflictKeys.length !== basis.conflictKeys.length || conflictKeys.some((k, i) => k !== basis.conflictKeys[i])) return false;
	// A search row is small (summary and outline): compared whole.
	return JSON.stringify(search) === JSON.stringify(basis.search);
}
