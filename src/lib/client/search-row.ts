// Search rows: built from the snapshot's server row at bootstrap (no Automerge work), and from
// the device's own documents after an edit or a pull. Same words as the server's projection.
import * as v from 'valibot';
import { districtOf } from '../core/record/ids';
import { geometrySchema, type Geometry, type Position } from '../core/record/geometry';
import { getOwn, isJsonObject, type JsonObject, type JsonValue } from '../core/record/json';
import type { PartName } from '../core/record/parts';
import type { SearchRow } from './db';

/** Lower-case, accents removed, split on anything that is not a letter or digit. */
export function words(text: string): string[] {
	return text
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((w) => w.length > 0);
}

type RowFields = Omit<SearchRow, 'words' | 'cx' | 'cy'>;

export function finishRow(r: RowFields): SearchRow {
	const fields = [r.id, r.apn, r.addressLine, r.locality, r.postcode, ...r.owners];
	const all = new Set<string>();
	for (const f of fields) for (const w of words(f)) all.add(w);
	const cx = r.bbox ? (r.bbox[0] + r.bbox[2]) / 2 : null;
	const cy = r.bbox ? (r.bbox[1] + r.bbox[3]) / 2 : null;
	return { ...r, cx, cy, words: [...all] };
}

/** The snapshot's row (the server projection's ParcelRow without `record`). */
export interface ServerRow extends RowFields {
	lastIndex?: number;
}

export function rowFromServer(r: ServerRow): SearchRow {
	return finishRow({
		id: r.id,
		district: r.district,
		apn: r.apn,
		status: r.status,
		addressLine: r.addressLine,
		locality: r.locality,
		postcode: r.postcode,
		landUse: r.landUse,
		zoning: r.zoning,
		recordedArea: r.recordedArea,
		owners: r.owners,
		totalValue: r.totalValue,
		valueYear: r.valueYear,
		geometry: r.geometry,
		bbox: r.bbox
	});
}

const str = (x: JsonValue | undefined): string => (typeof x === 'string' ? x : '');
const num = (x: JsonValue | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const map = (x: JsonValue | undefined): JsonObject => (isJsonObject(x) ? x : {});
const byKey = (o: JsonObject) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function emptyRow(id: string): RowFields {
	return {
		id,
		district: districtOf(id) ?? '',
		apn: '',
		status: '',
		addressLine: '',
		locality: '',
		postcode: '',
		landUse: '',
		zoning: '',
		recordedArea: null,
		owners: [],
		totalValue: null,
		valueYear: null,
		geometry: null,
		bbox: null
	};
}

/**
 * The row with the fields one public part determines replaced from that part's plain value
 * (as the server's projector reads them: defensively, since a merge can leave anything).
 */
export function updateRow(row: RowFields, part: PartName, plain: JsonObject): SearchRow {
	const next: RowFields = { ...row };
	if (part === 'parcel') {
		const parsed = v.safeParse(geometrySchema, getOwn(plain, 'geometry'));
		const geometry = parsed.success ? parsed.output : null;
		Object.assign(next, {
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
		});
	} else if (part === 'valuation') {
		const years = byKey(map(getOwn(plain, 'assessments'))).filter(([year]) => /^[0-9]{4}$/.test(year));
		const latest = years.at(-1);
		next.totalValue = latest ? num(getOwn(map(latest[1]), 'total')) : null;
		next.valueYear = latest ? latest[0] : null;
	} else if (part === 'title') {
		next.owners = ownersOf(plain);
	}
	return finishRow(next);
}

/** Names of parties holding an open-ended ownership right, in right-key order. */
function ownersOf(title: JsonObject): string[] {
	const parties = map(getOwn(title, 'parties'));
	const owners: string[] = [];
	for (const [, right] of byKey(map(getOwn(title, 'rights')))) {
		if (!isJsonObject(right) || right.type !== 'ownership' || getOwn(right, 'end') !== undefined) continue;
		const holder = typeof right.holder === 'string' ? getOwn(parties, right.holder) : undefined;
		const name = isJsonObject(holder) ? str(getOwn(holder, 'name')) : '';
		if (name && !owners.includes(name)) owners.push(name);
	}
	return owners;
}

export function bboxOf(g: Geometry): [number, number, number, number] {
	const polygons: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
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
