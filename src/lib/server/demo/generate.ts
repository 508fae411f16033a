// The demo county: deterministic parcels (polygons on a street grid, owners, assessments,
// private contact details) from a seeded PRNG. Same seed, same county, byte for byte.
import type { ParcelPart } from '../../core/record/parcel-schema';
import type { ValuationPart } from '../../core/record/valuation-schema';
import type { TitlePart } from '../../core/record/title-schema';
import type { PrivatePart } from '../../core/record/private-schema';
import { BANKS, COMPANIES, DISTRICTS, FAMILY, GIVEN, LAND_USES, STREETS, type DemoDistrict } from './names';

/** mulberry32: small, fast, good enough for demo data (not for anything secret). */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export interface DemoParcel {
	id: string;
	district: DemoDistrict;
	parcel: Omit<ParcelPart, 'id'>;
	valuation: Omit<ValuationPart, 'id'>;
	title: Omit<TitlePart, 'id'>;
	private: Omit<PrivatePart, 'id'>;
}

const PER_ROW = 25; // lots per block row
const LOT_DEG = 0.0009; // ~60 m of longitude at this latitude
const LOT_LAT_DEG = 0.0005; // ~55 m
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function* generateCounty(opts: { parcelsPerDistrict: number; seed?: number }): Generator<DemoParcel> {
	const rnd = prng(opts.seed ?? 20260101);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
	const weighted = () => {
		const total = LAND_USES.reduce((n, u) => n + u.weight, 0);
		let r = rnd() * total;
		for (const u of LAND_USES) if ((r -= u.weight) < 0) return u;
		return LAND_USES[0];
	};
	for (const district of DISTRICTS) {
		for (let i = 0; i < opts.parcelsPerDistrict; i++) {
			const row = Math.floor(i / PER_ROW);
			const col = i % PER_ROW;
			// Lots sit in blocks of 5 with a street gap between blocks; corners jitter a little.
			const x0 = district.lon + col * LOT_DEG + Math.floor(col / 5) * LOT_DEG * 0.3;
			const y0 = district.lat + row * LOT_LAT_DEG + Math.floor(row / 2) * LOT_LAT_DEG * 0.35;
			const j = () => (rnd() - 0.5) * LOT_DEG * 0.08;
			const ring = [
				[round6(x0 + j()), round6(y0 + j())],
				[round6(x0 + LOT_DEG * 0.96 + j()), round6(y0 + j())],
				[round6(x0 + LOT_DEG * 0.96 + j()), round6(y0 + LOT_LAT_DEG * 0.95 + j())],
				[round6(x0 + j()), round6(y0 + LOT_LAT_DEG * 0.95 + j())]
			];
			ring.push([...ring[0]]);
			const use = weighted();
			const area = Math.round((LOT_DEG * 0.96 * 68_000) * (LOT_LAT_DEG * 0.95 * 111_000) * (0.95 + rnd() * 0.1));
			const street = STREETS[(row + Math.floor(col / 5)) % STREETS.length];
			const houseNo = 1 + ((row * PER_ROW + col) % 180);
			const id = `${district.code}-${String(i + 1).padStart(6, '0')}`;
			const built = use.landUse !== 'agricultural' || rnd() < 0.3;
			const land = Math.round((40 + rnd() * 120) * area / 10) * 10;
			const improvements = built ? Math.round((60_000 + rnd() * 340_000) / 100) * 100 : 0;

			const company = use.landUse !== 'residential' && rnd() < 0.5;
			const owner1 = company ? pick(COMPANIES) : `${pick(GIVEN)} ${pick(FAMILY)}`;
			const joint = !company && rnd() < 0.35;
			const owner2 = joint ? `${pick(GIVEN)} ${owner1.split(' ')[1]}` : null;
			const mortgaged = !company && rnd() < 0.4;
			const start = `${2000 + Math.floor(rnd() * 25)}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
			const parties: TitlePart['parties'] = { p1: { name: owner1, kind: company ? 'organization' : 'person' } };
			const rights: TitlePart['rights'] = {};
			if (owner2) {
				parties.p2 = { name: owner2, kind: 'person' };
				rights.r1 = { type: 'ownership', holder: 'p1', share: { num: 1, den: 2 }, start };
				rights.r2 = { type: 'ownership', holder: 'p2', share: { num: 1, den: 2 }, start };
			} else {
				rights.r1 = { type: 'ownership', holder: 'p1', share: { num: 1, den: 1 }, start };
			}
			if (mortgaged) {
				parties.bank = { name: pick(BANKS), kind: 'organization' };
				rights.m1 = { type: 'mortgage', holder: 'bank', share: { num: 1, den: 1 }, start };
			}
			const serial = String(Math.floor(rnd() * 1e6)).padStart(6, '0');
			const contacts: PrivatePart['contacts'] = {
				p1: { phone: `+44 1632 96${serial.slice(0, 4)}`, email: `owner.${id.toLowerCase()}@example.org` }
			};
			const nationalIds: PrivatePart['nationalIds'] = { p1: `DEMO-NID-${serial}-${id}` };
			if (owner2) nationalIds.p2 = `DEMO-NID-${serial}-${id}-B`;

			yield {
				id,
				district,
				parcel: {
					apn: `${DISTRICTS.indexOf(district) + 1}${String(row).padStart(3, '0')}-${String(col + 1).padStart(3, '0')}`,
					status: 'active',
					addressLine: `${houseNo} ${street}`,
					locality: district.town,
					postcode: `${district.postcode} ${1 + (row % 9)}${String.fromCharCode(65 + (col % 26))}${String.fromCharCode(65 + (row % 26))}`,
					geometry: { type: 'Polygon', coordinates: [ring] },
					recordedArea: area,
					landUse: use.landUse,
					zoning: use.zoning,
					buildings: built ? { b1: { use: use.landUse === 'residential' ? 'house' : use.landUse, floors: 1 + Math.floor(rnd() * 3), yearBuilt: 1900 + Math.floor(rnd() * 124), floorArea: 60 + Math.floor(rnd() * 240) } } : {},
					photos: {},
					notes: ''
				},
				valuation: {
					assessments: { '2024': { land, improvements, total: land + improvements, assessor: 'County Assessor (demo)', date: '2024-04-01' } }
				},
				title: { parties, rights, sources: {} },
				private: {
					contacts,
					nationalIds,
					internalNotes: rnd() < 0.1 ? `DEMO internal note ${serial}: owner asked for a site visit before noon.` : ''
				}
			};
		}
	}
}
