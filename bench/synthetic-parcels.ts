// Deterministic synthetic parcel rows at county-to-country scale for bench/public-search: many
// districts, thousands of street and family names (built from syllables, so word frequencies
// look like a real register's: a few very common words, a long tail), 1–2 owners per parcel.
// Rows go straight into the projection (saveParcels), not through the log.
import { prng } from '../src/lib/server/demo/generate';
import type { ParcelRow } from '../src/lib/server/projection/types';

const GIVEN = ['Ada', 'Ben', 'Cara', 'Dev', 'Elin', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Luca', 'Maya', 'Niko', 'Olga', 'Pavel', 'Quinn', 'Rosa', 'Sami', 'Tess', 'Umar', 'Vera', 'Wim', 'Xena', 'Yusuf', 'Zoë', 'Anna', 'Bruno', 'Clara', 'David', 'Emma', 'Felix', 'Hanna', 'Ivan', 'Julia', 'Karl', 'Lena', 'Marco', 'Nora', 'Oscar', 'Paula', 'Rafael', 'Sofia', 'Tomas', 'Ursula', 'Viktor', 'Wanda', 'Yara'];
const SYLLABLES = ['ar', 'bel', 'cas', 'dun', 'el', 'far', 'gar', 'hol', 'in', 'jes', 'ket', 'low', 'mar', 'net', 'orm', 'pen', 'quar', 'row', 'strou', 'thack', 'up', 'var', 'whit', 'yard', 'ash', 'brook', 'corn', 'dal'];
const ENDINGS = ['', 'son', 'ley', 'ton', 'er', 'ford', 'well', 'by', 'more', 'wick'];
const STREET_KINDS = ['Road', 'Street', 'Lane', 'Way', 'Close', 'Drive', 'Avenue', 'Hill', 'Row', 'Walk'];
const COMPANIES = ['Holdings Ltd', 'Farms Co-op', 'Estates', 'Builders', 'Trust', 'Properties plc'];
const USES = [
	['residential', 'R1'],
	['residential', 'R2'],
	['commercial', 'C1'],
	['agricultural', 'A1'],
	['industrial', 'I1']
] as const;

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Family, street and town names from syllables: distinct, pronounceable, deterministic. */
function names(rnd: () => number, n: number, endings: readonly string[]): string[] {
	const out = new Set<string>();
	while (out.size < n) {
		const a = SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
		const b = SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
		out.add(cap(a + b + endings[Math.floor(rnd() * endings.length)]));
	}
	return [...out];
}

export interface SyntheticCounty {
	districts: { code: string; town: string; postcode: string }[];
	families: string[];
	streets: string[];
	rows(): Generator<ParcelRow>;
}

/** `count` parcels in districts of 25,000, the same every run for the same seed. */
export function syntheticCounty(count: number, seed = 1_000_003): SyntheticCounty {
	const rnd = prng(seed);
	const perDistrict = 25_000;
	const towns = names(rnd, Math.ceil(count / perDistrict), ['ton', 'by', 'field', 'bridge', 'ham', 'stead']);
	const districts = towns.map((town, i) => ({ code: `D${String(i + 1).padStart(2, '0')}`, town, postcode: `P${i + 1}` }));
	const families = names(rnd, 3000, ENDINGS);
	const stems = names(rnd, 400, ['', 'field', 'brook', 'wood', 'mill']);
	const streets = stems.flatMap((s, i) => [0, 3].map((k) => `${s} ${STREET_KINDS[(i + k) % STREET_KINDS.length]}`));

	function* rows(): Generator<ParcelRow> {
		const r = prng(seed + 1);
		const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
		// Zipf-ish: a few family names are very common, most are rare.
		const family = () => families[Math.floor(families.length * r() ** 2.2)];
		for (let i = 0; i < count; i++) {
			const d = districts[Math.floor(i / perDistrict)];
			const local = i % perDistrict;
			const block = Math.floor(local / 25);
			const lot = local % 25;
			const [landUse, zoning] = pick(USES);
			const street = streets[(Math.floor(i / perDistrict) * 37 + Math.floor(block / 4)) % streets.length];
			const company = landUse !== 'residential' && r() < 0.4;
			const owner1 = company ? `${pick(families)} ${pick(COMPANIES)}` : `${pick(GIVEN)} ${family()}`;
			const owners = !company && r() < 0.35 ? [owner1, `${pick(GIVEN)} ${owner1.split(' ')[1]}`] : [owner1];
			const lon = 4 + (Math.floor(i / perDistrict) % 8) * 0.5 + lot * 0.0009;
			const lat = 51 + Math.floor(i / perDistrict / 8) * 0.3 + block * 0.0005;
			const geometry = {
				type: 'Polygon' as const,
				coordinates: [[[lon, lat], [lon + 0.00086, lat], [lon + 0.00086, lat + 0.00047], [lon, lat + 0.00047], [lon, lat]]]
			};
			const id = `${d.code}-${String(local + 1).padStart(6, '0')}`;
			const apn = `${d.code.slice(1)}${String(block).padStart(4, '0')}-${String(lot + 1).padStart(3, '0')}`;
			const addressLine = `${1 + (local % 240)} ${street}`;
			const postcode = `${d.postcode} ${1 + (block % 9)}${String.fromCharCode(65 + (lot % 26))}${String.fromCharCode(65 + (block % 26))}`;
			const total = Math.round(50_000 + r() * 900_000);
			yield {
				id,
				district: d.code,
				apn,
				status: 'active',
				addressLine,
				locality: d.town,
				postcode,
				landUse,
				zoning,
				recordedArea: Math.round(2500 + r() * 800),
				owners,
				totalValue: total,
				valueYear: '2024',
				geometry,
				bbox: [lon, lat, lon + 0.00086, lat + 0.00047],
				record: { id, apn, addressLine, locality: d.town, postcode, landUse, zoning, status: 'active', geometry, owners, total },
				lastIndex: i,
				editCount: 4
			};
		}
	}
	return { districts, families, streets, rows };
}
