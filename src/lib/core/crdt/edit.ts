// Editing a part: a patch of field paths → new values, validated, then written as one change.
import type { PartName } from '../record/parts';
import type { JsonValue } from '../record/json';
import { checkContext, failure, type ChangeContext, type CrdtFailure } from './result';
import { formatPath, isAncestorPath, kindAt, leafDepth, parsePath, type PartDoc } from './representation';
import { toPlain } from './document';
import { checkEdit, commit, getIn, setIn, writeField } from './write';

/**
 * Field paths → new values, e.g. `{ addressLine: 'x', 'buildings.b1.floors': 2, notes: '…' }`.
 * null deletes. An object replaces the map at its path field by field, so concurrent edits of
 * other fields of the same building survive. Paths may reach into JSON registers
 * (`assessments.2024.land`); the whole register is rewritten.
 */
export type EditPatch = Readonly<Record<string, JsonValue>>;

export type EditResult = { ok: true; doc: PartDoc; change: Uint8Array | null } | CrdtFailure;

/** Parsed, sorted patch paths; a failure for malformed, overlapping or forbidden paths. */
export function parsePatch(part: PartName, patch: EditPatch): string[][] | CrdtFailure {
	const paths: string[][] = [];
	for (const path of Object.keys(patch).sort()) {
		const segs = parsePath(path);
		if (!segs) return failure('bad-path', `${JSON.stringify(path)} is not a field path (a.b.c; letters, digits, _ and -)`);
		if (segs[0] === 'id') return failure('immutable-field', 'id is the parcel identifier and never changes');
		const depth = leafDepth(part, segs);
		if (depth < segs.length && kindAt(part, segs.slice(0, depth)) === 'text') {
			return failure('bad-path', `${formatPath(segs.slice(0, depth))} is text; write it whole`);
		}
		const overlap = paths.find((p) => isAncestorPath(p, segs) || isAncestorPath(segs, p));
		if (overlap) return failure('bad-path', `${formatPath(overlap)} and ${path} overlap`);
		paths.push(segs);
	}
	return paths;
}

/**
 * Applies `patch` as one change by `ctx.actor` at `ctx.time`. Refuses (document untouched) when
 * the result would have validation problems it did not have before; `change` is null when the
 * patch changes nothing. Like Automerge.change, a successful edit uses `doc` up: carry on with
 * the returned doc. Writing a conflicted field with a new value also resolves the conflict.
 */
export function editPart(doc: PartDoc, part: PartName, patch: EditPatch, ctx: ChangeContext): EditResult {
	checkContext(ctx);
	const paths = parsePatch(part, patch);
	if (!Array.isArray(paths)) return paths;
	const before = toPlain(part, doc);
	let after = before;
	for (const segs of paths) {
		const value = patch[formatPath(segs)];
		const next = setIn(after, segs, value === null ? undefined : value);
		if (next === null) return failure('bad-path', `${formatPath(segs)} runs through a value that is not a map`);
		after = next;
	}
	const refused = checkEdit(part, before, after);
	if (refused) return refused;
	return commit(doc, part, ctx, (d) => {
		for (const segs of paths) {
			// Inside a JSON register or text the stored field is the prefix; write it whole.
			const stored = segs.slice(0, leafDepth(part, segs));
			writeField(d, part, stored, getIn(after, stored), false);
		}
	});
}
