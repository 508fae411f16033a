// How a part's plain JSON is represented in Automerge. Scalars are registers (strings as
// ImmutableString: plain JS strings would become Text, which is slow and merges per character);
// the free text several people write is Text; a few values are one JSON register each, because
// their fields only make sense together and a concurrent edit must show as one conflict:
//   parcel.geometry            replaced whole, never merged vertex by vertex
//   valuation.assessments.Y    a merge of two assessors' figures could break total = land + improvements
//   title.rights.R.share       num from one editor and den from another would be a share nobody wrote
//   private.claimants.ID       a claimant's name and contact belong together; and a map under a
//                              SHA-256 key would read as a named file (core/files/named-files.ts)
import * as Automerge from '@automerge/automerge';
import type { PartName } from '../record/parts';
import { canonicalJson, getOwn, isJsonObject, type JsonObject, type JsonValue } from '../record/json';

/** Automerge proxies are untyped maps; parts are checked with validatePart, not the type system. */
export type StoredPart = Record<string, unknown>;
export type PartDoc = Automerge.Doc<StoredPart>;

export type FieldKind = 'text' | 'json' | 'value';

const TEXT_FIELDS: Record<PartName, string[][]> = {
	parcel: [['notes']],
	valuation: [],
	title: [],
	private: [['internalNotes']]
};
const JSON_FIELDS: Record<PartName, string[][]> = {
	parcel: [['geometry']],
	valuation: [['assessments', '*']],
	title: [['rights', '*', 'share']],
	private: [['claimants', '*']]
};

const matches = (pattern: string[], segs: readonly string[]) =>
	pattern.length === segs.length && pattern.every((p, i) => p === '*' || p === segs[i]);

export function kindAt(part: PartName, segs: readonly string[]): FieldKind {
	if (TEXT_FIELDS[part].some((p) => matches(p, segs))) return 'text';
	if (JSON_FIELDS[part].some((p) => matches(p, segs))) return 'json';
	return 'value';
}

/** The length of the prefix of `segs` that is one stored field (Automerge key), or segs.length. */
export function leafDepth(part: PartName, segs: readonly string[]): number {
	for (let n = 1; n < segs.length; n++) if (kindAt(part, segs.slice(0, n)) !== 'value') return n;
	return segs.length;
}

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

/** Splits `buildings.b1.floors`; null for empty, over-long or unsafe segments. */
export function parsePath(path: string): string[] | null {
	const segs = path.split('.');
	return segs.every((s) => SEGMENT.test(s) && s !== '__proto__') ? segs : null;
}

export const formatPath = (segs: readonly string[]): string => segs.join('.');

export const isAncestorPath = (a: readonly string[], b: readonly string[]): boolean =>
	a.length < b.length && a.every((s, i) => s === b[i]);

/** A nested Automerge map (as read from a doc or inside a change), not a scalar or text. */
export function isMapObject(x: unknown): x is Record<string, unknown> {
	return (
		typeof x === 'object' &&
		x !== null &&
		!Array.isArray(x) &&
		!Automerge.isImmutableString(x) &&
		!Automerge.isCounter(x) &&
		!(x instanceof Date) &&
		!(x instanceof Uint8Array)
	);
}

const sortedKeys = (o: object): string[] => Object.keys(o).sort();

/** Plain → what to assign inside Automerge.change. Keys go in sorted order: equal input, equal bytes. */
export function toStored(part: PartName, segs: readonly string[], value: JsonValue): unknown {
	const kind = kindAt(part, segs);
	if (kind === 'text' && typeof value === 'string') return value;
	if (kind === 'json') return new Automerge.ImmutableString(canonicalJson(value));
	if (typeof value === 'string') return new Automerge.ImmutableString(value);
	if (Array.isArray(value)) return value.map((x, i) => toStored(part, [...segs, String(i)], x));
	if (isJsonObject(value)) {
		return Object.fromEntries(sortedKeys(value).map((k) => [k, toStored(part, [...segs, k], value[k])]));
	}
	return value;
}

function parseJsonRegister(text: string): JsonValue {
	try {
		return JSON.parse(text) as JsonValue;
	} catch {
		return text; // validatePart reports it; reading never throws on a bad remote change
	}
}

/** Automerge → plain. Anything that is not JSON (dates, bytes, counters) becomes null for validation to flag. */
export function fromStored(part: PartName, segs: readonly string[], value: unknown): JsonValue {
	if (Automerge.isImmutableString(value) || typeof value === 'string') {
		const s = typeof value === 'string' ? value : value.val;
		return kindAt(part, segs) === 'json' ? parseJsonRegister(s) : s;
	}
	if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
	if (Array.isArray(value)) return value.map((x, i) => fromStored(part, [...segs, String(i)], x));
	if (isMapObject(value)) {
		// fromEntries defines own properties, so a key like `__proto__` stays data.
		return Object.fromEntries(sortedKeys(value).map((k) => [k, fromStored(part, [...segs, k], value[k])]));
	}
	return null;
}

/** The plain value at `segs` in a doc or view (reaching into JSON registers), or undefined. */
export function readStored(part: PartName, root: unknown, segs: readonly string[]): JsonValue | undefined {
	const depth = leafDepth(part, segs);
	let node: unknown = root;
	for (const s of segs.slice(0, depth)) {
		if (!isMapObject(node) || !Object.hasOwn(node, s)) return undefined;
		node = node[s];
	}
	let value: JsonValue | undefined = fromStored(part, segs.slice(0, depth), node);
	for (const s of segs.slice(depth)) value = isJsonObject(value) ? getOwn(value, s) : undefined;
	return value;
}

export const toPlainPart = (part: PartName, root: unknown): JsonObject => {
	const plain = fromStored(part, [], root);
	return isJsonObject(plain) ? plain : {};
};
