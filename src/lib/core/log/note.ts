// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys: a text ending in a
// newline, a blank line, then lines "— <key name> base64(key ID ‖ signature)". Compatible with
// Go's golang.org/x/mod/sumdb/note, whose test vectors note.test.ts checks.
import { concat, fromBase64OrNull, fromHex, toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { PUBLIC_KEY_BYTES, type SignatureVerifier, type Signer } from '../signing/ed25519';
import { fail, success, type Result } from './result';

/** signed-note "Signature types": 0x01 is Ed25519 over the note text. */
export const ED25519_SIGNATURE_TYPE = 0x01;
/** Signatures read before giving up; the spec asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

/** A trusted key: its name, 8-hex-digit key ID and Ed25519 public key. */
export interface NoteVerifierKey {
	name: string;
	keyId: string;
	publicKey: Uint8Array;
}

export interface OpenedNote {
	/** The signed text, ending in a newline; trust it only because `verifiedBy` is non-empty. */
	text: string;
	verifiedBy: NoteVerifierKey[];
	/** Signatures from keys the caller does not know, ignored as the spec requires. */
	unverified: { name: string; keyId: string }[];
}

/** Key names are non-empty and free of Unicode spaces and "+" (signed-note "Format"). */
export const isValidKeyName = (name: string): boolean =>
	name.length > 0 && !/[\p{White_Space}+]/u.test(name) && isWellFormed(name) && !CONTROL.test(name);

/** key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4], as 8 lower-case hex digits. */
export function noteKeyId(name: string, publicKey: Uint8Array): string {
	return toHex(sha256(concat(utf8(name), Uint8Array.of(0x0a, ED25519_SIGNATURE_TYPE), publicKey)).subarray(0, 4));
}

export function noteVerifierKey(name: string, publicKey: Uint8Array): NoteVerifierKey {
	if (!isValidKeyName(name)) throw new RangeError(`invalid key name ${JSON.stringify(name)}: no spaces or "+"`);
	if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError('an Ed25519 public key is 32 bytes');
	return { name, keyId: noteKeyId(name, publicKey), publicKey: Uint8Array.from(publicKey) };
}

/** The verifier key string `<name>+<key ID>+<base64(0x01 ‖ public key)>` that clients configure. */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
	const key = noteVerifierKey(name, publicKey);
	return `${key.name}+${key.keyId}+${toBase64(concat(Uint8Array.of(ED25519_SIGNATURE_TYPE), key.publicKey))}`;
}

/** Strict: the name, a lower-case key ID that matches the key, and a canonical Ed25519 key. */
export function parseVerifierKey(vkey: string): Result<NoteVerifierKey> {
	const bad = (why: string) => fail('malformed-key', `not a verifier key (${why}): ${JSON.stringify(vkey.slice(0, 100))}`);
	const [name, keyId] = vkey.split('+', 2);
	if (keyId === undefined) return bad('expected <name>+<key ID>+<key>');
	if (!isValidKeyName(name)) return bad('the name is empty or has spaces');
	if (!/^[0-9a-f]{8}$/.test(keyId)) return bad('the key ID is 8 lower-case hex digits');
	const key = fromBase64OrNull(vkey.slice(name.length + keyId.length + 2));
	if (!key || key.length === 0) return bad('the key is not base64');
	if (key[0] !== ED25519_SIGNATURE_TYPE) return bad(`signature type ${key[0]} is not supported, only Ed25519 (1)`);
	if (key.length !== 1 + PUBLIC_KEY_BYTES) return bad('an Ed25519 key is 32 bytes');
	const publicKey = key.subarray(1);
	if (noteKeyId(name, publicKey) !== keyId) return bad('the key ID does not match the name and key');
	return success({ name, keyId, publicKey });
}

/** Signs `text` (which must end in a newline) as a note with one signature line. */
export async function signNote(text: string, name: string, signer: Signer): Promise<string> {
	if (!text.endsWith('\n')) throw new RangeError('a note text ends with a newline');
	if (!isWellFormed(text) || CONTROL.test(text)) {
		throw new RangeError('a note text is UTF-8 without control characters other than newline');
	}
	const key = noteVerifierKey(name, signer.publicKey);
	const signature = await signer.sign(utf8(text));
	return `${text}\n${signatureLine(key.name, key.keyId, signature)}`;
}

function signatureLine(name: string, keyId: string, signature: Uint8Array): string {
	return `— ${name} ${toBase64(concat(fromHex(keyId), signature))}\n`;
}

