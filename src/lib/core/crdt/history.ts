// History: what each change did to each field, with the value before and after it, as the
// change's author saw the document (before = the change's deps, after = the change itself).
//
// Touched fields come from the change's own operations, not from Automerge.diff alone: a
// resolution that keeps the shown value changes nothing visible, so diff(deps, [hash]) is
// empty, yet the change is exactly what registry staff need to see in the history.
import * as Automerge from '@automerge/automerge';
import type { PartName } from '../record/parts';
import { jsonEqual, type JsonValue } from '../record/json';
import {
	formatPath,
	isAncestorPath,
	isMapObject,
	kindAt,
	leafDepth,
	parsePath,
	readStored,
	type PartDoc
} from './representation';

export interface FieldDiff {
	path: string;
	/** null when the field did not exist. */
	before: JsonValue | null;
	after: JsonValue | null;
	/** The field held concurrent values before this change, and this change settled them. */
	resolvedConflict: boolean;
}

export interface ChangeSummary {
	hash: string;
	actor: string;
	seq: number;
	/** Seconds since 1970, as the author claimed it. */
	time: number;
	message: string | null;
	deps: string[];
	diffs: FieldDiff[];
}

export interface FieldHistoryEntry extends Omit<ChangeSummary, 'diffs'> {
	before: JsonValue | null;
	after: JsonValue | null;
	resolvedConflict: boolean;
}

/** Object ID → field path, for every map and text object in a document state. */
function objectPaths(part: PartName, root: Record<string, unknown>): Map<string, string[]> {
	const paths = new Map<string, string[]>([['_root', []]]);
	const walk = (obj: Record<string, unknown>, segs: string[]) => {
		for (const key of Object.keys(obj)) {
			const path = [...segs, key];
			const kind = kindAt(part, path);
			// Text reads as a JS string; getObjectId(obj, key) gives its ID (for a register, the value).
			const id = kind === 'text' && typeof obj[key] === 'string' ? Automerge.getObjectId(obj, key) : null;
			if (id) paths.set(id, path);
			const child = obj[key];
			if (kind === 'value' && isMapObject(child)) {
				const childId = Automerge.getObjectId(child);
				if (childId) paths.set(childId, path);
				walk(child, path);
			}
		}
	};
	walk(root, []);
	return paths;
}

/** Field paths a change wrote, outermost only (a new building is one diff, not one per field). */
function touchedPaths(part: PartName, ops: Automerge.DecodedChange['ops'], objects: Map<string, string[]>) {
	const touched = new Map<string, { segs: string[] }>();
	for (const op of ops) {
		const parent = objects.get(op.obj);
		if (!parent) continue; // inside an object this change creates: its creation is listed
		const segs = kindAt(part, parent) === 'text' || !op.key ? parent : [...parent, op.key];
		const stored = segs.slice(0, leafDepth(part, segs));
		touched.set(formatPath(stored), { segs: stored });
	}
	const all = [...touched.values()];
	return all.filter((t) => !all.some((o) => isAncestorPath(o.segs, t.segs)));
}

/** How many concurrent values `segs` held in the state `heads` (objects: that state's object IDs). */
function valuesAt(doc: PartDoc, heads: string[], objects: Map<string, string[]>, segs: string[]): number {
	if (heads.length === 0 || segs.length === 0) return 0;
	const parentPath = formatPath(segs.slice(0, -1));
	for (const [id, path] of objects) {
		// getConflicts reads only the newest state; the backend's getAll takes heads.
		if (formatPath(path) === parentPath) return Automerge.getBackend(doc).getAll(id, segs[segs.length - 1], heads).length;
	}
	return 0;
}

function* summaries(doc: PartDoc, part: PartName) {
	const metas = new Map(Automerge.getChangesMetaSince(doc, []).map((m) => [m.hash, m]));
	for (const hash of Automerge.topoHistoryTraversal(doc)) {
		const meta = metas.get(hash);
		const change = Automerge.inspectChange(doc, hash);
		if (!meta || !change) continue;
		const before = Automerge.view(doc, meta.deps);
		const after = Automerge.view(doc, [hash]);
		// Objects this change creates need no entry: the op that creates them names the path.
		const objects = objectPaths(part, before);
		const touched = touchedPaths(part, change.ops, objects);
		yield { meta, before, after, objects, touched };
	}
}

const head = (m: Automerge.ChangeMetadata) => ({
	hash: m.hash,
	actor: m.actor,
	seq: m.seq,
	time: m.time,
	message: m.message,
	deps: [...m.deps]
});

/** Every change in causal order, with the fields it wrote and their values before and after. */
export function fieldChanges(doc: PartDoc, part: PartName): ChangeSummary[] {
	const out: ChangeSummary[] = [];
	for (const { meta, before, after, objects, touched } of summaries(doc, part)) {
		const diffs = touched.map(({ segs }) => ({
			path: formatPath(segs),
			before: readStored(part, before, segs) ?? null,
			after: readStored(part, after, segs) ?? null,
			resolvedConflict: valuesAt(doc, meta.deps, objects, segs) > 1
		}));
		out.push({ ...head(meta), diffs: diffs.sort((a, b) => (a.path < b.path ? -1 : 1)) });
	}
	return out;
}

/** The changes that wrote `path`, or a map around it, or a field inside it, in causal order. */
export function fieldHistory(doc: PartDoc, part: PartName, path: string): FieldHistoryEntry[] {
	const target = parsePath(path);
	if (!target) return [];
	const out: FieldHistoryEntry[] = [];
	for (const { meta, before, after, objects, touched } of summaries(doc, part)) {
		const exact = touched.some((t) => formatPath(t.segs) === path);
		const related = touched.some((t) => isAncestorPath(t.segs, target) || isAncestorPath(target, t.segs));
		if (!exact && !related) continue;
		const b = readStored(part, before, target) ?? null;
		const a = readStored(part, after, target) ?? null;
		const resolvedConflict = exact && valuesAt(doc, meta.deps, objects, target) > 1;
		if (!exact && jsonEqual(b, a)) continue;
		out.push({ ...head(meta), before: b, after: a, resolvedConflict });
	}
	return out;
}
