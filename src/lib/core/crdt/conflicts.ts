// Conflicts: fields that hold concurrent values after a merge. Every value stays visible, with
// the actor that wrote it, until someone resolves it; a resolution is itself a normal change.
import * as Automerge from '@automerge/automerge';
import type { PartName } from '../record/parts';
import type { JsonValue } from '../record/json';
import { checkContext, failure, type ChangeContext } from './result';
import { formatPath, fromStored, isMapObject, kindAt, parsePath, type PartDoc } from './representation';
import { toPlain } from './document';
import { checkEdit, commit, setIn, writeField } from './write';
import type { EditResult } from './edit';

export interface ConflictValue {
	value: JsonValue;
	/** Hex actor ID: its first 16 bytes identify the key that signed the change. */
	actor: string;
	/** Automerge op ID, `counter@actor`. */
	opId: string;
}

export interface Conflict {
	/** Dotted field path, e.g. `addressLine`, `buildings.b1.floors`, `geometry`. */
	path: string;
	/** Every concurrent value, ordered by op ID (the last is the one Automerge shows). */
	values: ConflictValue[];
}

/** Op IDs order by counter, then actor: Automerge's own order, so the shown value comes last. */
function compareOpIds(a: string, b: string): number {
	const [ca, aa] = a.split('@');
	const [cb, ab] = b.split('@');
	return Number(ca) - Number(cb) || (aa < ab ? -1 : aa > ab ? 1 : 0);
}

/** Every field with concurrent values, including maps created concurrently under one key. */
export function listConflicts(part: PartName, doc: PartDoc): Conflict[] {
	const found: Conflict[] = [];
	const walk = (obj: Record<string, unknown>, segs: string[]) => {
		for (const key of Object.keys(obj).sort()) {
			const path = [...segs, key];
			const all = Automerge.getConflicts(obj, key);
			if (all && Object.keys(all).length > 1) {
				const values = Object.keys(all)
					.sort(compareOpIds)
					.map((opId) => ({ value: fromStored(part, path, all[opId]), actor: opId.slice(opId.indexOf('@') + 1), opId }));
				found.push({ path: formatPath(path), values });
			}
			// Recurse into the shown map only: fields of a losing concurrent map are not on screen.
			const child = obj[key];
			if (kindAt(part, path) === 'value' && isMapObject(child)) walk(child, path);
		}
	};
	walk(doc, []);
	return found;
}

/**
 * Writes `chosen` (one of the values, or a new one; null deletes) at a conflicted path. The
 * write supersedes every concurrent value, so after the change reaches the other replicas none
 * of them shows a conflict there. Refused like an edit if it would add validation problems.
 */
export function resolveConflict(
	doc: PartDoc,
	part: PartName,
	path: string,
	chosen: JsonValue,
	ctx: ChangeContext
): EditResult {
	checkContext(ctx);
	const segs = parsePath(path);
	if (!segs) return failure('bad-path', `${JSON.stringify(path)} is not a field path`);
	if (!listConflicts(part, doc).some((c) => c.path === path)) {
		return failure('no-conflict', `${path} holds a single value; it may have been resolved already`);
	}
	const before = toPlain(part, doc);
	const value = chosen === null ? undefined : chosen;
	const after = setIn(before, segs, value);
	if (after === null) return failure('bad-path', `${path} runs through a value that is not a map`);
	const refused = checkEdit(part, before, after);
	if (refused) return refused;
	return commit(doc, part, ctx, (d) => writeField(d, part, segs, value, true));
}
