// The text alternative of a parcel's map: its corners, extent and drawn area, so that a screen
// reader (or a reader without WebGL) gets what the map shows. Equirectangular approximation
// around the parcel: good to a fraction of a percent at parcel scale.
import type { Geometry, Position } from '../../core/record/geometry';

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQUATOR = 111_320;

export interface GeometryDescription {
	kind: 'polygon' | 'multipolygon';
	polygons: number;
	/** Corners of the outer ring(s), without the closing repeat, as [lon, lat]. */
	corners: Position[];
	/** [minLon, minLat, maxLon, maxLat] */
	bbox: [number, number, number, number];
	centre: [number, number];
	widthM: number;
	heightM: number;
	/** Area of the drawn outer rings minus holes, in m². */
	drawnAreaM2: number;
}

export function describeGeometry(g: Geometry): GeometryDescription {
	const polygons: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
	const all = polygons.flatMap((p) => p.flatMap((ring) => ring));
	const lons = all.map((p) => p[0]);
	const lats = all.map((p) => p[1]);
	const bbox: [number, number, number, number] = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
	const centre: [number, number] = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
	const mPerLon = M_PER_DEG_LON_EQUATOR * Math.cos((centre[1] * Math.PI) / 180);
	const ringArea = (ring: Position[]) => {
		let s = 0;
		for (let i = 0; i + 1 < ring.length; i++) {
			const [x1, y1] = [(ring[i][0] - centre[0]) * mPerLon, (ring[i][1] - centre[1]) * M_PER_DEG_LAT];
			const [x2, y2] = [(ring[i + 1][0] - centre[0]) * mPerLon, (ring[i + 1][1] - centre[1]) * M_PER_DEG_LAT];
			s += x1 * y2 - x2 * y1;
		}
		return Math.abs(s) / 2;
	};
	const drawnAreaM2 = polygons.reduce((a, p) => a + ringArea(p[0]) - p.slice(1).reduce((h, ring) => h + ringArea(ring), 0), 0);
	return {
		kind: g.type === 'Polygon' ? 'polygon' : 'multipolygon',
		polygons: polygons.length,
		corners: polygons.flatMap((p) => p[0].slice(0, -1)),
		bbox,
		centre,
		widthM: (bbox[2] - bbox[0]) * mPerLon,
		heightM: (bbox[3] - bbox[1]) * M_PER_DEG_LAT,
		drawnAreaM2
	};
}
