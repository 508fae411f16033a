// Parcel geometry: a GeoJSON Polygon or MultiPolygon in WGS 84 (RFC 7946 §3.1.6–3.1.7).
// We check structure, ring closure, ring length and coordinate ranges; not self-intersection.
import * as v from 'valibot';

/** [longitude, latitude] or [longitude, latitude, altitude], in degrees (RFC 7946 §3.1.1). */
export type Position = number[];

const coordinate = v.pipe(v.number(), v.finite('must be a finite number'));

const position = v.pipe(
	v.array(coordinate),
	v.minLength(2, 'a position is [longitude, latitude] or [longitude, latitude, altitude]'),
	v.maxLength(3, 'a position is [longitude, latitude] or [longitude, latitude, altitude]'),
	v.check((p) => p[0] >= -180 && p[0] <= 180, 'longitude must be within [-180, 180]'),
	v.check((p) => p[1] >= -90 && p[1] <= 90, 'latitude must be within [-90, 90]')
);

const samePosition = (a: Position, b: Position) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A linear ring: closed, at least four positions (RFC 7946 §3.1.6). */
const ring = v.pipe(
	v.array(position),
	v.minLength(4, 'a ring needs at least 4 positions'),
	v.check((r) => samePosition(r[0], r[r.length - 1]), 'a ring must be closed (last position = first)')
);

const polygonCoordinates = v.pipe(v.array(ring), v.minLength(1, 'a polygon needs an exterior ring'));
const bbox = v.optional(v.array(coordinate));

export const polygonSchema = v.strictObject({
	type: v.literal('Polygon'),
	coordinates: polygonCoordinates,
	bbox
});

export const multiPolygonSchema = v.strictObject({
	type: v.literal('MultiPolygon'),
	coordinates: v.pipe(v.array(polygonCoordinates), v.minLength(1, 'a multipolygon needs at least one polygon')),
	bbox
});

export const geometrySchema = v.variant(
	'type',
	[polygonSchema, multiPolygonSchema],
	'geometry must be a GeoJSON Polygon or MultiPolygon'
);

export type Polygon = v.InferOutput<typeof polygonSchema>;
export type MultiPolygon = v.InferOutput<typeof multiPolygonSchema>;
export type Geometry = v.InferOutput<typeof geometrySchema>;
