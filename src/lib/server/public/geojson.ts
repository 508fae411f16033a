// Search results as GeoJSON (RFC 7946) features of PUBLIC fields only: what the results map
// draws and what GET /api/parcels returns. Geometry comes from the projection row.
import type { Geometry } from '../../core/record/geometry';
import { summaryOf, type ParcelSummary } from '../../core/record/summary';
import type { BBox, ParcelHit, ProjectionStore } from '../projection/types';

export interface ParcelFeature {
	type: 'Feature';
	id: string;
	geometry: Geometry | null;
	/** `disputed`: set by GET /api/parcels (a claim of the parcel is open). */
	properties: ParcelSummary & { lastIndex: number; disputed?: boolean };
}

export interface ParcelFeatureCollection {
	type: 'FeatureCollection';
	features: ParcelFeature[];
}

export function parcelFeature(r: ParcelHit, geometry: Geometry | null): ParcelFeature {
	return { type: 'Feature', id: r.id, geometry, properties: { ...summaryOf(r), lastIndex: r.lastIndex } };
}

/** Features for a page of results, with their polygons (one batched lookup). */
export async function featuresOf(projection: ProjectionStore, rows: ParcelHit[]): Promise<ParcelFeatureCollection> {
	const geometry = new Map((rows.length ? await projection.getParcels(rows.map((r) => r.id)) : []).map((r) => [r.id, r.geometry]));
	return { type: 'FeatureCollection', features: rows.map((r) => parcelFeature(r, geometry.get(r.id) ?? null)) };
}

/** The parcels around a bbox (itself included), for the parcel page's map. */
export async function surroundings(projection: ProjectionStore, bbox: BBox, limit = 60): Promise<ParcelFeatureCollection> {
	const [dx, dy] = [Math.max(0.0012, bbox[2] - bbox[0]), Math.max(0.0008, bbox[3] - bbox[1])];
	const around: BBox = [bbox[0] - dx, bbox[1] - dy, bbox[2] + dx, bbox[3] + dy];
	const { rows } = await projection.search({ bbox: around, limit, offset: 0 });
	return featuresOf(projection, rows);
}
