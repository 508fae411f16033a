// What readers get of the parcel map over HTTP (docs/protocol.md "Parcel map" and "Reading"):
// proofs and district paths, each with the size and the signed checkpoint of ONE map version,
// so the checkpoint's map line is the root the proof or path leads to.
import { DISTRICT_PATTERN, PARCEL_ID_PATTERN } from '../../core/record/ids';
import { districtPrefix, parcelPrefix, type MapPrefix, type ParcelMap } from '../../core/map';
import { HttpError } from '../http/respond';
import type { MapVersion } from './versions';

/** Most parcel ids one GET /api/map may name. */
export const MAX_MAP_PARCELS = 1000;

/** Base64 of bytes of any length (proofs of a district run to megabytes). */
export const base64 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export type MapPathJson = { bit: number; hash: string }[] | null;

/** ParcelMap.pathTo of a district as JSON: siblings lowest first, null when the district has no key. */
export function districtPath(map: ParcelMap, district: string): MapPathJson {
	return map.pathTo(districtPrefix(district))?.map(({ bit, hash }) => ({ bit, hash: base64(hash) })) ?? null;
}

/** A district query parameter, checked (400 otherwise). */
export function districtParam(url: URL, name = 'district'): string {
	const d = url.searchParams.get(name);
	if (d === null) throw new HttpError('bad-request', `query parameter ${name} is required (a district code like RIV)`);
	if (!DISTRICT_PATTERN.test(d)) throw new HttpError('bad-request', `${name} must be a district code like RIV (2–8 of A–Z, 0–9)`);
	return d;
}

/** The prefixes GET /api/map proves: `parcels=ID,ID,…` (1–1,000 parcel ids) or `district=D`, not both. */
export function mapQuery(url: URL): MapPrefix[] {
	const parcels = url.searchParams.get('parcels');
	const hasDistrict = url.searchParams.has('district');
	if ((parcels === null) === !hasDistrict) throw new HttpError('bad-request', 'give either parcels=ID,ID,… (1–1000 parcel ids) or district=D');
	if (hasDistrict) return [districtPrefix(districtParam(url))];
	const ids = parcels!.split(',');
	if (ids.length > MAX_MAP_PARCELS) throw new HttpError('bad-request', `parcels names ${ids.length} ids; at most ${MAX_MAP_PARCELS} per request`);
	const bad = ids.findIndex((id) => !PARCEL_ID_PATTERN.test(id));
	if (bad >= 0) {
		throw new HttpError('bad-request', `parcels.${bad}: ${JSON.stringify(ids[bad].slice(0, 40))} is not a parcel id like RIV-000123`);
	}
	return [...new Set(ids)].map(parcelPrefix);
}

export interface MapProofAnswer {
	size: number;
	checkpoint: string;
	/** Base64 of ParcelMap.prove (core/map/proof-codec.ts), to verify against the checkpoint's map line. */
	proof: string;
}

/** GET /api/map: a proof of every leaf under the prefixes, at one version (the head). */
export function mapProofAnswer(v: MapVersion, prefixes: MapPrefix[]): MapProofAnswer {
	return { size: v.size, checkpoint: v.checkpoint, proof: base64(v.map.prove(prefixes)) };
}

export interface MapPathAnswer {
	size: number;
	checkpoint: string;
	path: MapPathJson;
}

/** GET /api/map/path: a district's path at one version (the head). */
export function mapPathAnswer(v: MapVersion, district: string): MapPathAnswer {
	return { size: v.size, checkpoint: v.checkpoint, path: districtPath(v.map, district) };
}

const districtParcels = new WeakMap<ParcelMap, Map<string, string[]>>();

/**
 * The parcel ids of a district that the map holds a leaf of, sorted (parcel-id order is key order
 * within a district). Cached per map version and district, so the pages of one download walk the
 * district once.
 */
export function parcelsOfDistrict(map: ParcelMap, district: string): string[] {
	let byDistrict = districtParcels.get(map);
	if (!byDistrict) districtParcels.set(map, (byDistrict = new Map()));
	let ids = byDistrict.get(district);
	if (!ids) {
		ids = [];
		for (const l of map.leavesUnder(districtPrefix(district))) if (ids.at(-1) !== l.parcel) ids.push(l.parcel);
		if (byDistrict.size >= 16) byDistrict.clear();
		byDistrict.set(district, ids);
	}
	return ids;
}

/** The map's parcels of a district with after < id ≤ through (through null: to the district's end). */
export function parcelsBetween(map: ParcelMap, district: string, after: string | null, through: string | null): string[] {
	const ids = parcelsOfDistrict(map, district);
	const first = (bound: string, inclusive: boolean) => {
		let lo = 0;
		let hi = ids.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (ids[mid] < bound || (inclusive && ids[mid] === bound)) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	};
	return ids.slice(after === null ? 0 : first(after, true), through === null ? ids.length : first(through, true));
}
