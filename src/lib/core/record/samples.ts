// Small valid parts for tests, demos and documentation. Deterministic: no clock, no randomness.
import type { ParcelPart } from './parcel-schema';
import type { ValuationPart } from './valuation-schema';
import type { TitlePart } from './title-schema';
import type { PrivatePart } from './private-schema';
import type { Geometry } from './geometry';

/** A closed square ring of `size` degrees with its south-west corner at (lon, lat). */
export function squareGeometry(lon: number, lat: number, size = 0.001): Geometry {
	return {
		type: 'Polygon',
		coordinates: [
			[
				[lon, lat],
				[lon + size, lat],
				[lon + size, lat + size],
				[lon, lat + size],
				[lon, lat]
			]
		]
	};
}

export const PHOTO_HASH = 'a'.repeat(64);
export const DEED_HASH = 'd'.repeat(64);

export function sampleParcel(id = 'RIV-000123'): ParcelPart {
	return {
		id,
		apn: '012-345-678',
		status: 'active',
		addressLine: '12 Mill Lane',
		locality: 'Riverside',
		postcode: 'RV1 2AB',
		geometry: squareGeometry(-1.5, 52.1),
		recordedArea: 812.5,
		landUse: 'residential',
		zoning: 'R1',
		buildings: { b1: { use: 'house', floors: 2, yearBuilt: 1931, floorArea: 140 } },
		photos: {
			[PHOTO_HASH]: { caption: 'Front', takenAt: '2024-05-01T10:00:00Z', width: 1600, height: 1200, bytes: 250_000 }
		},
		notes: 'Corner plot.'
	};
}

export function sampleValuation(id = 'RIV-000123'): ValuationPart {
	return {
		id,
		assessments: {
			'2024': { land: 90_000, improvements: 160_000, total: 250_000, assessor: 'A. Field', date: '2024-03-01' }
		}
	};
}

export function sampleTitle(id = 'RIV-000123'): TitlePart {
	return {
		id,
		parties: { p1: { name: 'Ada Lovelace', kind: 'person' }, p2: { name: 'Northern Bank', kind: 'organization' } },
		rights: {
			r1: { type: 'ownership', holder: 'p1', share: { num: 1, den: 1 }, start: '2019-06-30', source: DEED_HASH },
			r2: { type: 'mortgage', holder: 'p2', share: { num: 1, den: 1 }, start: '2019-06-30' }
		},
		sources: { [DEED_HASH]: { kind: 'deed', title: 'Conveyance', date: '2019-06-30', size: 48_213 } }
	};
}

export function samplePrivate(id = 'RIV-000123'): PrivatePart {
	return {
		id,
		contacts: { p1: { phone: '+44 1632 960123', email: 'ada@example.org' } },
		nationalIds: { p1: 'QQ123456C' },
		internalNotes: 'Owner prefers e-mail.'
	};
}
