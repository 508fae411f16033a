// OGC API – Features Part 1 Core (OGC 17-069r4) over the public parcel projection: landing page,
// conformance, collections, items (GeoJSON, bbox, limit, paging links) and single features.
// Public fields only: the projection never holds the private part.
import { MAX_SEARCH_LIMIT, type ParcelRow, type ProjectionStore } from '../projection/types';
import { HttpError } from '../http/respond';

export const COLLECTION = 'parcels';
export const MAX_ITEMS = MAX_SEARCH_LIMIT;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const JSON_TYPE = 'application/json';
const GEOJSON = 'application/geo+json';

export const CONFORMANCE = [
	'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
	'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
	'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30'
];

const link = (href: string, rel: string, type: string, title?: string) => ({ href, rel, type, ...(title ? { title } : {}) });

export function landingPage(base: string) {
	return {
		title: 'Parcel Ledger — public parcels',
		description: 'Public parcel records of this registry as OGC API – Features. Every edit behind them is in a verifiable log at /log/.',
		links: [
			link(`${base}`, 'self', JSON_TYPE, 'This document'),
			link(`${base}/api`, 'service-desc', 'application/vnd.oai.openapi+json;version=3.0', 'The API definition'),
			link(`${base}/conformance`, 'conformance', JSON_TYPE, 'Conformance classes'),
			link(`${base}/collections`, 'data', JSON_TYPE, 'Collections')
		]
	};
}

export async function collection(base: string, projection: ProjectionStore) {
	const extent = await projection.extent();
	return {
		id: COLLECTION,
		title: 'Parcels',
		description: 'Land parcels: identifier, assessor parcel number, address, land use, zoning, area, owners, latest assessed value.',
		itemType: 'feature',
		crs: [CRS84],
		extent: { spatial: { bbox: [extent ?? [-180, -90, 180, 90]], crs: CRS84 } },
		links: [
			link(`${base}/collections/${COLLECTION}`, 'self', JSON_TYPE),
			link(`${base}/collections/${COLLECTION}/items`, 'items', GEOJSON, 'Parcels as GeoJSON')
		]
	};
}

export function feature(r: ParcelRow) {
	return {
		type: 'Feature' as const,
		id: r.id,
		geometry: r.geometry,
		properties: {
			id: r.id,
			district: r.district,
			apn: r.apn,
			status: r.status,
			addressLine: r.addressLine,
			locality: r.locality,
			postcode: r.postcode,
			landUse: r.landUse,
			zoning: r.zoning,
			recordedArea: r.recordedArea,
			owners: r.owners.join('; '),
			totalValue: r.totalValue,
			valueYear: r.valueYear
		}
	};
}

const KNOWN = new Set(['limit', 'offset', 'bbox', 'bbox-crs', 'f']);

function parseBbox(raw: string | null): [number, number, number, number] | undefined {
	if (raw === null) return undefined;
	const n = raw.split(',').map(Number);
	if ((n.length !== 4 && n.length !== 6) || n.some((x) => !Number.isFinite(x))) {
		throw new HttpError('bad-request', 'bbox is minLon,minLat,maxLon,maxLat (4 numbers; 6 with heights)');
	}
	const [a, b, c, d] = n.length === 6 ? [n[0], n[1], n[3], n[4]] : n;
	if (b > d || a < -180 || c > 180 || b < -90 || d > 90) throw new HttpError('bad-request', 'bbox is outside WGS 84 or its corners are swapped');
	// A bbox crossing the antimeridian (a > c) is not supported by this registry's data.
	if (a > c) throw new HttpError('bad-request', 'bbox crossing the antimeridian is not supported');
	return [a, b, c, d];
}

export async function items(base: string, url: URL, projection: ProjectionStore) {
	for (const key of url.searchParams.keys()) {
		if (!KNOWN.has(key)) throw new HttpError('bad-request', `unknown query parameter ${key}; this collection takes ${[...KNOWN].join(', ')}`);
	}
	const f = url.searchParams.get('f');
	if (f !== null && f !== 'json' && f !== 'geojson') throw new HttpError('bad-request', 'f must be json or geojson');
	const crs = url.searchParams.get('bbox-crs');
	if (crs !== null && crs !== CRS84) throw new HttpError('bad-request', `bbox-crs must be ${CRS84}`);
	const limit = intParam(url, 'limit', 100, 1, MAX_ITEMS);
	const offset = intParam(url, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
	const bbox = parseBbox(url.searchParams.get('bbox'));
	const found = await projection.search({ bbox, limit, offset });
	const rows = await projection.getParcels(found.rows.map((r) => r.id));
	const page = (o: number) => {
		const q = new URLSearchParams(url.searchParams);
		q.set('offset', String(o));
		q.set('limit', String(limit));
		return `${base}/collections/${COLLECTION}/items?${q}`;
	};
	const links = [link(page(offset), 'self', GEOJSON), link(`${base}/collections/${COLLECTION}`, 'collection', JSON_TYPE)];
	if (offset + rows.length < found.total) links.push(link(page(offset + limit), 'next', GEOJSON, 'Next page'));
	if (offset > 0) links.push(link(page(Math.max(0, offset - limit)), 'prev', GEOJSON, 'Previous page'));
	return {
		type: 'FeatureCollection' as const,
		timeStamp: new Date().toISOString(),
		numberMatched: found.total,
		numberReturned: rows.length,
		features: rows.map(feature),
		links
	};
}

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null) return fallback;
	const n = Number(raw);
	if (!/^\d+$/.test(raw) || n < min) throw new HttpError('bad-request', `${name} must be a whole number ≥ ${min}`);
	return Math.min(n, max); // OGC: a limit above the maximum is lowered, not refused
}

export const GEOJSON_TYPE = GEOJSON;
