// The projection's objects as table rows, one mapping for both stores (sqlite.ts, postgres.ts and
// their registry tables lay out the same columns). SQLite keeps JSON as TEXT, PostgreSQL as JSONB
// (a `JsonColumns` says which); PostgreSQL hands BIGINT back as a string, so integers go through Number.
import type { Geometry } from '../../core/record/geometry';
import type { JsonObject } from '../../core/record/json';
import type { BBox, ParcelHit, ParcelRow } from './types';
import type { AuthorActivityRow, ConflictRow, RefusalRow, SpatialIssueRow } from './registry-types';

export type DbRow = Record<string, unknown>;

/** How a store keeps a JSON column: what it is given on write, and what it hands back on read. */
export interface JsonColumns {
	put(value: unknown): unknown;
	get(stored: unknown): unknown;
}

/** SQLite: JSON text, SQL NULL for null. */
export const JSON_TEXT: JsonColumns = {
	put: (value) => (value === null ? null : JSON.stringify(value)),
	get: (stored) => (stored === null || stored === undefined ? null : JSON.parse(stored as string))
};

/** PostgreSQL: rows travel as one JSON array (jsonb_to_recordset) and JSONB comes back parsed. */
export const JSON_NATIVE: JsonColumns = { put: (value) => value, get: (stored) => stored ?? null };

/** The parcels table's columns, in the order both stores declare them (PostgreSQL adds `search`). */
export const PARCEL_COLUMNS = [
	'id', 'district', 'apn', 'status', 'address_line', 'locality', 'postcode', 'land_use', 'zoning', 'recorded_area',
	'owners', 'total_value', 'value_year', 'geometry', 'min_lon', 'min_lat', 'max_lon', 'max_lat', 'record', 'last_index', 'edit_count'
] as const;

/** What a search reads: every column but the heavy JSON. */
export const SUMMARY_COLUMNS = PARCEL_COLUMNS.filter((c) => c !== 'geometry' && c !== 'record').join(', ');

export function parcelToDb(row: ParcelRow, json: JsonColumns): DbRow {
	const [min_lon, min_lat, max_lon, max_lat] = row.bbox ?? [null, null, null, null];
	return {
		id: row.id,
		district: row.district,
		apn: row.apn,
		status: row.status,
		address_line: row.addressLine,
		locality: row.locality,
		postcode: row.postcode,
		land_use: row.landUse,
		zoning: row.zoning,
		recorded_area: row.recordedArea,
		owners: json.put(row.owners),
		total_value: row.totalValue,
		value_year: row.valueYear,
		geometry: json.put(row.geometry),
		min_lon,
		min_lat,
		max_lon,
		max_lat,
		record: json.put(row.record),
		last_index: row.lastIndex,
		edit_count: row.editCount
	};
}

export function hitFromDb(r: DbRow, json: JsonColumns): ParcelHit {
	const bbox: BBox | null = r.min_lon === null ? null : [Number(r.min_lon), Number(r.min_lat), Number(r.max_lon), Number(r.max_lat)];
	return {
		id: r.id as string,
		district: r.district as string,
		apn: r.apn as string,
		status: r.status as string,
		addressLine: r.address_line as string,
		locality: r.locality as string,
		postcode: r.postcode as string,
		landUse: r.land_use as string,
		zoning: r.zoning as string,
		recordedArea: r.recorded_area as number | null,
		owners: json.get(r.owners) as string[],
		totalValue: r.total_value as number | null,
		valueYear: r.value_year as string | null,
		bbox,
		lastIndex: Number(r.last_index),
		editCount: Number(r.edit_count)
	};
}

export function parcelFromDb(r: DbRow, json: JsonColumns): ParcelRow {
	return { ...hitFromDb(r, json), geometry: json.get(r.geometry) as Geometry | null, record: json.get(r.record) as JsonObject };
}

// The registry workspace's tables (sqlite-registry.ts, postgres-registry.ts).

export const conflictToDb = (c: ConflictRow, json: JsonColumns): DbRow => ({
	parcel_id: c.parcelId,
	district: c.district,
	part: c.part,
	path: c.path,
	last_index: c.lastIndex,
	vals: json.put(c.values)
});

export const conflictFromDb = (r: DbRow, json: JsonColumns): ConflictRow => ({
	parcelId: r.parcel_id as string,
	district: r.district as string,
	part: r.part as ConflictRow['part'],
	path: r.path as string,
	lastIndex: Number(r.last_index),
	values: json.get(r.vals) as ConflictRow['values']
});

export const issueToDb = (i: SpatialIssueRow): DbRow => ({
	parcel_id: i.parcelId,
	other_id: i.otherId,
	district: i.district,
	other_district: i.otherDistrict,
	kind: i.kind,
	measure: i.measure,
	idx: i.index
});

export const issueFromDb = (r: DbRow): SpatialIssueRow => ({
	parcelId: r.parcel_id as string,
	otherId: r.other_id as string,
	district: r.district as string,
	otherDistrict: r.other_district as string,
	kind: r.kind as SpatialIssueRow['kind'],
	measure: Number(r.measure),
	index: Number(r.idx)
});

export const activityToDb = (a: AuthorActivityRow): DbRow => ({ author: a.author, last_index: a.lastIndex, last_log_time: a.lastLogTime, last_parcel: a.lastParcel });

export const activityFromDb = (r: DbRow): AuthorActivityRow => ({
	author: r.author as string,
	lastIndex: Number(r.last_index),
	lastLogTime: Number(r.last_log_time),
	lastParcel: (r.last_parcel as string | null) ?? null
});

export const refusalToDb = (r: RefusalRow): DbRow => ({
	at: r.at,
	author: r.author,
	parcel: r.parcel,
	part: r.part,
	claimed_time: r.claimedTime,
	code: r.code,
	message: r.message
});

export const refusalFromDb = (r: DbRow): RefusalRow => ({
	at: Number(r.at),
	author: r.author as string,
	parcel: r.parcel as string,
	part: r.part as string,
	claimedTime: Number(r.claimed_time),
	code: r.code as string,
	message: r.message as string
});
