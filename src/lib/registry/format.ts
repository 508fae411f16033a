// Short display text for values, times and keys in the registry workspace.
import { isJsonObject, type JsonValue } from '../core/record/json';
import type { Geometry, Position } from '../core/record/geometry';

const M_PER_DEG = 111_320;

/** Area in m² of a Polygon/MultiPolygon (local equirectangular projection; fine at parcel scale). */
export function geometryArea(g: Geometry): number {
	const polygons: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	const lat0 = polygons[0]?.[0]?.[0]?.[1] ?? 0;
	const k = Math.cos((lat0 * Math.PI) / 180) * M_PER_DEG * M_PER_DEG;
	let total = 0;
	for (const poly of polygons)
		poly.forEach((ring, i) => {
			let s = 0;
			for (let j = 0; j < ring.length - 1; j++) s += ring[j][0] * ring[j + 1][1] - ring[j + 1][0] * ring[j][1];
			total += (i === 0 ? 1 : -1) * Math.abs(s / 2) * k;
		});
	return total;
}

export const isGeometry = (v: unknown): v is Geometry =>
	isJsonObject(v as JsonValue) && ((v as { type?: unknown }).type === 'Polygon' || (v as { type?: unknown }).type === 'MultiPolygon') && Array.isArray((v as { coordinates?: unknown }).coordinates);

export function showValue(v: JsonValue | null | undefined, max = 80): string {
	if (v === null || v === undefined) return '—';
	if (typeof v === 'string') return v === '' ? '(blank)' : v.length > max ? `${v.slice(0, max - 1)}…` : v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (isGeometry(v)) {
		const corners = v.type === 'Polygon' ? v.coordinates[0].length - 1 : v.coordinates.length;
		return `${v.type === 'Polygon' ? `polygon, ${corners} corners` : `${corners} polygons`}, ${Math.round(geometryArea(v)).toLocaleString('en')} m²`;
	}
	if (isJsonObject(v) && typeof v.num === 'number' && typeof v.den === 'number' && Object.keys(v).length === 2) return `${v.num}/${v.den}`;
	if (isJsonObject(v) && typeof v.land === 'number' && typeof v.improvements === 'number' && typeof v.total === 'number') {
		const n = (x: number) => x.toLocaleString('en');
		return `land ${n(v.land)} + improvements ${n(v.improvements)} = ${n(v.total)} (${String(v.assessor ?? '')}, ${String(v.date ?? '')})`;
	}
	const text = JSON.stringify(v);
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const when = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC');

export const shortKey = (hex: string | null): string => (hex ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : '—');

export const PART_TITLES = { parcel: 'Parcel', valuation: 'Valuation', title: 'Title (owners and rights)', private: 'Private details' } as const;
