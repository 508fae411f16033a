// GET /api/sync answers (docs/protocol.md "Reading", "Snapshot"): the entries a field device
// follows — edits, erasures, claims, decisions and notices of its districts and every key entry from `since` — with change
// bodies, at one parcel-map version: `treeSize`, `checkpoint` and the districts' `mapPaths` are
// taken together, so a device that has applied every entry below treeSize can check its
// districts' leaves against the checkpoint's map line.
import { toBase64, toHex } from '../../core/bytes';
import { DISTRICT_PATTERN, districtOf } from '../../core/record/ids';
import type { KeyRecord } from '../../core/log/authority';
import { mayReadPrivate } from '../http/access';
import { entryJson, type EntryJson } from '../http/entries-json';
import { HttpError, intParam } from '../http/respond';
import { districtPath, type MapPathJson } from '../map/read';
import type { Ledger } from '../ledger';

export const SYNC_DEFAULT_LIMIT = 500;
export const SYNC_MAX_LIMIT = 2000;

export interface SyncQuery {
	districts: string[];
	since: number;
	limit: number;
}

export function syncQuery(url: URL): SyncQuery {
	const districts = (url.searchParams.get('districts') ?? '').split(',').filter(Boolean);
	if (!districts.length || districts.some((d) => !DISTRICT_PATTERN.test(d))) {
		throw new HttpError('bad-request', 'districts must be a comma-separated list like RIV,NORTH');
	}
	const since = intParam(url, 'since', 0);
	const limit = Math.min(intParam(url, 'limit', SYNC_DEFAULT_LIMIT), SYNC_MAX_LIMIT);
	return { districts, since, limit };
}

export interface SyncJson {
	treeSize: number;
	checkpoint: string;
	since: number;
	next: number | null;
	entries: EntryJson[];
	changes: Record<string, string>;
	withheld: string[];
	erased: string[];
	/** Per requested district: ParcelMap.pathTo at treeSize (null: the district has no key then). */
	mapPaths: Record<string, MapPathJson>;
}

/**
 * One answer, and the districts whose private bodies it carries: the caller records that access
 * in the log before sending it (privacy/access-log.ts).
 */
export async function syncAnswer(
	ledger: Pick<Ledger, 'mapVersion' | 'store'>,
	q: SyncQuery,
	editor: KeyRecord | null
): Promise<{ body: SyncJson; privateDistricts: string[] }> {
	const version = ledger.mapVersion(); // size, checkpoint and map of one version
	const size = version.size;
	const stored = (await ledger.store.entriesForDistricts(q.districts, q.since, q.limit)).filter((e) => e.index < size);
	const entries = stored.map(entryJson);
	const changes: Record<string, string> = {};
	const withheld: string[] = [];
	const erased: string[] = [];
	const privateDistricts = new Set<string>();
	const wanted: Uint8Array[] = [];
	for (const e of entries) {
		if (e.kind !== 'edit' || !e.changeHash) continue;
		if (e.part === 'private' && !mayReadPrivate(editor, e.parcel!)) withheld.push(e.changeHash);
		else wanted.push(Uint8Array.from(Buffer.from(e.changeHash, 'hex')));
	}
	for (const c of await ledger.store.readChanges(wanted)) {
		if (c.erased) erased.push(toHex(c.hash));
		else {
			changes[toHex(c.hash)] = toBase64(c.body);
			if (c.part === 'private') privateDistricts.add(districtOf(c.parcel)!);
		}
	}
	const next = stored.length === q.limit ? stored[stored.length - 1].index + 1 : null;
	const mapPaths = Object.fromEntries(q.districts.map((d) => [d, districtPath(version.map, d)]));
	return {
		body: { treeSize: size, checkpoint: version.checkpoint, since: q.since, next, entries, changes, withheld, erased, mapPaths },
		privateDistricts: [...privateDistricts]
	};
}
