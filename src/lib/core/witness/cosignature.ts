// C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), the Ed25519 type: a witness signs
//   "cosignature/v1\ntime <unix seconds>\n" ‖ the whole checkpoint note text (extension lines too)
// and the signature line is "— <witness name> base64(key ID ‖ u64 time ‖ signature)", the key ID
// being SHA-256(name ‖ "\n" ‖ 0x04 ‖ public key)[:4]. Pure: the time is passed in.
import { concat, fromBase64OrNull, toBase64, toHex, utf8, fromHex } from '../bytes';
import { sha256 } from '../hash';
import { isValidKeyName, parseSignatureLine } from '../log/note';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type SignatureVerifier, type Signer } from '../signing/ed25519';

/** tlog-cosignature's signature type for Ed25519 cosignatures (the key ID's algorithm byte). */
export const COSIGNATURE_V1_TYPE = 0x04;
/** The largest timestamp a cosignature may carry (2^63 − 1); we keep to safe integers. */
const MAX_TIME = Number.MAX_SAFE_INTEGER;

/** A witness (cosigner) public key: name, 8-hex-digit key ID and Ed25519 key. */
export interface CosignerKey {
	name: string;
	keyId: string;
	publicKey: Uint8Array;
}

export type CosignatureCode = 'malformed-cosigner-key' | 'malformed-cosignature';
export type CosignatureResult<T> = { ok: true; value: T } | { ok: false; code: CosignatureCode; message: string };

/** SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte key)[:4], as lower-case hex (tlog-cosignature "Format"). */
export function cosignerKeyId(name: string, publicKey: Uint8Array): string {
	return toHex(sha256(concat(utf8(name), Uint8Array.of(0x0a, COSIGNATURE_V1_TYPE), publicKey)).subarray(0, 4));
}

export function cosignerKey(name: string, publicKey: Uint8Array): CosignerKey {
	if (!isValidKeyName(name)) throw new RangeError(`invalid witness name ${JSON.stringify(name)}: no spaces or "+"`);
	if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError('an Ed25519 public key is 32 bytes');
	return { name, keyId: cosignerKeyId(name, publicKey), publicKey: Uint8Array.from(publicKey) };
}

/** The witness's vkey, `<name>+<key ID>+<base64(0x04 ‖ public key)>` (signed-note "Verifier keys"). */
export function formatCosignerKey(name: string, publicKey: Uint8Array): string {
	const k = cosignerKey(name, publicKey);
	return `${k.name}+${k.keyId}+${toBase64(concat(Uint8Array.of(COSIGNATURE_V1_TYPE), k.publicKey))}`;
}

/** Strict: a valid name, a lower-case key ID that matches, signature type 0x04 and a 32-byte key. */
export function parseCosignerKey(vkey: string): CosignatureResult<CosignerKey> {
	const bad = (why: string) => ({ ok: false as const, code: 'malformed-cosigner-key' as const, message: `not a witness key (${why}): ${JSON.stringify(vkey.slice(0, 100))}` });
	const [name, keyId] = vkey.split('+', 2);
	if (keyId === undefined) return bad('expected <name>+<key ID>+<key>');
	if (!isValidKeyName(name)) return bad('the name is empty or has spaces');
	if (!/^[0-9a-f]{8}$/.test(keyId)) return bad('the key ID is 8 lower-case hex digits');
	const key = fromBase64OrNull(vkey.slice(name.length + keyId.length + 2));
	if (!key || key.length === 0) return bad('the key is not base64');
	if (key[0] !== COSIGNATURE_V1_TYPE) return bad(`signature type ${key[0]} is not a cosignature/v1 key (4)`);
	if (key.length !== 1 + PUBLIC_KEY_BYTES) return bad('an Ed25519 key is 32 bytes');
	const publicKey = key.subarray(1);
	if (cosignerKeyId(name, publicKey) !== keyId) return bad('the key ID does not match the name and key');
	return { ok: true, value: { name, keyId, publicKey: Uint8Array.from(publicKey) } };
}

