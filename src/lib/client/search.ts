// Offline search over the device's search rows: every query word must be a prefix of some word
// of the parcel id, APN, address, locality, postcode or an owner's name (search-index.ts).
import type { FieldDatabase, SearchRow } from './db';
import { matchIndex, readSearchState } from './search-index';
import { queryWords } from '../core/record/summary';

export interface SearchOptions {
	district?: string;
	limit?: number;
}

export async function searchParcels(db: FieldDatabase, text: string, o: SearchOptions = {}): Promise<SearchRow[]> {
	const limit = o.limit ?? 50;
	const q = queryWords(text) ?? [];
	if (q.length === 0) {
		const coll = o.district ? db.parcels.where('district').equals(o.district) : db.parcels.orderBy('id');
		return coll.limit(limit).toArray();
	}
	const { indexes, delta } = await readSearchState(db);
	const inDistrict = (d: string) => !o.district || d === o.district;
	// Rows changed since their index was built are matched on their current words only.
	const changed = new Set(delta.map((d) => d.id));
	const ids = delta.filter((d) => inDistrict(d.district) && q.every((w) => d.words.some((x) => x.startsWith(w)))).map((d) => d.id);
	for (const index of indexes) if (inDistrict(index.district)) ids.push(...matchIndex(index, q, limit, changed));
	const first = [...new Set(ids)].sort().slice(0, limit);
	return (await db.parcels.bulkGet(first)).filter((r): r is SearchRow => r !== undefined);
}

/** Parcels whose centre lies in the box (for the map's "parcels here"). */
export async function parcelsInView(db: FieldDatabase, box: [number, number, number, number], limit = 2000): Promise<SearchRow[]> {
	const [minLon, minLat, maxLon, maxLat] = box;
	return db.parcels
		.where('cx')
		.between(minLon, maxLon, true, true)
		.filter((r) => r.cy !== null && r.cy >= minLat && r.cy <= maxLat)
		.limit(limit)
		.toArray();
}