/**
 * Parses a signed note and checks the signatures of known keys (signed-note "Signatures"):
 * unknown keys are ignored; a known key's bad signature rejects the note ('invalid-signature');
 * a note no known key signed is rejected ('unverified-note'). Repeated signatures count once.
 */
export async function openNote(
	note: string | Uint8Array,
	keys: NoteVerifierKey[],
	verifier: SignatureVerifier,
	options: { maxSignatures?: number } = {}
): Promise<Result<OpenedNote>> {
	const malformed = (why: string) => fail('malformed-note', `malformed note: ${why}`);
	const decoded = typeof note === 'string' ? (isWellFormed(note) ? note : null) : decodeUtf8(note);
	if (decoded === null) return malformed('not valid UTF-8');
	if (CONTROL.test(decoded)) return malformed('control characters other than newline');
	const split = decoded.lastIndexOf('\n\n');
	if (split < 0) return malformed('no blank line before the signatures');
	const text = decoded.slice(0, split + 1);
	const block = decoded.slice(split + 2);
	if (!block.endsWith('\n')) return malformed('the signature block does not end with a newline');
	const lines = block.slice(0, -1).split('\n');
	const max = options.maxSignatures ?? MAX_NOTE_SIGNATURES;
	if (lines.length > max) return fail('too-many-signatures', `the note has ${lines.length} signatures; at most ${max} are read`);

	const known = new Map<string, NoteVerifierKey[]>();
	for (const k of keys) {
		if (!isValidKeyName(k.name) || k.publicKey.length !== PUBLIC_KEY_BYTES || noteKeyId(k.name, k.publicKey) !== k.keyId) {
			return fail('malformed-key', `verifier key ${k.name}+${k.keyId} does not match its public key`);
		}
		const id = `${k.name}+${k.keyId}`;
		const same = known.get(id) ?? [];
		if (!same.some((s) => toHex(s.publicKey) === toHex(k.publicKey))) same.push(k);
		known.set(id, same);
	}

	const message = utf8(text);
	const verifiedBy: NoteVerifierKey[] = [];
	const unverified: { name: string; keyId: string }[] = [];
	const seen = new Set<string>();
	for (const line of lines) {
		const parsed = parseSignatureLine(line);
		if ('error' in parsed) return malformed(`bad signature line: ${parsed.error}`);
		const { name, keyId, signature } = parsed;
		const id = `${name}+${keyId}`;
		if (seen.has(line) || (seen.has(id) && known.has(id))) continue; // one signature per known key
		seen.add(line);
		seen.add(id);
		const candidates = known.get(id);
		if (!candidates) {
			unverified.push({ name, keyId });
			continue;
		}
		if (candidates.length > 1) return fail('ambiguous-key', `two different verifier keys are named ${id}`);
		if (!(await verifier.verify(signature, message, candidates[0].publicKey))) {
			return fail('invalid-signature', `the signature by ${id} does not verify`);
		}
		verifiedBy.push(candidates[0]);
	}
	if (verifiedBy.length === 0) return fail('unverified-note', 'no known key signed this note');
	return success({ text, verifiedBy, unverified });
}

/** One signature line (without its newline), unverified: the signer's name, the key ID and the signature after it. */
export function parseSignatureLine(line: string): { name: string; keyId: string; signature: Uint8Array } | { error: string } {
	if (!line.startsWith('— ')) return { error: 'it does not start with "— "' };
	const rest = line.slice(2);
	const space = rest.indexOf(' ');
	const name = space < 0 ? rest : rest.slice(0, space);
	if (!isValidKeyName(name)) return { error: `the name ${JSON.stringify(name.slice(0, 100))} is empty or has spaces` };
	const sig = space < 0 ? null : fromBase64OrNull(rest.slice(space + 1));
	if (!sig || sig.length < 5) return { error: `no base64 signature after the name ${name}` };
	return { name, keyId: toHex(sig.subarray(0, 4)), signature: sig.subarray(4) };
}

// signed-note "Format": no ASCII control characters other than newline.
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // keep a BOM: it was signed

function decodeUtf8(b: Uint8Array): string | null {
	try {
		return strictDecoder.decode(b);
	} catch {
		return null;
	}
}

/** No lone UTF-16 surrogates, which would not survive encoding to the UTF-8 that was signed. */
function isWellFormed(s: string): boolean {
	return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

