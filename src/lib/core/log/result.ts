// How the log core reports problems. Checks of untrusted input (proofs, paths, bundles, notes,
// checkpoints) return values, never throw; the HTTP layer maps `code` to a status in one place.
// Misuse by the caller (a negative size, an index past the tree) throws RangeError, and a
// HashReader or tile fetch that misbehaves rejects with LogError, which carries the same codes.

export type LogErrorCode =
	/** Sizes or indexes outside what the tree allows, or a hash that is not 32 bytes. */
	| 'invalid-argument'
	/** A proof that does not lead to the claimed root(s). */
	| 'invalid-proof'
	| 'malformed-proof-json'
	| 'malformed-tile-path'
	| 'malformed-entry-bundle'
	/** An entry bundle whose entries do not hash to the level-0 tile. */
	| 'entry-bundle-mismatch'
	| 'malformed-key'
	/** Two different verifier keys share a name and key ID (a misconfiguration). */
	| 'ambiguous-key'
	| 'malformed-note'
	| 'too-many-signatures'
	/** A known key signed the note, but its signature does not verify: reject the whole note. */
	| 'invalid-signature'
	/** The note parsed, but no known key signed it. */
	| 'unverified-note'
	| 'malformed-checkpoint'
	/** The checkpoint's origin line is not the name of the key it was opened with. */
	| 'origin-mismatch'
	/** Fetched tiles do not hash to the trusted root: the server or a cache is lying. */
	| 'inconsistent-tile'
	/** A HashReader or tile fetch returned the wrong number or size of hashes. */
	| 'bad-read'
	/** A parcel-map proof that cannot be decoded (src/lib/core/map). */
	| 'malformed-map-proof'
	/** A parcel-map proof that does not lead to the checkpoint's map root, or is ill-formed. */
	| 'invalid-map-proof'
	/** A valid map proof that hides what it should reveal (a leaf of the parcel or district asked for). */
	| 'incomplete-map-proof'
	/** A checkpoint without the map line, or with a map root other than the one expected. */
	| 'map-root-mismatch';

export interface Failure {
	ok: false;
	code: LogErrorCode;
	message: string;
}

/** Outcome of a check with nothing to return. */
export type Verdict = { ok: true } | Failure;
/** Outcome of a parse or an opening. */
export type Result<T> = { ok: true; value: T } | Failure;

export const OK: Verdict = Object.freeze({ ok: true });

export const fail = (code: LogErrorCode, message: string): Failure => ({ ok: false, code, message });
export const success = <T>(value: T): Result<T> => ({ ok: true, value });

/** Thrown (rejected) where a value cannot be returned: inside a HashReader, after I/O. */
export class LogError extends Error {
	readonly code: LogErrorCode;
	constructor(code: LogErrorCode, message: string) {
		super(message);
		this.name = 'LogError';
		this.code = code;
	}
}
