import { DISTRICT_PATTERN } from '$lib/core/record/ids';
import { endpoint } from '$lib/server/http/endpoint';
import { requireRegistrar } from '$lib/server/http/access';
import { HttpError } from '$lib/server/http/respond';
import { exportStream, exportTotal, type ExportFormat } from '$lib/server/registry/export';

const TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', geojson: 'application/geo+json' };

/**
 * GET /api/registry/export?district=RIV&q=&format=csv|geojson — a district (or a search, with q)
 * streamed from the projection: public fields only. Registrars only (bulk exports are a staff
 * tool; the public has /api/parcels and OGC API Features). `x-total-count` gives the row count.
 */
export const GET = endpoint(async ({ url, locals }, { projection }) => {
	requireRegistrar(locals.editor);
	const format = url.searchParams.get('format') ?? 'geojson';
	if (format !== 'csv' && format !== 'geojson') throw new HttpError('bad-request', 'format must be csv or geojson');
	const district = url.searchParams.get('district') || undefined;
	if (district !== undefined && !DISTRICT_PATTERN.test(district)) throw new HttpError('bad-request', 'district must be a district code like RIV');
	const text = url.searchParams.get('q')?.slice(0, 200) || undefined;
	if (district === undefined && text === undefined) throw new HttpError('bad-request', 'give a district, a search (q), or both');
	const query = { district, text, format: format as ExportFormat };
	const total = await exportTotal(projection, query);
	const name = `${[district, text ? 'search' : null].filter(Boolean).join('-')}-${new Date().toISOString().slice(0, 10)}.${format === 'csv' ? 'csv' : 'geojson'}`;
	return new Response(exportStream(projection, query), {
		headers: {
			'content-type': TYPES[format],
			'content-disposition': `attachment; filename="${name}"`,
			'x-total-count': String(total),
			'cache-control': 'no-store'
		}
	});
});
