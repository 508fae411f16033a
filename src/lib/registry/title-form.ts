// The title editor's model: parties and rights as rows a form edits, back to a title part and to
// an edit patch of only what changed. Shares are exact fractions and must sum to 1 per right type
// (record/title-schema.ts titleRules): the editor shows each sum before anything is saved.
import type { EditPatch } from '../core/crdt/edit';
import { getOwn, jsonEqual, type JsonObject, type JsonValue } from '../core/record/json';
import { RIGHT_TYPES, type RightType } from '../core/record/title-schema';
import { validatePart } from '../core/record/schema';
import type { Issue } from '../core/record/issues';
import { obj, str } from '../core/record/summary';

export interface PartyRow {
	key: string;
	name: string;
	kind: 'person' | 'organization';
}

export interface RightRow {
	key: string;
	type: RightType;
	holder: string;
	num: number | null;
	den: number | null;
	start: string;
	end: string;
	source: string;
}

export interface TitleModel {
	parties: PartyRow[];
	rights: RightRow[];
}

const num = (x: JsonValue | undefined): number | null => (typeof x === 'number' ? x : null);
const sorted = (o: JsonObject) => Object.keys(o).sort();

export function toModel(title: JsonObject): TitleModel {
	const parties = obj(getOwn(title, 'parties'));
	const rights = obj(getOwn(title, 'rights'));
	return {
		parties: sorted(parties).map((key) => {
			const p = obj(getOwn(parties, key));
			return { key, name: str(p.name), kind: p.kind === 'organization' ? 'organization' : 'person' };
		}),
		rights: sorted(rights).map((key) => {
			const r = obj(getOwn(rights, key));
			const share = obj(r.share);
			const type = (RIGHT_TYPES as readonly string[]).includes(str(r.type)) ? (str(r.type) as RightType) : 'ownership';
			return { key, type, holder: str(r.holder), num: num(share.num), den: num(share.den), start: str(r.start), end: str(r.end), source: str(r.source) };
		})
	};
}

function partyValue(p: PartyRow): JsonObject {
	return { name: p.name, kind: p.kind };
}

function rightValue(r: RightRow): JsonObject {
	const v: JsonObject = { type: r.type, holder: r.holder, share: { num: r.num ?? 0, den: r.den ?? 0 }, start: r.start };
	if (r.end) v.end = r.end;
	if (r.source) v.source = r.source;
	return v;
}

/** The title part the model describes (sources kept as they were). */
export function toTitle(before: JsonObject, m: TitleModel): JsonObject {
	return {
		...before,
		parties: Object.fromEntries(m.parties.map((p) => [p.key, partyValue(p)])),
		rights: Object.fromEntries(m.rights.map((r) => [r.key, rightValue(r)]))
	};
}

/** Every problem the edited title would have (shares, holders, dates…), by path. */
export function titleIssues(before: JsonObject, m: TitleModel): Issue[] {
	const r = validatePart('title', toTitle(before, m));
	return r.ok ? [] : r.issues;
}

/** Only what changed: `parties.p2` → value, `rights.r1` → value or null (removed). */
export function titlePatch(before: JsonObject, m: TitleModel): EditPatch {
	const patch: Record<string, JsonValue> = {};
	const after = toTitle(before, m);
	for (const map of ['parties', 'rights'] as const) {
		const a = obj(getOwn(before, map));
		const b = obj(getOwn(after, map));
		for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
			const x = getOwn(a, key);
			const y = getOwn(b, key);
			if (!jsonEqual(x, y)) patch[`${map}.${key}`] = y ?? null;
		}
	}
	return patch;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Per right type, the sum of its shares as a reduced fraction, and whether it is exactly 1. */
export function shareSums(m: TitleModel): { type: string; num: number; den: number; ok: boolean }[] {
	const sums = new Map<string, { num: number; den: number }>();
	for (const r of m.rights) {
		if (!r.num || !r.den) continue;
		const s = sums.get(r.type) ?? { num: 0, den: 1 };
		const n = s.num * r.den + r.num * s.den;
		const d = s.den * r.den;
		const g = gcd(n, d) || 1;
		sums.set(r.type, { num: n / g, den: d / g });
	}
	return [...sums].map(([type, s]) => ({ type, ...s, ok: s.num === s.den }));
}

/** A key not yet used in `taken`: prefix + the next number. */
export function nextKey(prefix: string, taken: string[]): string {
	for (let i = 1; ; i++) if (!taken.includes(`${prefix}${i}`)) return `${prefix}${i}`;
}
