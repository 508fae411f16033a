// Short display text for field values in the public history: one line each, whatever the value.
import { neutralizeValue } from '../../core/record/text-rules.js';
import type { JsonValue } from '../../core/record/json';

const MAX = 120;

const clip = (s: string): string => (s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s);

export function formatFieldValue(path: string, raw: JsonValue | null): string | null {
	if (raw === null) return null;
	// Text from before the record text rule shows with visible stand-ins (core/record/text-rules.js).
	const v = neutralizeValue(raw, path.split('.').at(-1));
	if (typeof v === 'string') return clip(v);
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	if (Array.isArray(v)) return clip(JSON.stringify(v));
	if (path === 'geometry' || v.type === 'Polygon' || v.type === 'MultiPolygon') return geometryText(v);
	const entries = Object.entries(v);
	if (entries.length === 0) return '(none)';
	if (entries.every(([, x]) => x === null || typeof x !== 'object')) {
		return clip(entries.map(([k, x]) => `${k} ${typeof x === 'string' ? x : JSON.stringify(x)}`).join(', '));
	}
	return clip(`${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}: ${entries.map(([k]) => k).join(', ')}`);
}

function geometryText(g: { [k: string]: JsonValue }): string {
	const coords = g.coordinates;
	if (!Array.isArray(coords)) return 'a shape';
	if (g.type === 'Polygon') {
		const ring = Array.isArray(coords[0]) ? coords[0].length - 1 : 0;
		return `a polygon with ${ring} corners`;
	}
	return `${coords.length} polygons`;
}
