// Which fields the parcel screen offers for each part, read from the part's plain value, and
// turning a form back into an edit patch with a short summary for people.
import type { EditPatch } from '../core/crdt/edit';
import { getOwn, type JsonObject, type JsonValue } from '../core/record/json';
import type { PartName } from '../core/record/parts';
import { obj } from '../core/record/summary';

export interface FieldSpec {
	path: string;
	label: string;
	type: 'text' | 'number' | 'select' | 'textarea' | 'date';
	value: string;
	options?: string[];
	/** A blank number deletes the field instead of writing 0. */
	optional?: boolean;
}

const s = (x: JsonValue | undefined): string => (x === undefined || x === null ? '' : String(x));
const keys = (o: JsonObject) => Object.keys(o).sort();

function parcelFields(p: JsonObject): FieldSpec[] {
	const out: FieldSpec[] = [
		{ path: 'apn', label: 'Assessor’s parcel number', type: 'text', value: s(p.apn) },
		{ path: 'status', label: 'Status', type: 'select', value: s(p.status), options: ['active', 'pending', 'retired'] },
		{ path: 'addressLine', label: 'Address', type: 'text', value: s(p.addressLine) },
		{ path: 'locality', label: 'Locality', type: 'text', value: s(p.locality) },
		{ path: 'postcode', label: 'Postcode', type: 'text', value: s(p.postcode) },
		{ path: 'recordedArea', label: 'Recorded area (m²)', type: 'number', value: s(p.recordedArea) },
		{ path: 'landUse', label: 'Land use', type: 'text', value: s(p.landUse) },
		{ path: 'zoning', label: 'Zoning', type: 'text', value: s(p.zoning) }
	];
	for (const id of keys(obj(p.buildings))) {
		const b = obj(getOwn(obj(p.buildings), id));
		out.push(
			{ path: `buildings.${id}.use`, label: `Building ${id}: use`, type: 'text', value: s(b.use) },
			{ path: `buildings.${id}.floors`, label: `Building ${id}: floors`, type: 'number', value: s(b.floors) },
			{ path: `buildings.${id}.floorArea`, label: `Building ${id}: floor area (m²)`, type: 'number', value: s(b.floorArea) },
			{ path: `buildings.${id}.yearBuilt`, label: `Building ${id}: year built`, type: 'number', value: s(b.yearBuilt), optional: true }
		);
	}
	out.push({ path: 'notes', label: 'Public notes', type: 'textarea', value: s(p.notes) });
	return out;
}

/** The latest assessment year, edited as one register (total = land + improvements). */
export function latestYear(v: JsonObject): string | null {
	return keys(obj(v.assessments)).filter((y) => /^[0-9]{4}$/.test(y)).at(-1) ?? null;
}

function valuationFields(v: JsonObject): FieldSpec[] {
	const year = latestYear(v);
	if (!year) return [];
	const a = obj(getOwn(obj(v.assessments), year));
	return [
		{ path: `assessments.${year}.land`, label: `${year} land value`, type: 'number', value: s(a.land) },
		{ path: `assessments.${year}.improvements`, label: `${year} improvements value`, type: 'number', value: s(a.improvements) },
		{ path: `assessments.${year}.assessor`, label: `${year} assessor`, type: 'text', value: s(a.assessor) },
		{ path: `assessments.${year}.date`, label: `${year} assessment date`, type: 'date', value: s(a.date) }
	];
}

function titleFields(t: JsonObject): FieldSpec[] {
	return keys(obj(t.parties)).map((id) => ({ path: `parties.${id}.name`, label: `Party ${id}: name`, type: 'text' as const, value: s(obj(getOwn(obj(t.parties), id)).name) }));
}

function privateFields(p: JsonObject): FieldSpec[] {
	const out: FieldSpec[] = [];
	for (const id of keys(obj(p.contacts))) {
		const c = obj(getOwn(obj(p.contacts), id));
		out.push(
			{ path: `contacts.${id}.phone`, label: `Contact ${id}: phone`, type: 'text', value: s(c.phone), optional: true },
			{ path: `contacts.${id}.email`, label: `Contact ${id}: e-mail`, type: 'text', value: s(c.email), optional: true },
			{ path: `contacts.${id}.postalAddress`, label: `Contact ${id}: postal address`, type: 'text', value: s(c.postalAddress), optional: true }
		);
	}
	out.push({ path: 'internalNotes', label: 'Internal notes', type: 'textarea', value: s(p.internalNotes) });
	return out;
}

export function fieldsOf(part: PartName, plain: JsonObject): FieldSpec[] {
	switch (part) {
		case 'parcel':
			return parcelFields(plain);
		case 'valuation':
			return valuationFields(plain);
		case 'title':
			return titleFields(plain);
		case 'private':
			return privateFields(plain);
	}
}

/** The patch and summary for the fields whose value changed; valuation rewrites the year whole. */
export function patchOf(part: PartName, plain: JsonObject, specs: FieldSpec[], values: Record<string, string>): { patch: EditPatch; summary: string } {
	const patch: Record<string, JsonValue> = {};
	const said: string[] = [];
	for (const f of specs) {
		const next = values[f.path] ?? f.value;
		if (next === f.value) continue;
		const leaf = f.path.split('.').at(-1)!;
		said.push(`${leaf} → ${next.length > 40 ? next.slice(0, 40) + '…' : next || '(blank)'}`);
		if (f.type === 'number') patch[f.path] = next.trim() === '' && f.optional ? null : Number(next);
		else patch[f.path] = next.trim() === '' && f.optional ? null : next;
	}
	const year = part === 'valuation' ? latestYear(plain) : null;
	if (year && Object.keys(patch).length) {
		// One register per year: land, improvements and total change together (see crdt/representation).
		const a = { ...obj(getOwn(obj(plain.assessments), year)) };
		for (const [path, value] of Object.entries(patch)) a[path.split('.')[2]] = value;
		a.total = Number(a.land) + Number(a.improvements);
		return { patch: { [`assessments.${year}`]: a }, summary: said.join('; ') };
	}
	return { patch, summary: said.join('; ') };
}
