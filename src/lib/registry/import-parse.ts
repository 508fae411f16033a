// Reading an import file in the browser: CSV (papaparse, a header row, every cell text) or a
// GeoJSON FeatureCollection (each feature's properties are the row, its geometry the shape).
// Rows are numbered from 1: the first data line of a CSV, the first feature of a GeoJSON file.
import Papa from 'papaparse';

export type ImportFormat = 'csv' | 'geojson';

export interface RowIssue {
	/** 1-based data row (CSV line after the header, or GeoJSON feature). */
	row: number;
	id: string | null;
	field: string;
	message: string;
}

export interface ImportTable {
	format: ImportFormat;
	name: string;
	columns: string[];
	rows: Record<string, unknown>[];
	/** GeoJSON only: each feature's geometry, by row. */
	geometries: unknown[] | null;
	/** Rows the parser could not read at all. */
	issues: RowIssue[];
}

export const FEATURE_GEOMETRY = '(feature geometry)';

function parseCsv(name: string, text: string): ImportTable | string {
	const r = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim() });
	const columns = (r.meta.fields ?? []).filter(Boolean);
	if (!columns.length) return 'the CSV file has no header row: its first line must name the columns';
	// Errors without a row, or past the last row (an unterminated quote swallows the rest), are
	// about the whole file; a one-column file has no delimiter to detect.
	const fileLevel = r.errors.find((e) => (e.row === undefined && e.code !== 'UndetectableDelimiter') || (e.row !== undefined && e.row >= r.data.length));
	if (fileLevel) return `the CSV file cannot be read: ${fileLevel.message}`;
	const issues: RowIssue[] = r.errors.filter((e) => e.row !== undefined).map((e) => ({ row: e.row! + 1, id: null, field: '(row)', message: e.message }));
	return { format: 'csv', name, columns, rows: r.data, geometries: null, issues };
}

function parseGeoJson(name: string, text: string): ImportTable | string {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (e) {
		return `the file is not JSON: ${(e as Error).message}`;
	}
	const fc = json as { type?: unknown; features?: unknown };
	if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) return 'a GeoJSON import is one FeatureCollection';
	const columns = new Set<string>();
	const rows: Record<string, unknown>[] = [];
	const geometries: unknown[] = [];
	const issues: RowIssue[] = [];
	fc.features.forEach((f: unknown, i) => {
		const feature = f as { type?: unknown; properties?: unknown; geometry?: unknown };
		const props = feature?.properties && typeof feature.properties === 'object' && !Array.isArray(feature.properties) ? (feature.properties as Record<string, unknown>) : {};
		if (feature?.type !== 'Feature') issues.push({ row: i + 1, id: null, field: '(row)', message: 'not a GeoJSON Feature' });
		for (const k of Object.keys(props)) columns.add(k);
		rows.push(props);
		geometries.push(feature?.geometry ?? null);
	});
	return { format: 'geojson', name, columns: [FEATURE_GEOMETRY, ...columns], rows, geometries, issues };
}

export async function parseImportFile(file: File): Promise<ImportTable | string> {
	const text = await file.text();
	const geo = /\.(geo)?json$/i.test(file.name) || /^\s*\{/.test(text.slice(0, 100));
	return geo ? parseGeoJson(file.name, text) : parseCsv(file.name, text);
}
