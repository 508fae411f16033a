// One Automerge document per parcel part: create, load, read as plain JSON, apply remote changes.
import * as Automerge from '@automerge/automerge';
import { parseParcelId } from '../record/ids';
import type { PartName } from '../record/parts';
import type { JsonObject } from '../record/json';
import { validatePart, type PartValue } from '../record/schema';
import { checkActor, checkContext, failure, type ChangeContext, type CrdtFailure } from './result';
import { toPlainPart, type PartDoc, type StoredPart } from './representation';
import { changeOptions, writeField } from './write';
import { applyIsolated, loadIsolated } from './change-check.js';
import { splitChanges } from './change-chunks';

/** A part's fields without `id` (the parcel id is passed separately); an `id`, if given, must match. */
export type PartInit<P extends PartName> = Omit<PartValue<P>, 'id'> & { id?: string };

export type Committed = { ok: true; doc: PartDoc; change: Uint8Array };
/** A change Automerge refused while loading (issue 22): its position in the changes given. */
export interface BadChange {
	index: number;
	message: string;
}
/**
 * `bad`: changes left out because Automerge refuses them (a log written before the server checked
 * every change, or by another implementation); the rest of the part is there, and changes that
 * build on a bad one wait in `missingDeps`.
 */
export type Loaded = { ok: true; doc: PartDoc; missingDeps: string[]; bad: BadChange[] };

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
 * Loads saved bytes (Automerge.save), a part's concatenated changes (a snapshot), or a list of
 * changes, in one Automerge call when it can (one by one is ~70× slower). A change Automerge
 * refuses — an error, a wasm panic, or `load` silently dropping it and what follows — is left
 * out and named in `bad`; the rest still loads (core/crdt/change-check.js). `actor` should be
 * this tab's actor, so that edits need no clone.
 */
export function loadPartDoc(
	source: Uint8Array | readonly Uint8Array[],
	opts: { actor?: string } = {}
): Loaded | CrdtFailure {
	if (opts.actor !== undefined) checkActor(opts.actor);
	const r = loadIsolated<StoredPart>(source, { actor: opts.actor, split: changesOf });
	if ('error' in r) return failure('bad-document', `cannot load document: ${r.error}`);
	return { ok: true, doc: r.doc, missingDeps: Automerge.getMissingDeps(r.doc, []), bad: r.bad };
}

/** The changes in a part's concatenated change bytes; null for anything else (a saved document). */
function changesOf(bytes: Uint8Array): Uint8Array[] | null {
	const split = splitChanges(bytes);
	return split.ok ? split.changes : null;
}

/**
 * Applies changes from elsewhere in ONE Automerge call. Changes whose dependencies are missing
 * wait inside the document (listed in `missingDeps`). When Automerge refuses the batch, `rebase`
 * (a fresh copy of `doc`, e.g. loaded again from its stored bytes: a failed call may leave `doc`
 * unusable) lets the changes be applied one by one, the refused ones left out and named in `bad`;
 * without it the result is a failure and `doc` must not be used again.
 */
export function applyRemoteChanges(doc: PartDoc, changes: readonly Uint8Array[], opts: { rebase?: () => PartDoc } = {}): Loaded | CrdtFailure {
	try {
		const [next] = Automerge.applyChanges(doc, [...changes]);
		return { ok: true, doc: next, missingDeps: Automerge.getMissingDeps(next, []), bad: [] };
	} catch (e) {
		if (!opts.rebase) return failure('bad-changes', `changes refused: ${(e as Error).message}`);
	}
	const r = applyIsolated(opts.rebase, changes);
	return { ok: true, doc: r.doc, missingDeps: Automerge.getMissingDeps(r.doc, []), bad: r.bad };
}

/** The part as plain JSON (strings, numbers, maps; geometry parsed). Not validated: see validatePart. */
export function toPlain(part: PartName, doc: PartDoc): JsonObject {
	return toPlainPart(part, doc);
}

/** toPlain, then validatePart: the typed value, or every problem the merged document has. */
export function readPart<P extends PartName>(part: P, doc: PartDoc) {
	return validatePart(part, toPlain(part, doc));
}
