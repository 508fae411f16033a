// One Automerge document per parcel part: create, load, read as plain JSON, apply remote changes.
import * as Automerge from '@automerge/automerge';
import { parseParcelId } from '../record/ids';
import type { PartName } from '../record/parts';
import type { JsonObject } from '../record/json';
import { validatePart, type PartValue } from '../record/schema';
import { checkActor, checkContext, failure, type ChangeContext, type CrdtFailure } from './result';
import { toPlainPart, type PartDoc, type StoredPart } from './representation';
import { changeOptions, writeField } from './write';

/** A part's fields without `id` (the parcel id is passed separately); an `id`, if given, must match. */
export type PartInit<P extends PartName> = Omit<PartValue<P>, 'id'> & { id?: string };

export type Committed = { ok: true; doc: PartDoc; change: Uint8Array };
export type Loaded = { ok: true; doc: PartDoc; missingDeps: string[] };

/**
 * The part's first change sets `id` and every field. Create all four parts when a parcel is
 * registered: two replicas that each create a part offline would make competing root maps.
 */
export function createPartDoc<P extends PartName>(
	part: P,
	parcelId: string,
	initial: PartInit<P>,
	ctx: ChangeContext
): Committed | CrdtFailure {
	checkContext(ctx);
	const parsed = parseParcelId(parcelId);
	if (!parsed.ok) return failure('bad-parcel-id', parsed.message);
	if (initial.id !== undefined && initial.id !== parcelId) {
		return failure('parcel-mismatch', `initial value is for ${initial.id}, not ${parcelId}`);
	}
	const value = { ...initial, id: parcelId };
	const checked = validatePart(part, value);
	if (!checked.ok) return failure('invalid', `not a valid ${part} part`, checked.issues);
	const plain = checked.value as unknown as JsonObject; // validated part values are JSON by construction
	const doc = Automerge.change(Automerge.init<StoredPart>({ actor: ctx.actor }), changeOptions(part, ctx), (d) => {
		for (const key of Object.keys(plain).sort()) writeField(d, part, [key], plain[key], false);
	});
	const change = Automerge.getLastLocalChange(doc);
	if (!change) throw new Error('Automerge made no change for a new part'); // cannot happen: `id` is always set
	return { ok: true, doc, change };
}

/**
 * Loads saved bytes (Automerge.save) or a list of changes, applied in one batch call (one by
 * one is ~70× slower). `actor` should be this tab's actor, so that edits need no clone.
 */
export function loadPartDoc(
	source: Uint8Array | readonly Uint8Array[],
	opts: { actor?: string } = {}
): Loaded | CrdtFailure {
	if (opts.actor !== undefined) checkActor(opts.actor);
	const init = opts.actor ? { actor: opts.actor } : undefined;
	if (source instanceof Uint8Array) {
		try {
			const doc = Automerge.load<StoredPart>(source, init);
			return { ok: true, doc, missingDeps: Automerge.getMissingDeps(doc, []) };
		} catch (e) {
			return failure('bad-document', `cannot load document: ${(e as Error).message}`);
		}
	}
	return applyRemoteChanges(Automerge.init<StoredPart>(init), source);
}

/**
 * Applies changes from elsewhere in ONE Automerge call. Changes whose dependencies are missing
 * wait inside the document (listed in `missingDeps`). On failure the document is unchanged.
 */
export function applyRemoteChanges(doc: PartDoc, changes: readonly Uint8Array[]): Loaded | CrdtFailure {
	try {
		const [next] = Automerge.applyChanges(doc, [...changes]);
		return { ok: true, doc: next, missingDeps: Automerge.getMissingDeps(next, []) };
	} catch (e) {
		return failure('bad-changes', `changes refused: ${(e as Error).message}`);
	}
}

/** The part as plain JSON (strings, numbers, maps; geometry parsed). Not validated: see validatePart. */
export function toPlain(part: PartName, doc: PartDoc): JsonObject {
	return toPlainPart(part, doc);
}

/** toPlain, then validatePart: the typed value, or every problem the merged document has. */
export function readPart<P extends PartName>(part: P, doc: PartDoc) {
	return validatePart(part, toPlain(part, doc));
}
