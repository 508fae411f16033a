// GET /api/snapshot pages (docs/protocol.md "Snapshot"): a district for a fresh field device, at
// one retained parcel-map version — its size, its signed checkpoint and a map proof that shows the
// page hides no parcel of the district since the previous page, and each part's leaf.
import { DISTRICT_PATTERN, PARCEL_ID_PATTERN } from '../../core/record/ids';
import { PART_NAMES, type PartName } from '../../core/record/parts';
import { toHex } from '../../core/bytes';
import { parcelPrefix } from '../../core/map';
import { HttpError, intParam } from '../http/respond';
import { entryJson, type EntryJson } from '../http/entries-json';
import { base64, parcelsBetween } from '../map/read';
import type { Ledger } from '../ledger';
import type { ParcelRow, ProjectionStore } from '../projection/types';

export const SNAPSHOT_DEFAULT_LIMIT = 1000;
export const SNAPSHOT_MAX_LIMIT = 5000;

export interface SnapshotQuery {
	district: string;
	after: string | null;
	limit: number;
}

/** The query of a page (400 on anything malformed). */
export function snapshotQuery(url: URL): SnapshotQuery {
	const district = url.searchParams.get('district') ?? '';
	if (!DISTRICT_PATTERN.test(district)) throw new HttpError('bad-request', 'district must be a district code like RIV');
	const after = url.searchParams.get('after');
	if (after !== null && !PARCEL_ID_PATTERN.test(after)) throw new HttpError('bad-request', 'after must be a parcel id like RIV-000123');
	const limit = Math.min(intParam(url, 'limit', SNAPSHOT_DEFAULT_LIMIT), SNAPSHOT_MAX_LIMIT);
	if (limit < 1) throw new HttpError('bad-request', 'limit must be at least 1');
	return { district, after, limit };
}

/** No retained map version is at or below the projected size yet: the client retries shortly. */
export class SnapshotNotReady extends Error {
	readonly retryAfterSeconds = 1;
	constructor(message: string) {
		super(message);
		this.name = 'SnapshotNotReady';
	}
}

type SearchRow = Omit<ParcelRow, 'record' | 'lastIndex' | 'editCount'>;

/** One parcel's bytes on a page; `hashes` only for parts whose bytes are not all served. */
export interface SnapshotParcelParts {
	parts: Partial<Record<PartName, string>>;
	withheld: PartName[];
	hashes?: Partial<Record<PartName, string[]>>;
}

export interface SnapshotPageJson {
	district: string;
	size: number;
	checkpoint: string;
	total?: number;
	keyEntries?: EntryJson[];
	parcels: ({ row: SearchRow } & SnapshotParcelParts)[];
	/** Parcels the map holds in this page's range that have no search row (no usable `parcel` part yet). */
	unlisted?: ({ id: string } & SnapshotParcelParts)[];
	mapProof: string;
	next: string | null;
}

/**
 * A page. `size` is the largest retained map version at or below min(log size, projected size),
 * so rows reflect at least every entry below it; parts are cut at that size and the checkpoint
 * and proof are that version's. `privateOk`: the reader may have private bodies (their access
 * already recorded).
 */
export async function snapshotPage(
	rt: { ledger: Pick<Ledger, 'sequencer' | 'store' | 'mapAtMost'>; projection: Pick<ProjectionStore, 'projectedSize' | 'listParcels' | 'districts'> },
	q: SnapshotQuery,
	privateOk: boolean
): Promise<SnapshotPageJson> {
	const { ledger, projection } = rt;
	const bound = Math.min(ledger.sequencer.size, await projection.projectedSize());
	const version = ledger.mapAtMost(bound);
	if (!version) {
		throw new SnapshotNotReady(`the search rows are at log size ${bound}, older than any parcel map this server keeps; try again in a moment`);
	}
	const { size, map } = version;
	const rows = await projection.listParcels(q.district, q.after, q.limit);
	const next = rows.length === q.limit ? rows[rows.length - 1].id : null;
	// Every parcel of the district the map holds in (after, next] is on the page, with a row or
	// without one (a parcel whose `parcel` part is not there yet), so the proof hides none.
	const listed = new Set(rows.map((r) => r.id));
	const unlistedIds = parcelsBetween(map, q.district, q.after, next).filter((id) => !listed.has(id));
	const ids = [...rows.map((r) => r.id), ...unlistedIds];

	interface PartBytes {
		bodies: Uint8Array[];
		hashes: Uint8Array[];
		erased: boolean;
	}
	const byPart = new Map<string, PartBytes>();
	for (const c of await ledger.store.changesOfParcels(ids, size)) {
		const key = `${c.parcel}\u0000${c.part}`;
		let p = byPart.get(key);
		if (!p) byPart.set(key, (p = { bodies: [], hashes: [], erased: false }));
		p.hashes.push(c.hash);
		if (c.erased) p.erased = true; // erased on a legal request: never served again
		else p.bodies.push(c.body);
	}
	const partsOf = (id: string): SnapshotParcelParts => {
		const parts: Partial<Record<PartName, string>> = {};
		const withheld: PartName[] = [];
		let hashes: Partial<Record<PartName, string[]>> | undefined;
		for (const part of PART_NAMES) {
			const p = byPart.get(`${id}\u0000${part}`);
			if (!p) continue;
			// Private bodies only for an editor of the district (a part whose bodies were all erased has none to withhold).
			const held = part === 'private' && !privateOk && p.bodies.length > 0;
			if (held) withheld.push(part);
			else if (p.bodies.length) parts[part] = Buffer.concat(p.bodies).toString('base64');
			// Bytes not all served: the change hashes let a device recompute the part's map digest.
			if (held || p.erased) (hashes ??= {})[part] = p.hashes.map(toHex);
		}
		return hashes ? { parts, withheld, hashes } : { parts, withheld };
	};
	const parcels = rows.map(({ record: _record, lastIndex: _last, editCount: _count, ...row }) => ({ row, ...partsOf(row.id) }));
	const unlisted = unlistedIds.map((id) => ({ id, ...partsOf(id) }));
	const mapProof = base64(map.prove([...(q.after ? [q.after] : []), ...ids].map(parcelPrefix)));
	const first = q.after === null;
	const total = first ? ((await projection.districts()).find((d) => d.district === q.district)?.parcels ?? 0) : undefined;
	// Every grant and revocation below `size`; the device gets the later ones from /api/sync.
	const keyEntries = first ? (await ledger.store.keyEntries()).filter((e) => e.index < size).map(entryJson) : undefined;
	return {
		district: q.district,
		size,
		checkpoint: version.checkpoint,
		total,
		keyEntries,
		parcels,
		...(unlisted.length ? { unlisted } : {}),
		mapProof,
		next
	};
}
