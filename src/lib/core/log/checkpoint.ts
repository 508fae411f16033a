// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed tree head, as the text
// of a signed note:  <origin>\n<decimal tree size>\n<base64 root hash>\n[extension lines]
import { fromBase64, toBase64 } from '../bytes';
import type { SignatureVerifier, Signer } from '../signing/ed25519';
import { HASH_SIZE } from './hashing';
import { openNote, signNote, type NoteVerifierKey, type OpenedNote } from './note';
import { fail, success, type Result } from './result';

export interface Checkpoint {
	/** The log's identity; by our convention also its key name, e.g. `example.org/log`. */
	origin: string;
	size: number;
	root: Uint8Array;
	/** Opaque non-empty lines after the root; tlog-checkpoint advises against them. */
	extensions?: string[];
}

const SIZE = /^(?:0|[1-9][0-9]*)$/; // no leading zeros (tlog-checkpoint "Note text")
const CONTROL = /[\u0000-\u001f]/;

/** The note text of a checkpoint. Throws RangeError for a checkpoint that could not be parsed back. */
export function formatCheckpoint(cp: Checkpoint): string {
	if (!cp.origin || CONTROL.test(cp.origin)) throw new RangeError('a checkpoint origin is one non-empty line');
	if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new RangeError(`tree size out of range: ${cp.size}`);
	if (cp.root.length !== HASH_SIZE) throw new RangeError('a checkpoint root is 32 bytes');
	const extensions = cp.extensions ?? [];
	if (extensions.some((e) => !e || CONTROL.test(e))) throw new RangeError('extension lines are non-empty single lines');
	return [cp.origin, String(cp.size), toBase64(cp.root), ...extensions].map((l) => `${l}\n`).join('');
}

/** Strict parse of checkpoint note text (already verified, or about to be). */
export function parseCheckpoint(text: string): Result<Checkpoint> {
	const bad = (why: string) => fail('malformed-checkpoint', `malformed checkpoint: ${why}`);
	if (!text.endsWith('\n')) return bad('the text does not end with a newline');
	const lines = text.slice(0, -1).split('\n');
	if (lines.length < 3) return bad('expected origin, tree size and root hash lines');
	if (lines.some((l) => l === '')) return bad('empty line');
	if (lines.some((l) => CONTROL.test(l))) return bad('control characters');
	const [origin, sizeLine, rootLine, ...extensions] = lines;
	if (!SIZE.test(sizeLine)) return bad(`tree size ${JSON.stringify(sizeLine.slice(0, 30))} is not a decimal without leading zeros`);
	const size = Number(sizeLine);
	if (!Number.isSafeInteger(size)) return bad(`tree size ${sizeLine} is above 2^53, which this client does not support`);
	let root: Uint8Array;
	try {
		root = fromBase64(rootLine);
	} catch {
		return bad('the root hash is not base64');
	}
	if (root.length !== HASH_SIZE) return bad(`the root hash is ${root.length} bytes, not 32`);
	return success({ origin, size, root, extensions });
}

/**
 * Signs a checkpoint as a note. The key name must be the origin: openCheckpoint insists on it,
 * so a checkpoint signed under any other name could never be opened.
 */
export async function signCheckpoint(cp: Checkpoint, name: string, signer: Signer): Promise<string> {
	if (name !== cp.origin) throw new RangeError(`key name ${JSON.stringify(name)} is not the origin ${JSON.stringify(cp.origin)}`);
	return signNote(formatCheckpoint(cp), name, signer);
}

export interface OpenedCheckpoint {
	checkpoint: Checkpoint;
	note: OpenedNote;
}

/**
 * Verifies a signed checkpoint with the log's key, then parses it. Other signatures (witness
 * cosignatures, rotated keys) are ignored, as signed-note requires; the origin line must equal
 * the key's name (tlog-checkpoint "Signatures"), so one log's key cannot vouch for another log.
 */
export async function openCheckpoint(
	note: string | Uint8Array,
	logKey: NoteVerifierKey,
	verifier: SignatureVerifier
): Promise<Result<OpenedCheckpoint>> {
	const opened = await openNote(note, [logKey], verifier);
	if (!opened.ok) return opened;
	const parsed = parseCheckpoint(opened.value.text);
	if (!parsed.ok) return parsed;
	if (parsed.value.origin !== logKey.name) {
		const [origin, name] = [parsed.value.origin, logKey.name].map((s) => JSON.stringify(s));
		return fail('origin-mismatch', `checkpoint origin ${origin} is not the log key's name ${name}`);
	}
	return success({ checkpoint: parsed.value, note: opened.value });
}
