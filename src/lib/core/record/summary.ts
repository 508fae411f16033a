// A parcel's summary: the public facts every listing shows (the server's projection row and
// search hits, GeoJSON properties, the public record view, the field device's search row),
// declared and read from the record here, once. Read defensively: a merge (or a hostile editor)
// can leave any field missing or mistyped, and a listing must still show what there is.
import * as v from 'valibot';
import { geometrySchema, type Geometry, type Position } from './geometry';
import { districtOf } from './ids';
import { getOwn, isJsonObject, type JsonObject, type JsonValue } from './json';

/** [minLon, minLat, maxLon, maxLat] in degrees (WGS 84), as in GeoJSON (RFC 7946 §5). */
export type BBox = [number, number, number, number];

/** What the `parcel` part says in words and numbers. */
export interface ParcelFacts {
	apn: string;
	status: string;
	addressLine: string;
	locality: string;
	postcode: string;
	landUse: string;
	zoning: string;
	recordedArea: number | null;
}

export interface ParcelSummary extends ParcelFacts {
	id: string;
	district: string;
	/** Names of the parties holding an open-ended (no `end`) ownership right, in right-key order. */
	owners: string[];
	/** Total of the latest year's assessment, and that year. */
	totalValue: number | null;
	valueYear: string | null;
}

/** Where the parcel lies: null when the parcel part holds no valid Polygon/MultiPolygon. */
export interface ParcelShape {
	geometry: Geometry | null;
	bbox: BBox | null;
}

export const str = (x: JsonValue | undefined): string => (typeof x === 'string' ? x : '');
export const num = (x: JsonValue | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
export const obj = (x: JsonValue | undefined): JsonObject => (isJsonObject(x) ? x : {});
/** An object's entries in key order (binary), as listings show them. */
export const byKey = (o: JsonObject): [string, JsonValue][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Exactly the facts of `s` (no other field rides along into a response). */
export function factsOf(s: ParcelFacts): ParcelFacts {
	const { apn, status, addressLine, locality, postcode, landUse, zoning, recordedArea } = s;
	return { apn, status, addressLine, locality, postcode, landUse, zoning, recordedArea };
}

/** Exactly the summary of `s`, in its one field order. */
export function summaryOf(s: ParcelSummary): ParcelSummary {
	return { id: s.id, district: s.district, ...factsOf(s), owners: s.owners, totalValue: s.totalValue, valueYear: s.valueYear };
}

/** The summary of a parcel nothing is known of yet. */
export function emptySummary(id: string): ParcelSummary & ParcelShape {
	const facts: ParcelFacts = { apn: '', status: '', addressLine: '', locality: '', postcode: '', landUse: '', zoning: '', recordedArea: null };
	return { id, district: districtOf(id) ?? '', ...facts, owners: [], totalValue: null, valueYear: null, geometry: null, bbox: null };
}

/** The facts and shape the `parcel` part's plain value (or a merged view) holds. */
export function readParcel(plain: JsonObject): ParcelFacts & ParcelShape {
	const parsed = v.safeParse(geometrySchema, getOwn(plain, 'geometry'));
	const geometry = parsed.success ? parsed.output : null;
	return {
		apn: str(getOwn(plain, 'apn')),
		status: str(getOwn(plain, 'status')),
		addressLine: str(getOwn(plain, 'addressLine')),
		locality: str(getOwn(plain, 'locality')),
		postcode: str(getOwn(plain, 'postcode')),
		landUse: str(getOwn(plain, 'landUse')),
		zoning: str(getOwn(plain, 'zoning')),
		recordedArea: num(getOwn(plain, 'recordedArea')),
		geometry,
		bbox: geometry ? bboxOf(geometry) : null
	};
}

/** The latest year's total the `valuation` part's plain value (or a merged view) holds. */
export function readValuation(plain: JsonObject): Pick<ParcelSummary, 'totalValue' | 'valueYear'> {
	const years = byKey(obj(getOwn(plain, 'assessments'))).filter(([year]) => /^[0-9]{4}$/.test(year));
	const latest = years.at(-1);
	return { totalValue: latest ? num(getOwn(obj(latest[1]), 'total')) : null, valueYear: latest ? latest[0] : null };
}

/** The owners the `title` part's plain value (or a merged view) names. */
export function readOwners(plain: JsonObject): string[] {
	const parties = obj(getOwn(plain, 'parties'));
	const owners: string[] = [];
	for (const [, right] of byKey(obj(getOwn(plain, 'rights')))) {
		if (!isJsonObject(right) || right.type !== 'ownership' || getOwn(right, 'end') !== undefined) continue;
		const holder = typeof right.holder === 'string' ? getOwn(parties, right.holder) : undefined;
		const name = isJsonObject(holder) ? str(getOwn(holder, 'name')) : '';
		if (name && !owners.includes(name)) owners.push(name);
	}
	return owners;
}

/** The summary and shape of a parcel from its merged public view (crdt/merge.ts publicView). */
export function summarize(id: string, view: JsonObject): ParcelSummary & ParcelShape {
	const { geometry, bbox, ...facts } = readParcel(view);
	return { id, district: districtOf(id) ?? '', ...facts, owners: readOwners(view), ...readValuation(view), geometry, bbox };
}

export function bboxOf(g: Geometry): BBox {
	const polygons: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
	for (const polygon of polygons)
		for (const ring of polygon)
			for (const [lon, lat] of ring) {
				b[0] = Math.min(b[0], lon);
				b[1] = Math.min(b[1], lat);
				b[2] = Math.max(b[2], lon);
				b[3] = Math.max(b[3], lat);
			}
	return b;
}

/** Query words beyond this are ignored: a search box, not a page of prose. */
export const MAX_QUERY_WORDS = 16;

/** Lower-case, accents removed, split on anything that is not a letter or digit. */
export function words(text: string): string[] {
	return text
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w.length > 0);
}

/**
 * The words a parcel is found by, distinct and in first-seen order. The server's stores and the
 * field device index exactly these and match query words against them by prefix, so all agree.
 */
export function searchWords(s: ParcelSummary): string[] {
	const fields = [s.id, s.apn, s.addressLine, s.locality, s.postcode, ...s.owners];
	return [...new Set(fields.flatMap(words))];
}

/** Null for "no text filter"; [] for text that can match nothing. */
export function queryWords(text: string | undefined): string[] | null {
	if (text === undefined || text.trim() === '') return null;
	return [...new Set(words(text))].slice(0, MAX_QUERY_WORDS);
}
