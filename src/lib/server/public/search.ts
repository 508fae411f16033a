// Public search over the projection (FTS5 on SQLite, pg_trgm on PostgreSQL), with paging and a
// cheap typo tolerance: a search that finds nothing is retried with every word of four or more
// letters shortened by one letter, then by two (never below three), and says so.
import { DISTRICT_PATTERN } from '../../core/record/ids';
import type { BBox, ParcelHit, ProjectionStore } from '../projection/types';
import { queryWords } from '../../core/record/summary';

export const MAX_PAGE_SIZE = 100;
export const MAX_QUERY_LENGTH = 200;

export interface PublicSearchParams {
	q: string;
	district: string | null;
	bbox: BBox | null;
	/** 1-based. */
	page: number;
	size: number;
}

export interface PublicSearchResult {
	params: PublicSearchParams;
	rows: ParcelHit[];
	total: number;
	pages: number;
	/** The words actually searched when the query as typed found nothing; null otherwise. */
	relaxedQuery: string | null;
}

export type ParsedParams = { ok: true; value: PublicSearchParams } | { ok: false; message: string };

/** Reads q, district, bbox, page and size from a URL; messages name the parameter. */
export function parseSearchParams(url: URL, defaultSize = 20): ParsedParams {
	const get = (name: string) => url.searchParams.get(name)?.trim() ?? '';
	const q = get('q');
	if (q.length > MAX_QUERY_LENGTH) return { ok: false, message: `q is longer than ${MAX_QUERY_LENGTH} characters` };
	const district = get('district') || null;
	if (district !== null && !DISTRICT_PATTERN.test(district)) return { ok: false, message: 'district must be a district code such as RIV' };
	let bbox: BBox | null = null;
	if (get('bbox')) {
		const n = get('bbox').split(',').map(Number);
		if (n.length !== 4 || !n.every(Number.isFinite) || n[0] > n[2] || n[1] > n[3]) {
			return { ok: false, message: 'bbox must be minLon,minLat,maxLon,maxLat with min ≤ max' };
		}
		bbox = n as BBox;
	}
	const whole = (name: string, fallback: number, max: number): number | string => {
		const raw = get(name);
		if (!raw) return fallback;
		if (!/^[1-9][0-9]{0,6}$/.test(raw) || Number(raw) > max) return `${name} must be a whole number from 1 to ${max}`;
		return Number(raw);
	};
	const page = whole('page', 1, 1_000_000);
	const size = whole('size', defaultSize, MAX_PAGE_SIZE);
	if (typeof page === 'string') return { ok: false, message: page };
	if (typeof size === 'string') return { ok: false, message: size };
	return { ok: true, value: { q, district, bbox, page, size } };
}

export async function publicSearch(projection: ProjectionStore, p: PublicSearchParams): Promise<PublicSearchResult> {
	const run = (text: string) =>
		projection.search({
			text,
			...(p.district ? { district: p.district } : {}),
			...(p.bbox ? { bbox: p.bbox } : {}),
			limit: p.size,
			offset: (p.page - 1) * p.size
		});
	let result = await run(p.q);
	let relaxedQuery: string | null = null;
	const words = queryWords(p.q) ?? [];
	if (result.total === 0 && words.length > 0) {
		let previous = words.join(' ');
		for (const cut of [1, 2]) {
			const relaxed = words.map((w) => (w.length >= 4 ? w.slice(0, Math.max(3, w.length - cut)) : w)).join(' ');
			if (relaxed === previous) continue;
			previous = relaxed;
			const retry = await run(relaxed);
			if (retry.total > 0) {
				result = retry;
				relaxedQuery = relaxed;
				break;
			}
		}
	}
	return { params: p, rows: result.rows, total: result.total, pages: Math.max(1, Math.ceil(result.total / p.size)), relaxedQuery };
}
