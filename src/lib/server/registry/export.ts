// Registry exports (docs/protocol.md "Registry exports"): a district or a search as CSV or
// GeoJSON, streamed from the projection page by page, PUBLIC fields only (the projection never
// holds private data). One row or feature per line, so a client counts progress by lines.
import type { Geometry } from '../../core/record/geometry';
import type { ParcelRow, ParcelHit, ProjectionStore } from '../projection/types';

export const EXPORT_COLUMNS = [
	'id',
	'district',
	'apn',
	'status',
	'addressLine',
	'locality',
	'postcode',
	'landUse',
	'zoning',
	'recordedArea',
	'owners',
	'totalValue',
	'valueYear',
	'lastIndex',
	'geometry'
] as const;

export type ExportFormat = 'csv' | 'geojson';

export interface ExportQuery {
	district?: string;
	text?: string;
	format: ExportFormat;
}

const PAGE = 1000;
const SEARCH_PAGE = 500;

/** RFC 4180: fields with a quote, comma, CR or LF are quoted, quotes doubled. */
export function csvField(v: string | number | null): string {
	if (v === null) return '';
	const s = String(v);
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Owners are joined with "; " in CSV (names never contain that pair in the demo or imports). */
export function csvLine(r: ParcelHit, geometry: Geometry | null): string {
	const cells = EXPORT_COLUMNS.map((c) => {
		if (c === 'owners') return csvField(r.owners.join('; '));
		if (c === 'geometry') return csvField(geometry ? JSON.stringify(geometry) : null);
		return csvField(r[c]);
	});
	return cells.join(',') + '\r\n';
}

export function featureLine(r: ParcelHit, geometry: Geometry | null): string {
	const properties: Record<string, unknown> = {};
	for (const c of EXPORT_COLUMNS) if (c !== 'geometry') properties[c] = r[c];
	return JSON.stringify({ type: 'Feature', id: r.id, geometry, properties });
}

/** Full rows of the export, page by page, in parcel-id order. */
async function* pages(projection: ProjectionStore, q: ExportQuery): AsyncGenerator<ParcelRow[]> {
	if (q.text === undefined && q.district !== undefined) {
		for (let after: string | null = null; ; ) {
			const rows = await projection.listParcels(q.district, after, PAGE);
			if (rows.length) yield rows;
			if (rows.length < PAGE) return;
			after = rows[rows.length - 1].id;
		}
	}
	for (let offset = 0; ; offset += SEARCH_PAGE) {
		const found = await projection.search({ text: q.text, district: q.district, limit: SEARCH_PAGE, offset });
		if (found.rows.length) yield projection.getParcels(found.rows.map((r) => r.id));
		if (found.rows.length < SEARCH_PAGE) return;
	}
}

/** How many parcels the export will hold (for the progress bar; read before streaming). */
export async function exportTotal(projection: ProjectionStore, q: ExportQuery): Promise<number> {
	if (q.text === undefined && q.district !== undefined) {
		return (await projection.districts()).find((d) => d.district === q.district)?.parcels ?? 0;
	}
	return (await projection.search({ text: q.text, district: q.district, limit: 1, offset: 0 })).total;
}

/** The export as a stream of UTF-8 text, pulled page by page (back-pressure from the client). */
export function exportStream(projection: ProjectionStore, q: ExportQuery): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	const it = pages(projection, q);
	let first = true;
	let started = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (!started) {
				started = true;
				const head = q.format === 'csv' ? EXPORT_COLUMNS.join(',') + '\r\n' : '{"type":"FeatureCollection","features":[\n';
				controller.enqueue(encoder.encode(head));
				return;
			}
			const next = await it.next();
			if (next.done) {
				if (q.format === 'geojson') controller.enqueue(encoder.encode('\n]}\n'));
				controller.close();
				return;
			}
			const parts: string[] = [];
			for (const r of next.value) {
				if (q.format === 'csv') parts.push(csvLine(r, r.geometry));
				else {
					parts.push((first ? '' : ',\n') + featureLine(r, r.geometry));
					first = false;
				}
			}
			controller.enqueue(encoder.encode(parts.join('')));
		},
		async cancel() {
			await it.return(undefined);
		}
	});
}
