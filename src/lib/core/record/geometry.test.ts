import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { geometrySchema } from './geometry';
import { fromValibot } from './issues';
import { squareGeometry } from './samples';

const problems = (g: unknown) => {
	const r = v.safeParse(geometrySchema, g);
	return r.success ? [] : fromValibot(r.issues);
};

describe('geometry', () => {
	it('accepts a Polygon and a MultiPolygon', () => {
		const square = squareGeometry(10, 20);
		expect(problems(square)).toEqual([]);
		expect(problems({ type: 'MultiPolygon', coordinates: [square.coordinates, squareGeometry(11, 20).coordinates] })).toEqual([]);
	});

	it('reports open rings, short rings and out-of-range coordinates with their paths', () => {
		const g = {
			type: 'Polygon',
			coordinates: [
				[
					[0, 0],
					[1, 0],
					[1, 1],
					[0, 1]
				],
				[
					[0, 0],
					[1, 0],
					[0, 0]
				],
				[
					[181, 0],
					[1, 95],
					[1, 1],
					[181, 0]
				]
			]
		};
		expect(problems(g)).toEqual([
			{ path: 'coordinates.0', message: 'a ring must be closed (last position = first)' },
			{ path: 'coordinates.1', message: 'a ring needs at least 4 positions' },
			{ path: 'coordinates.2.0', message: 'longitude must be within [-180, 180]' },
			{ path: 'coordinates.2.1', message: 'latitude must be within [-90, 90]' },
			{ path: 'coordinates.2.3', message: 'longitude must be within [-180, 180]' }
		]);
	});

	it('refuses other geometry types and extra members', () => {
		expect(problems({ type: 'Point', coordinates: [0, 0] })).toHaveLength(1);
		expect(problems({ ...squareGeometry(0, 0), crs: 'EPSG:4326' })).toEqual([{ path: 'crs', message: 'unknown field' }]);
		expect(problems({ type: 'Polygon', coordinates: [] })).toEqual([{ path: 'coordinates', message: 'a polygon needs an exterior ring' }]);
		expect(problems({ type: 'Polygon', coordinates: [[[0, 0, 0, 0], [1, 0], [1, 1], [0, 0, 0, 0]]] })).toHaveLength(2);
	});
});
