// The `parcel` part: the spatial unit (LADM LA_SpatialUnit) and its physical description.
// Written by assessors and registrars; public.
import * as v from 'valibot';
import { PARCEL_ID_PATTERN } from './ids';
import { geometrySchema } from './geometry';
import { count, isoTimestamp, localKey, measure, nonEmptyText, positiveCount, sha256Key, maxText, multiLineText } from './formats';

export const PARCEL_STATUSES = ['active', 'retired', 'pending'] as const;

export const parcelIdSchema = v.pipe(
	v.string(),
	v.regex(PARCEL_ID_PATTERN, 'must be DISTRICT-LOCAL, e.g. RIV-000123')
);

export const buildingSchema = v.strictObject({
	use: nonEmptyText(100),
	floors: count,
	/** Often unknown for old buildings, so optional. */
	yearBuilt: v.optional(v.pipe(count, v.minValue(1000, 'must be a four-digit year'), v.maxValue(9999, 'must be a four-digit year'))),
	/** m² */
	floorArea: measure
});

/** Metadata of a photo; the image itself is a blob addressed by the SHA-256 that keys it. */
export const photoSchema = v.strictObject({
	caption: maxText(500),
	takenAt: isoTimestamp,
	width: positiveCount,
	height: positiveCount,
	bytes: positiveCount
});

export const parcelSchema = v.strictObject({
	id: parcelIdSchema,
	/** Assessor's parcel number: the tax office's own key, may be '' while pending. */
	apn: maxText(40),
	status: v.picklist(PARCEL_STATUSES, 'must be active, retired or pending'),
	addressLine: maxText(200),
	locality: maxText(100),
	postcode: maxText(20),
	geometry: geometrySchema,
	/** m², as recorded in the legal description (not computed from the geometry). */
	recordedArea: measure,
	landUse: maxText(100),
	zoning: maxText(100),
	buildings: v.record(localKey, buildingSchema),
	photos: v.record(sha256Key, photoSchema),
	/** Public notes: Automerge text, so several editors' notes merge. */
	notes: multiLineText(20_000)
});

export type Building = v.InferOutput<typeof buildingSchema>;
export type Photo = v.InferOutput<typeof photoSchema>;
export type ParcelPart = v.InferOutput<typeof parcelSchema>;
