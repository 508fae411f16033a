// Which file column feeds which parcel field, with defaults from the column names (the export's
// own names, snake_case and common synonyms). Assessment columns are never imported: registrars
// may not write the valuation part (record/parts.ts WRITE_REFUSALS).
import { WRITE_REFUSALS } from '../core/record/parts';
import { FEATURE_GEOMETRY, type ImportTable } from './import-parse';

export type TargetField =
	| 'id' | 'apn' | 'status' | 'addressLine' | 'locality' | 'postcode' | 'landUse' | 'zoning'
	| 'recordedArea' | 'geometry' | 'notes' | 'owners' | 'phone' | 'email';

export interface Target {
	field: TargetField;
	label: string;
	part: 'parcel' | 'title' | 'private';
	required?: boolean;
	hint?: string;
	aliases: string[];
}

export const TARGETS: Target[] = [
	{ field: 'id', label: 'Parcel id', part: 'parcel', required: true, hint: 'DISTRICT-LOCAL, e.g. RIV-000123', aliases: ['id', 'parcel', 'parcelid', 'parcel_id', 'pid'] },
	{ field: 'geometry', label: 'Shape', part: 'parcel', required: true, hint: 'GeoJSON Polygon or MultiPolygon', aliases: [FEATURE_GEOMETRY, 'geometry', 'geojson', 'shape'] },
	{ field: 'apn', label: 'Assessor’s parcel number', part: 'parcel', aliases: ['apn', 'parcelnumber'] },
	{ field: 'status', label: 'Status', part: 'parcel', hint: 'active, pending or retired; blank is active', aliases: ['status'] },
	{ field: 'addressLine', label: 'Address', part: 'parcel', aliases: ['addressline', 'address', 'street'] },
	{ field: 'locality', label: 'Locality', part: 'parcel', aliases: ['locality', 'town', 'city'] },
	{ field: 'postcode', label: 'Postcode', part: 'parcel', aliases: ['postcode', 'zip', 'postalcode'] },
	{ field: 'landUse', label: 'Land use', part: 'parcel', aliases: ['landuse', 'use'] },
	{ field: 'zoning', label: 'Zoning', part: 'parcel', aliases: ['zoning', 'zone'] },
	{ field: 'recordedArea', label: 'Recorded area (m²)', part: 'parcel', hint: 'blank: computed from the shape', aliases: ['recordedarea', 'area'] },
	{ field: 'notes', label: 'Public notes', part: 'parcel', aliases: ['notes'] },
	{ field: 'owners', label: 'Owners', part: 'title', hint: 'names separated by “;” — equal ownership shares from today', aliases: ['owners', 'owner'] },
	{ field: 'phone', label: 'Owner’s phone (private)', part: 'private', aliases: ['phone', 'telephone'] },
	{ field: 'email', label: 'Owner’s e-mail (private)', part: 'private', aliases: ['email', 'mail'] }
];

const VALUATION_COLUMNS = ['totalvalue', 'valueyear', 'land', 'landvalue', 'improvements', 'assessment', 'assessedvalue', 'value'];
/** Columns that are read but never imported (derived or out of scope). */
const IGNORED = ['district', 'lastindex'];

export type Mapping = Record<TargetField, string>;

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9()]/g, '');

export function defaultMapping(t: ImportTable): Mapping {
	const byNorm = new Map(t.columns.map((c) => [norm(c), c]));
	return Object.fromEntries(
		TARGETS.map((target) => [target.field, target.aliases.map((a) => byNorm.get(norm(a))).find((c) => c !== undefined) ?? ''])
	) as Mapping;
}

/** Columns that will not be imported, each with the reason. */
export function unusedColumns(t: ImportTable, m: Mapping): { column: string; reason: string }[] {
	const used = new Set(Object.values(m).filter(Boolean));
	return t.columns
		.filter((c) => !used.has(c))
		.map((column) => ({
			column,
			reason: VALUATION_COLUMNS.includes(norm(column))
				? `${WRITE_REFUSALS.valuation}: an assessor enters assessments in the field app`
				: IGNORED.includes(norm(column))
					? 'derived by the log (the district comes from the parcel id)'
					: 'not mapped to a field'
		}));
}
