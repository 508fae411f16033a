// A minimal OpenAPI 3.0 definition of the OGC API – Features endpoints (the landing page's
// service-desc link).
export function openApi(base: string) {
	const ok = (description: string, type = 'application/json') => ({ '200': { description, content: { [type]: {} } } });
	const param = (name: string, schema: object, description: string) => ({ name, in: 'query', required: false, schema, description });
	return {
		openapi: '3.0.3',
		info: { title: 'Parcel Ledger — OGC API – Features', version: '1.0.0' },
		servers: [{ url: base }],
		paths: {
			'/': { get: { summary: 'Landing page', responses: ok('Links to the API') } },
			'/conformance': { get: { summary: 'Conformance classes', responses: ok('Conformance') } },
			'/collections': { get: { summary: 'Collections', responses: ok('The parcels collection') } },
			'/collections/parcels': { get: { summary: 'The parcels collection', responses: ok('Collection metadata') } },
			'/collections/parcels/items': {
				get: {
					summary: 'Parcels',
					parameters: [
						param('limit', { type: 'integer', minimum: 1, maximum: 500, default: 100 }, 'Page size'),
						param('offset', { type: 'integer', minimum: 0, default: 0 }, 'Paging offset'),
						param('bbox', { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 6 }, 'minLon,minLat,maxLon,maxLat'),
						param('bbox-crs', { type: 'string' }, 'Only CRS84')
					],
					responses: ok('GeoJSON FeatureCollection', 'application/geo+json')
				}
			},
			'/collections/parcels/items/{featureId}': {
				get: {
					summary: 'One parcel',
					parameters: [{ name: 'featureId', in: 'path', required: true, schema: { type: 'string' } }],
					responses: ok('GeoJSON Feature', 'application/geo+json')
				}
			}
		}
	};
}
