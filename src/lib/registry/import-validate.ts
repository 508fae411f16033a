// Turning mapped rows into the parts of new parcels, and reporting every problem by row and field
// before anything is written: parcel-id rules (format, a district the key is granted, unique in
// the file, not registered yet) and validatePart for the parcel, title and private parts.
import { parseParcelId } from '../core/record/ids';
import type { Issue } from '../core/record/issues';
import type { JsonObject } from '../core/record/json';
import { validatePart } from '../core/record/schema';
import type { PartInit } from '../core/crdt/document';
import type { Geometry } from '../core/record/geometry';
import { FEATURE_GEOMETRY, type ImportTable, type RowIssue } from './import-parse';
import type { Mapping, TargetField } from './import-map';
import { geometryArea, isGeometry } from './format';

export interface PreparedParcel {
	row: number;
	id: string;
	parcel: PartInit<'parcel'>;
	title: PartInit<'title'>;
	private: PartInit<'private'>;
}

export interface Prepared {
	parcels: PreparedParcel[];
	issues: RowIssue[];
	rows: number;
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : JSON.stringify(v));

function ownersOf(v: unknown): string[] {
	if (Array.isArray(v)) return v.map(text).filter(Boolean);
	return text(v).split(';').map((s) => s.trim()).filter(Boolean);
}

/** The field a validation issue is about, named as in the mapping ('contacts.p1.phone' → 'phone'). */
function fieldOf(part: 'parcel' | 'title' | 'private', issue: Issue): string {
	if (part === 'title') return 'owners';
	if (part === 'private') return issue.path.endsWith('email') ? 'email' : 'phone';
	return issue.path.split('.')[0] || 'parcel';
}

export function prepareRows(t: ImportTable, m: Mapping, o: { districts: string[]; today: string }): Prepared {
	const issues: RowIssue[] = [...t.issues];
	const bad = new Set(t.issues.map((i) => i.row));
	const parcels: PreparedParcel[] = [];
	const seen = new Map<string, number>();
	const get = (r: Record<string, unknown>, f: TargetField) => (m[f] && m[f] !== FEATURE_GEOMETRY ? r[m[f]] : undefined);
	t.rows.forEach((r, i) => {
		const row = i + 1;
		const id = text(get(r, 'id'));
		const problems: RowIssue[] = [];
		const add = (field: string, message: string) => problems.push({ row, id: id || null, field, message });
		const parsed = parseParcelId(id);
		if (!id) add('id', 'no parcel id');
		else if (!parsed.ok) add('id', parsed.message);
		else if (!o.districts.includes('*') && !o.districts.includes(parsed.district)) add('id', `district ${parsed.district} is not granted to your key`);
		else if (seen.has(id)) add('id', `the same parcel id as row ${seen.get(id)}`);
		if (id && !seen.has(id)) seen.set(id, row);

		let geometry: unknown = null;
		if (m.geometry === FEATURE_GEOMETRY) geometry = t.geometries?.[i] ?? null;
		else if (m.geometry) {
			const raw = text(r[m.geometry]);
			try {
				geometry = raw ? JSON.parse(raw) : null;
			} catch {
				add('geometry', 'not GeoJSON geometry text');
			}
		}
		if (geometry === null && !problems.some((p) => p.field === 'geometry')) add('geometry', 'no shape');
		const areaText = text(get(r, 'recordedArea'));
		const area = areaText === '' ? (isGeometry(geometry) ? Math.round(geometryArea(geometry as Geometry) * 10) / 10 : 0) : Number(areaText);
		if (areaText !== '' && !Number.isFinite(area)) add('recordedArea', `${JSON.stringify(areaText)} is not a number`);

		const parcel = {
			apn: text(get(r, 'apn')),
			status: text(get(r, 'status')) || 'active',
			addressLine: text(get(r, 'addressLine')),
			locality: text(get(r, 'locality')),
			postcode: text(get(r, 'postcode')),
			geometry,
			recordedArea: area,
			landUse: text(get(r, 'landUse')),
			zoning: text(get(r, 'zoning')),
			buildings: {},
			photos: {},
			notes: text(get(r, 'notes'))
		};
		const owners = m.owners ? ownersOf(r[m.owners]) : [];
		const parties: JsonObject = {};
		const rights: JsonObject = {};
		owners.forEach((name, k) => {
			parties[`p${k + 1}`] = { name, kind: 'person' };
			rights[`r${k + 1}`] = { type: 'ownership', holder: `p${k + 1}`, share: { num: 1, den: owners.length }, start: o.today };
		});
		const title = { parties, rights, sources: {} };
		const contact: JsonObject = {};
		if (text(get(r, 'phone'))) contact.phone = text(get(r, 'phone'));
		if (text(get(r, 'email'))) contact.email = text(get(r, 'email'));
		const priv = { contacts: Object.keys(contact).length ? { p1: contact } : {}, nationalIds: {}, internalNotes: '' };

		// A malformed id is reported once, above: the parts are checked with a stand-in.
		const asId = parsed.ok ? id : 'XX-1';
		const checks = [
			['parcel', validatePart('parcel', { ...parcel, id: asId })],
			['title', validatePart('title', { ...title, id: asId })],
			['private', validatePart('private', { ...priv, id: asId })]
		] as const;
		for (const [part, v] of checks) {
			if (v.ok) continue;
			for (const issue of v.issues) {
				const field = fieldOf(part, issue);
				if (field === 'geometry' && problems.some((p) => p.field === 'geometry')) continue;
				add(field, issue.path.includes('.') ? `${issue.path}: ${issue.message}` : issue.message);
			}
		}
		if (problems.length || bad.has(row)) issues.push(...problems);
		else parcels.push({ row, id, parcel: parcel as PartInit<'parcel'>, title: title as unknown as PartInit<'title'>, private: priv as PartInit<'private'> });
	});
	issues.sort((a, b) => a.row - b.row);
	return { parcels, issues, rows: t.rows.length };
}

/** Moves parcels that are registered already (on the server or this workstation) into the issues. */
export function dropExisting(p: Prepared, existing: Set<string>): Prepared {
	const keep: PreparedParcel[] = [];
	const issues = [...p.issues];
	for (const parcel of p.parcels) {
		if (existing.has(parcel.id)) issues.push({ row: parcel.row, id: parcel.id, field: 'id', message: 'is registered already: an import only creates new parcels' });
		else keep.push(parcel);
	}
	issues.sort((a, b) => a.row - b.row);
	return { parcels: keep, issues, rows: p.rows };
}
