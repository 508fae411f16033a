// Synthetic snapshot pages for bench/bootstrap.ts: N parcels of one district, deterministic.
// Search rows are distinct per parcel (ids, addresses, owners, polygons); the Automerge change
// bytes come from a few hundred real template documents reused in turn, because making 300,000
// documents would take minutes. Pages are what a server sends a device today: each carries a
// real parcel-map proof of its parcels (and of the previous page's last) against the map line of a
// signed checkpoint, the ParcelMap built from the synthetic changes (a parcel part of one or two
// changes, a valuation, a title, and a private part withheld with its change hashes listed), so
// the verified bootstrap does all the work it does against a real server.
import { createHash, randomBytes } from 'node:crypto';
import { createPartDoc } from '../src/lib/core/crdt/document';
import { editPart } from '../src/lib/core/crdt/edit';
import { makeActor } from '../src/lib/core/crdt/actors';
import { formatVerifierKey } from '../src/lib/core/log/note';
import { signCheckpoint } from '../src/lib/core/log/checkpoint';
import { digestOf, type MapLeaf } from '../src/lib/core/map/leaf';
import { parcelPrefix } from '../src/lib/core/map/key';
import { mapLine } from '../src/lib/core/map/log-map';
import { ParcelMap } from '../src/lib/core/map/trie';
import type { PartName } from '../src/lib/core/record/parts';
import { samplePrivate, sampleParcel, sampleTitle, sampleValuation, squareGeometry } from '../src/lib/core/record/samples';
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

interface Template {
	/** Base64 of the concatenated changes of each served part. */
	parts: Record<string, string>;
	/** Per part: its change hashes, in order (hex for the withheld private part). */
	hashes: Record<PartName, Uint8Array[]>;
	digests: Record<PartName, Uint8Array>;
}

const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

function templates(n: number): Template[] {
	const signerKey = randomBytes(32);
	const actor = makeActor(secretKeySigner(signerKey).publicKey, randomBytes(8));
	const ctx = { actor, time: 1_767_225_600 };
	return Array.from({ length: n }, (_, t) => {
		const id = `${DISTRICT}-${pad(t)}`;
		const changes = {} as Record<PartName, Uint8Array[]>;
		const make = (part: PartName, init: object) => {
			const r = createPartDoc(part, id, init as never, { ...ctx, salt: randomBytes(16) });
			if (!r.ok) throw new Error(r.message);
			changes[part] = [r.change];
			return r.doc;
		};
		const doc = make('parcel', { ...sampleParcel(id), addressLine: `${t} ${STREETS[t % STREETS.length]}`, geometry: squareGeometry(-1.5 + (t % 100) * 0.001, 52 + Math.floor(t / 100) * 0.001), photos: {} });
		// Every other parcel has been edited once since it was created.
		if (t % 2) {
			const e = editPart(doc, 'parcel', { zoning: `R${t % 5}`, notes: `inspected ${t}` }, ctx);
			if (!e.ok || !e.change) throw new Error('template edit failed');
			changes.parcel.push(e.change);
		}
		make('valuation', sampleValuation(id));
		make('title', sampleTitle(id));
		const { id: _id, ...priv } = samplePrivate(id);
		make('private', priv);
		const parts: Record<string, string> = {};
		for (const part of ['parcel', 'valuation', 'title'] as const) parts[part] = b64(Buffer.concat(changes[part]));
		const hashes = Object.fromEntries(Object.entries(changes).map(([part, list]) => [part, list.map(sha)])) as Record<PartName, Uint8Array[]>;
		const digests = Object.fromEntries(Object.entries(hashes).map(([part, list]) => [part, digestOf(list)])) as Record<PartName, Uint8Array>;
		return { parts, hashes, digests };
	});
}

const PARTS: PartName[] = ['parcel', 'valuation', 'title', 'private'];

export async function synthesize(n: number, pageSize: number): Promise<Synthetic> {
	const tpl = templates(Math.min(n, 300));
	const logKey = randomBytes(32);
	const signer = secretKeySigner(logKey);
	const verifierKey = formatVerifierKey(ORIGIN, signer.publicKey);
	// The map of the synthetic log: parcel i's changes are entries in id order, part by part.
	const leaves: MapLeaf[] = [];
	let index = 3; // entries 0–2: the log's grants
	for (let i = 0; i < n; i++) {
		const t = tpl[i % tpl.length];
		for (const part of PARTS) {
			const count = t.hashes[part].length;
			index += count;
			leaves.push({ parcel: `${DISTRICT}-${pad(i)}`, part, count, lastIndex: index - 1, digest: t.digests[part] });
		}
	}
	const size = index;
	const map = ParcelMap.fromLeaves(leaves);
	const checkpoint = await signCheckpoint({ origin: ORIGIN, size, root: new Uint8Array(32).fill(7), extensions: [mapLine(map.root)] }, ORIGIN, signer);
	const ids: string[] = [];
	const pages: string[] = [];
	let totalBytes = 0;
	for (let start = 0; start < n; start += pageSize) {
		const parcels = [];
		const pageIds: string[] = [];
		for (let i = start; i < Math.min(n, start + pageSize); i++) {
			const id = `${DISTRICT}-${pad(i)}`;
			ids.push(id);
			pageIds.push(id);
			const t = tpl[i % tpl.length];
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
				parts: t.parts,
				withheld: ['private'],
				hashes: { private: t.hashes.private.map((h) => Buffer.from(h).toString('hex')) }
			});
		}
		const last = Math.min(n, start + pageSize) - 1;
		const anchor = start > 0 ? `${DISTRICT}-${pad(start - 1)}` : null;
		const mapProof = b64(map.prove([...(anchor ? [anchor] : []), ...pageIds].map(parcelPrefix)));
		const page = JSON.stringify({
			district: DISTRICT, size, checkpoint, total: start === 0 ? n : undefined, keyEntries: start === 0 ? [] : undefined,
			parcels, mapProof, next: last + 1 < n ? `${DISTRICT}-${pad(last)}` : null
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
