// How the CRDT layer reports problems: values with a code, never exceptions, for anything that
// depends on data (edits, changes from the network). Misuse by the caller (a malformed actor,
// a time that is not whole seconds) throws RangeError.
import type { Issue } from '../record/issues';

export type CrdtErrorCode =
	/** The edit would add validation problems; `issues` lists them with their paths. */
	| 'invalid'
	/** A field path that is malformed, overlaps another, or runs through a non-map value. */
	| 'bad-path'
	/** `id` is the parcel's stable identifier and never changes. */
	| 'immutable-field'
	/** resolveConflict on a path that holds one value (someone resolved it already). */
	| 'no-conflict'
	| 'bad-parcel-id'
	/** Documents or parts that belong to different parcels. */
	| 'parcel-mismatch'
	/** Saved bytes that Automerge cannot load. */
	| 'bad-document'
	/** Changes that Automerge refuses (unparsable, or a duplicate actor/seq). */
	| 'bad-changes';

export interface CrdtFailure {
	ok: false;
	code: CrdtErrorCode;
	message: string;
	issues: Issue[];
}

export const failure = (code: CrdtErrorCode, message: string, issues: Issue[] = []): CrdtFailure => ({
	ok: false,
	code,
	message,
	issues
});

/** Who writes a change and when. `time` is whole seconds since 1970, as Automerge stores it. */
export interface ChangeContext {
	/** 48 hex digits, see actors.ts. */
	actor: string;
	time: number;
	message?: string;
	/** 16 random bytes; required for `private` part changes (see write.ts saltMessage). */
	salt?: Uint8Array;
}

export function checkActor(actor: string): void {
	if (!/^[0-9a-f]{48}$/.test(actor)) throw new RangeError('actor must be 24 bytes as 48 lower-case hex digits');
}

export function checkContext(ctx: ChangeContext): void {
	checkActor(ctx.actor);
	if (!Number.isSafeInteger(ctx.time) || ctx.time < 0) throw new RangeError('time must be whole seconds since 1970');
}
