// Synthetic snapshot pages for bench/bootstrap.ts: N parcels of one district, deterministic.
// Search rows are distinct per parcel (ids, addresses, owners, polygons); the Automerge change
// bytes come from a few hundred real template documents reused in turn, because making 300,000
// documents would take minutes and bootstrap stores the bytes without reading them anyway.
import { randomBytes } from 'node:crypto';
import { createPartDoc } from '../src/lib/core/crdt/document';
import { makeActor } from '../src/lib/core/crdt/actors';
import { formatVerifierKey } from '../src/lib/core/log/note';
import { signCheckpoint } from '../src/lib/core/log/checkpoint';
import { sampleParcel, sampleTitle, sampleValuation, squareGeometry } from '../src/lib/core/record/samples';
import { secretKeySigner } from '../src/lib/core/signing/ed25519';

export const DISTRICT = 'BEN';
export const ORIGIN = 'bench.parcel-ledger.example/field';
const STREETS = ['Mill Lane', 'Orchard Road', 'Station Street', 'Church Walk', 'Quarry Hill', 'Ferry Row', 'Elm Close', 'Bridge End'];
const GIVEN = ['Ada', 'Ben', 'Chiara', 'Dev', 'Elif', 'Femi', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kemal', 'Lena'];
const FAMILY = ['Okafor', 'Lindqvist', 'Moreau', 'Nakamura', 'Oyelaran', 'Petrov', 'Quinn', 'Rossi', 'Sato', 'Tanaka', 'Ueda', 'Varga'];

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const pad = (i: number) => String(i).padStart(6, '0');

export interface Synthetic {
	pages: string[];
	verifierKey: string;
	ids: string[];
	queries: string[];
	totalBytes: number;
}

function templates(n: number) {
	const signerKey = randomBytes(32);
	const actor = makeActor(secretKeySigner(signerKey).publicKey, randomBytes(8));
	const ctx = { actor, time: 1_767_225_600 };
	return Array.from({ length: n }, (_, t) => {
		const id = `${DISTRICT}-${pad(t)}`;
		const parts: Record<string, string> = {};
		const make = (part: 'parcel' | 'valuation' | 'title', init: object) => {
			const r = createPartDoc(part, id, init as never, ctx);
			if (!r.ok) throw new Error(r.message);
			parts[part] = b64(r.change);
		};
		make('parcel', { ...sampleParcel(id), addressLine: `${t} ${STREETS[t % STREETS.length]}`, geometry: squareGeometry(-1.5 + (t % 100) * 0.001, 52 + Math.floor(t / 100) * 0.001), photos: {} });
		make('valuation', sampleValuation(id));
		make('title', sampleTitle(id));
		return parts;
	});
}

export async function synthesize(n: number, pageSize: number): Promise<Synthetic> {
	const tpl = templates(Math.min(n, 300));
	const logKey = randomBytes(32);
	const signer = secretKeySigner(logKey);
	const verifierKey = formatVerifierKey(ORIGIN, signer.publicKey);
	const checkpoint = await signCheckpoint({ origin: ORIGIN, size: 1, root: new Uint8Array(32).fill(7) }, ORIGIN, signer);
	const ids: string[] = [];
	const pages: string[] = [];
	let totalBytes = 0;
	for (let start = 0; start < n; start += pageSize) {
		const parcels = [];
		for (let i = start; i < Math.min(n, start + pageSize); i++) {
			const id = `${DISTRICT}-${pad(i)}`;
			ids.push(id);
			const lon = -1.5 + (i % 300) * 0.0009;
			const lat = 52 + Math.floor(i / 300) * 0.0006;
			const geometry = squareGeometry(lon, lat, 0.0005);
			const owner = `${GIVEN[i % GIVEN.length]} ${FAMILY[Math.floor(i / 7) % FAMILY.length]}`;
			parcels.push({
				row: {
					id, district: DISTRICT, apn: `${1000 + Math.floor(i / 100)}-${pad(i).slice(3)}`, status: 'active',
					addressLine: `${(i % 400) + 1} ${STREETS[i % STREETS.length]}`, locality: 'Benchford', postcode: `BF${i % 9} ${i % 7}AB`,
					landUse: 'residential', zoning: 'R1', recordedArea: 600 + (i % 300), owners: [owner],
					totalValue: 200_000 + i, valueYear: '2024', geometry, bbox: [lon, lat, lon + 0.0005, lat + 0.0005]
				},
				parts: tpl[i % tpl.length],
				withheld: ['private']
			});
		}
		const last = Math.min(n, start + pageSize) - 1;
		const page = JSON.stringify({
			district: DISTRICT, size: 1, checkpoint, total: start === 0 ? n : undefined, keyEntries: start === 0 ? [] : undefined,
			parcels, next: last + 1 < n ? `${DISTRICT}-${pad(last)}` : null
		});
		totalBytes += page.length;
		pages.push(page);
	}
	// What an assessor types: a parcel number, a street, an owner-name prefix, number + street.
	const queries: string[] = [];
	for (let k = 0; k < 200; k++) {
		const i = (k * 7919) % n;
		const kinds = [
			`${DISTRICT}-${pad(i)}`,
			STREETS[k % STREETS.length].split(' ')[0].toLowerCase(),
			FAMILY[k % FAMILY.length].slice(0, 4),
			`${(i % 400) + 1} ${STREETS[i % STREETS.length].split(' ')[0]}`,
			`${GIVEN[i % GIVEN.length]} ${FAMILY[Math.floor(i / 7) % FAMILY.length].slice(0, 3)}`
		];
		queries.push(kinds[k % kinds.length]);
	}
	return { pages, verifierKey, ids, queries, totalBytes };
}

/** The page a snapshot request asks for: `after` is the last parcel of the previous page. */
export function pageIndex(after: string | null, pageSize: number): number {
	return after === null ? 0 : (Number(after.split('-')[1]) + 1) / pageSize;
}