/** The signed message: two header lines, then the note text exactly (ending in its newline). */
export function cosignatureMessage(text: string, time: number): Uint8Array {
	if (!text.endsWith('\n')) throw new RangeError('a checkpoint text ends with a newline');
	if (!Number.isSafeInteger(time) || time < 0) throw new RangeError(`cosignature time out of range: ${time}`);
	return utf8(`cosignature/v1\ntime ${time}\n${text}`);
}

/**
 * Cosigns a checkpoint's note text at `time` (unix seconds) and returns the signature line,
 * ending in a newline, ready to append to the note.
 */
export async function cosign(text: string, name: string, signer: Signer, time: number): Promise<string> {
	const key = cosignerKey(name, signer.publicKey);
	const signature = await signer.sign(cosignatureMessage(text, time));
	const body = concat(fromHex(key.keyId), u64(time), signature);
	return `— ${key.name} ${toBase64(body)}\n`;
}

export interface Cosignature {
	/** The witness's name, from the signature line. */
	name: string;
	keyId: string;
	/** Unix seconds, as signed. */
	time: number;
	signature: Uint8Array;
	/** The line as it appeared, with its newline. */
	line: string;
}

/** Reads a signature line as a cosignature (without verifying it): name, key ID, time, signature. */
export function parseCosignatureLine(line: string): CosignatureResult<Cosignature> {
	const bad = (why: string) => ({ ok: false as const, code: 'malformed-cosignature' as const, message: `not a cosignature line (${why})` });
	const text = line.endsWith('\n') ? line.slice(0, -1) : line;
	const parsed = parseSignatureLine(text);
	if ('error' in parsed) return bad(parsed.error);
	const { name, keyId, signature: body } = parsed;
	if (body.length !== 8 + SIGNATURE_BYTES) return bad('the signature is not 76 bytes of base64 (key ID, time, Ed25519 signature)');
	const hi = readU32(body, 0);
	const lo = readU32(body, 4);
	const time = hi * 2 ** 32 + lo;
	if (hi >= 2 ** 21) return bad('the time is beyond what this client supports');
	return { ok: true, value: { name, keyId, time, signature: body.subarray(8), line: `${text}\n` } };
}

/** Checks one cosignature of `text` by `key`: the name and key ID must match, and the signature verify. */
export async function verifyCosignature(text: string, c: Cosignature, key: CosignerKey, verifier: SignatureVerifier): Promise<boolean> {
	if (c.name !== key.name || c.keyId !== key.keyId || c.time > MAX_TIME) return false;
	try {
		return await verifier.verify(c.signature, cosignatureMessage(text, c.time), key.publicKey);
	} catch {
		return false;
	}
}

/** A note split into its text (ending in a newline) and its signature lines (each with its newline). */
export function splitNote(note: string): { text: string; lines: string[] } | null {
	const split = note.lastIndexOf('\n\n');
	if (split < 0 || !note.endsWith('\n')) return null;
	const block = note.slice(split + 2, -1);
	return { text: note.slice(0, split + 1), lines: block ? block.split('\n').map((l) => `${l}\n`) : [] };
}

/** The note with `lines` appended, skipping any line it already carries (ours first, then theirs). */
export function addSignatureLines(note: string, lines: string[]): string {
	const parts = splitNote(note);
	if (!parts) throw new RangeError('not a signed note');
	const have = new Set(parts.lines);
	const extra = lines.filter((l) => l.endsWith('\n') && !have.has(l) && (have.add(l), true));
	return note + extra.join('');
}

function u64(n: number): Uint8Array {
	const b = new Uint8Array(8);
	const view = new DataView(b.buffer);
	view.setUint32(0, Math.floor(n / 2 ** 32));
	view.setUint32(4, n >>> 0);
	return b;
}

const readU32 = (b: Uint8Array, at: number): number => ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];

