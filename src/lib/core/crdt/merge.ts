// Merging replicas of one part, and the public view of a parcel (its public parts as one object).
import * as Automerge from '@automerge/automerge';
import type { PartName } from '../record/parts';
import type { JsonObject } from '../record/json';
import type { Issue } from '../record/issues';
import { validatePart } from '../record/schema';
import { failure, type CrdtFailure } from './result';
import type { PartDoc } from './representation';
import { toPlain } from './document';

const idOf = (doc: PartDoc): string | null => {
	const id = doc.id;
	return Automerge.isImmutableString(id) ? id.val : null;
};

/**
 * Merges `b` into `a` and returns the result. Like Automerge.merge, `a` is used up
 * (clone it first to keep it); `b` is not touched. Refuses documents of different parcels.
 */
export function mergeDocs(a: PartDoc, b: PartDoc): { ok: true; doc: PartDoc } | CrdtFailure {
	const [ida, idb] = [idOf(a), idOf(b)];
	if (ida !== null && idb !== null && ida !== idb) return failure('parcel-mismatch', `cannot merge ${ida} with ${idb}`);
	return { ok: true, doc: Automerge.merge(a, b) };
}

/** A parcel's public record: the parcel fields, plus assessments, parties, rights and sources. */
export type PublicRecord = JsonObject;

const PUBLIC_FIELDS = { valuation: ['assessments'], title: ['parties', 'rights', 'sources'] } as const;

/**
 * The public parts merged into one plain object. `private` is never read, whatever is passed.
 * Missing parts give empty maps; `issues` lists validation problems (paths prefixed by part)
 * so that a viewer can show a record a merge left inconsistent instead of hiding it.
 */
export function publicView(parts: {
	parcel: PartDoc;
	valuation?: PartDoc;
	title?: PartDoc;
	private?: unknown;
}): { ok: true; value: PublicRecord; issues: Issue[] } | CrdtFailure {
	const parcelId = idOf(parts.parcel);
	const value: JsonObject = {};
	const issues: Issue[] = [];
	const add = (part: PartName, doc: PartDoc | undefined, fields: readonly string[] | null) => {
		if (doc && idOf(doc) !== parcelId) return `the ${part} part is for ${idOf(doc)}, not ${parcelId}`;
		const plain: JsonObject = doc ? toPlain(part, doc) : {};
		for (const field of fields ?? Object.keys(plain)) value[field] = plain[field] ?? {};
		if (doc) {
			const checked = validatePart(part, plain);
			if (!checked.ok) issues.push(...checked.issues.map((i) => ({ path: i.path ? `${part}.${i.path}` : part, message: i.message })));
		}
		return null;
	};
	const mismatch =
		add('parcel', parts.parcel, null) ??
		add('valuation', parts.valuation, PUBLIC_FIELDS.valuation) ??
		add('title', parts.title, PUBLIC_FIELDS.title);
	if (mismatch) return failure('parcel-mismatch', mismatch);
	return { ok: true, value, issues };
}
