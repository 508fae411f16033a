// Writing fields: first to a plain copy (to validate the result before touching the document),
// then into the Automerge document, touching only what differs so that unrelated concurrent
// edits never turn into conflicts.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../bytes';
import type { PartName } from '../record/parts';
import { canonicalJson, getOwn, isJsonObject, type JsonObject, type JsonValue } from '../record/json';
import { newIssues } from '../record/issues';
import { validatePart } from '../record/schema';
import { failure, type ChangeContext, type CrdtFailure } from './result';
import { isMapObject, kindAt, toStored, type PartDoc, type StoredPart } from './representation';

/**
 * A copy of `root` with `value` at `segs` (undefined deletes); missing maps on the way are
 * created. Null when the path runs through a value that is not a map.
 */
export function setIn(root: JsonObject, segs: readonly string[], value: JsonValue | undefined): JsonObject | null {
	const [head, ...rest] = segs;
	const copy: JsonObject = { ...root };
	if (rest.length === 0) {
		if (value === undefined) delete copy[head];
		else copy[head] = value;
		return copy;
	}
	const child = getOwn(root, head) ?? {};
	const next = isJsonObject(child) ? setIn(child, rest, value) : null;
	if (next === null) return null;
	copy[head] = next;
	return copy;
}

export function getIn(root: JsonObject, segs: readonly string[]): JsonValue | undefined {
	let node: JsonValue | undefined = root;
	for (const s of segs) node = isJsonObject(node) ? getOwn(node, s) : undefined;
	return node;
}

/**
 * Accepts `after` unless it has validation problems that `before` did not have. A document
 * that a merge left invalid (two concurrent share edits, say) must stay editable so that
 * someone can repair it; an edit may never add a problem.
 */
export function checkEdit(part: PartName, before: JsonObject, after: JsonObject): CrdtFailure | null {
	const result = validatePart(part, after);
	if (result.ok) return null;
	const previous = validatePart(part, before);
	const added = newIssues(previous.ok ? [] : previous.issues, result.issues);
	if (added.length === 0) return null;
	return failure('invalid', `the ${part} part would have ${added.length} problem(s): ${added[0].path} ${added[0].message}`, added);
}

function sameScalar(current: unknown, value: JsonValue): boolean {
	if (typeof value === 'string') return Automerge.isImmutableString(current) && current.val === value;
	return current === value;
}

/**
 * Writes `value` (undefined deletes) at `segs` inside a change callback. With `force` the key is
 * written even when it already shows that value: that is how a conflict is resolved, since a
 * write supersedes every concurrent value of the key.
 */
export function writeField(
	d: StoredPart,
	part: PartName,
	segs: readonly string[],
	value: JsonValue | undefined,
	force: boolean
): void {
	let parent: Record<string, unknown> = d;
	for (const s of segs.slice(0, -1)) {
		if (!isMapObject(parent[s])) parent[s] = {};
		parent = parent[s] as Record<string, unknown>;
	}
	const key = segs[segs.length - 1];
	const current = Object.hasOwn(parent, key) ? parent[key] : undefined;
	if (value === undefined) {
		if (current !== undefined) delete parent[key];
		return;
	}
	const kind = kindAt(part, segs);
	if (kind === 'text' && typeof value === 'string') {
		// updateText turns the edit into splices, so concurrent edits of the same text merge; the
		// same text is left alone (a patch may carry a field unchanged: its diff would be work for nothing).
		if (!force && typeof current === 'string') {
			if (current !== value) Automerge.updateText(d, [...segs], value);
		} else {
			// Empty text then one splice: assigning a non-empty string is ~5× slower (Automerge 3.5).
			parent[key] = '';
			if (value) Automerge.splice(d, [...segs], 0, 0, value);
		}
	} else if (kind === 'json') {
		const text = canonicalJson(value);
		if (force || !Automerge.isImmutableString(current) || current.val !== text) parent[key] = toStored(part, segs, value);
	} else if (isJsonObject(value) && !force && isMapObject(current)) {
		for (const k of Object.keys(value).sort()) writeField(d, part, [...segs, k], value[k], false);
		for (const k of Object.keys(current)) if (!Object.hasOwn(value, k)) delete current[k];
	} else if (force || !sameScalar(current, value)) {
		parent[key] = toStored(part, segs, value);
	}
}

/**
 * Private-part changes carry 16 random bytes in their message, so that the public SHA-256 of a
 * change cannot be used to guess a low-entropy private value (a phone number, a national id) by
 * hashing candidates: docs/protocol.md "Private changes are salted". The server refuses private
 * changes without it.
 */
export const SALT_PREFIX = 'salt:';
export const saltMessage = (salt: Uint8Array, message?: string): string =>
	`${SALT_PREFIX}${toHex(salt)}${message ? ` ${message}` : ''}`;
export const isSaltedMessage = (message: string | null | undefined): boolean =>
	typeof message === 'string' && /^salt:[0-9a-f]{32}( |$)/.test(message);

export function changeOptions(part: PartName, ctx: ChangeContext): Automerge.ChangeOptions<StoredPart> {
	if (part !== 'private') return { time: ctx.time, message: ctx.message };
	if (!ctx.salt || ctx.salt.length !== 16) throw new RangeError('a private-part change needs ctx.salt: 16 random bytes');
	return { time: ctx.time, message: saltMessage(ctx.salt, ctx.message) };
}

/** Runs `write` as one change by `ctx.actor` at `ctx.time`; change is null when nothing changed. */
export function commit(
	doc: PartDoc,
	part: PartName,
	ctx: ChangeContext,
	write: (d: StoredPart) => void
): { ok: true; doc: PartDoc; change: Uint8Array | null } {
	// The document's actor is fixed when it is made; loadPartDoc(…, { actor }) avoids this copy.
	const base = Automerge.getActorId(doc) === ctx.actor ? doc : Automerge.clone(doc, { actor: ctx.actor });
	const heads = Automerge.getHeads(base).join();
	const next = Automerge.change(base, changeOptions(part, ctx), write);
	if (Automerge.getHeads(next).join() === heads) return { ok: true, doc: next, change: null };
	return { ok: true, doc: next, change: Automerge.getLastLocalChange(next) ?? null };
}
