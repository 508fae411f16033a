// Where a parcel's documents are on the device: its `docs` row once anything on the device wrote
// it (a save, a pull, the registry), else its entry in the pack a district download stored it
// in. A download writes a page's documents as a few packs of PACK_SIZE parcels instead of one row
// a parcel: IndexedDB's cost is per record (performance.md, "A fresh tablet"), and a fresh tablet
// writes 10,000 parcels' documents as 200 records instead of 10,000. Packs are never rewritten
// to follow edits (the row wins); an erasure takes the parcel out of every pack holding it, so
// erased bytes do not stay on the device (pull.ts).
import Dexie from 'dexie';
import type { DocPackRow, DocRow, FieldDatabase } from './db';

/** Parcels a pack: reading one (opening a parcel never written since the download) reads this many. */
export const PACK_SIZE = 50;

/** A parcel's documents and where they were read from. */
export interface StoredDocs {
	row: DocRow;
	/** From a download's pack (the parcel has no `docs` row yet). */
	packed: boolean;
}

/** The packs of one page's documents, in the page's order (keys name the district and first parcel). */
export function packDocs(district: string, docs: readonly DocRow[], size = PACK_SIZE): DocPackRow[] {
	const packs: DocPackRow[] = [];
	for (let i = 0; i < docs.length; i += size) {
		const some = docs.slice(i, i + size);
		packs.push({ key: `${district}|${some[0].parcelId}`, district, ids: some.map((d) => d.parcelId), parts: some.map((d) => d.parts) });
	}
	return packs;
}

/** The rows of the `wanted` parcels a pack holds (revision 0: never written on the device). */
export function unpack(pack: DocPackRow, wanted: ReadonlySet<string>): DocRow[] {
	return pack.ids.flatMap((id, i) => (wanted.has(id) ? [{ parcelId: id, parts: pack.parts[i], rev: 0 }] : []));
}

/** The pack without `parcelIds` (null when none of them is in it). */
export function without(pack: DocPackRow, parcelIds: ReadonlySet<string>): DocPackRow | null {
	if (!pack.ids.some((id) => parcelIds.has(id))) return null;
	const keep = pack.ids.flatMap((id, i) => (parcelIds.has(id) ? [] : [i]));
	return { ...pack, ids: keep.map((i) => pack.ids[i]), parts: keep.map((i) => pack.parts[i]) };
}

/** The packs listing any of `ids`, each once (keys first: a pack listing several would be read as often). */
async function packsHolding(db: FieldDatabase, ids: string[]): Promise<DocPackRow[]> {
	if (ids.length === 1) return db.docPacks.where('ids').equals(ids[0]).toArray();
	const keys = [...new Set(await db.docPacks.where('ids').anyOf(ids).primaryKeys())];
	return (await db.docPacks.bulkGet(keys)).filter((p): p is DocPackRow => p !== undefined);
}

/**
 * The documents of `ids` (missing ones are absent from the map). Called inside a transaction, it
 * must include `docs` and `docPacks`; outside one, it reads both in one read-only transaction.
 */
export async function readDocs(db: FieldDatabase, ids: readonly string[]): Promise<Map<string, StoredDocs>> {
	const read = async () => {
		const out = new Map<string, StoredDocs>();
		const rows = await db.docs.bulkGet([...ids]);
		const missing: string[] = [];
		rows.forEach((row, i) => (row ? out.set(ids[i], { row, packed: false }) : missing.push(ids[i])));
		if (!missing.length) return out;
		const wanted = new Set(missing);
		for (const pack of await packsHolding(db, missing)) {
			for (const row of unpack(pack, wanted)) if (!out.has(row.parcelId)) out.set(row.parcelId, { row, packed: true });
		}
		return out;
	};
	return Dexie.currentTransaction ? read() : db.transaction('r', [db.docs, db.docPacks], read);
}

/** The documents of one parcel, or undefined (same transaction rule as readDocs). */
export async function readDoc(db: FieldDatabase, parcelId: string): Promise<StoredDocs | undefined> {
	return (await readDocs(db, [parcelId])).get(parcelId);
}

/** Takes `parcelIds` out of every pack holding them (an erasure); inside a transaction with `docPacks`. */
export async function dropFromPacks(db: FieldDatabase, parcelIds: readonly string[]): Promise<void> {
	if (!parcelIds.length) return;
	const gone = new Set(parcelIds);
	const put: DocPackRow[] = [];
	for (const p of await packsHolding(db, [...gone])) {
		const left = without(p, gone);
		if (left) put.push(left);
	}
	await db.docPacks.bulkPut(put);
}
