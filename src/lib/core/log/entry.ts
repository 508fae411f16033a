// The log entry: a small deterministic binary record, one per leaf (docs/protocol.md "Entries").
// The author signs a domain-separated statement built from the same body bytes, so the entry
// carries exactly what was signed plus the log's time and the signature.
import { Reader, Writer, DecodeError } from '../codec';
import { concat, equalBytes, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { PARCEL_ID_PATTERN } from '../record/ids';
import { PART_CODES, ROLE_CODES, type PartName, type Role } from '../record/parts';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type SignatureVerifier, type Signer } from '../signing/ed25519';
import { checkClaimBody, isClaimBody, readClaimBody, writeClaimBody, type ClaimBody } from '../claims/body';

export const ENTRY_VERSION = 1;
/** Protocol name and version, first in every signed statement (domain separation). */
export const STATEMENT_PREFIX = 'parcel-ledger/v1\n';
/** Entries stay far below the 64 KiB that a tlog-tiles entry bundle can hold. */
export const MAX_ENTRY_BYTES = 4096;

export type { PartName, Role };

export const KIND_CODES = { edit: 1, grant: 2, revoke: 3, erase: 4, access: 5, claim: 6, decision: 7, notice: 8 } as const;
/** Most change bodies one erasure entry may name. */
export const MAX_ERASED = 100;

export type EntryBody =
	| { kind: 'edit'; parcelId: string; part: PartName; changeHash: Uint8Array }
	| { kind: 'grant'; grantee: Uint8Array; role: Role; name: string; districts: string[] }
	| { kind: 'revoke'; revoked: Uint8Array; reason: string }
	/** A registrar erases private-part change bodies (a legal request); the entries stay. */
	| { kind: 'erase'; parcelId: string; changeHashes: Uint8Array[]; reason: string; legalBasis: string }
	/** The log records that `reader` was served private details of a parcel or a whole district. */
	| { kind: 'access'; scope: string; reader: Uint8Array; purpose: string }
	/** Claims, decisions and public notices (core/claims/body.ts). */
	| ClaimBody;

/** What an author signs: the body, their key and the time they claim. */
export type Statement = EntryBody & { author: Uint8Array; claimedTime: number };
/** A sequenced entry: the statement plus the log's time and the author's signature. */
export type Entry = Statement & { logTime: number; signature: Uint8Array };

/** A grant names districts, or `*` for all of them. */
const DISTRICT = /^(?:[A-Z0-9]{2,8}|\*)$/;

function byCode<T extends string>(table: Readonly<Record<T, number>>, code: number, what: string): T {
	for (const [name, c] of Object.entries(table) as [T, number][]) if (c === code) return name;
	throw new DecodeError(`unknown ${what} code ${code}`);
}

function checkText(text: string, what: string): void {
	if (!text.trim() || utf8(text).length > 1000) throw new RangeError(`${what} must be 1–1000 bytes`);
}

function checkBody(s: Statement): void {
	if (s.author.length !== PUBLIC_KEY_BYTES) throw new RangeError('author key must be 32 bytes');
	if (!Number.isSafeInteger(s.claimedTime) || s.claimedTime < 0) throw new RangeError('claimed time must be ms since 1970');
	if (isClaimBody(s)) return checkClaimBody(s);
	switch (s.kind) {
		case 'edit':
			if (!PARCEL_ID_PATTERN.test(s.parcelId)) throw new RangeError(`malformed parcel id ${JSON.stringify(s.parcelId)}`);
			if (!(s.part in PART_CODES)) throw new RangeError(`unknown part ${s.part}`);
			if (s.changeHash.length !== 32) throw new RangeError('change hash must be 32 bytes');
			return;
		case 'grant': {
			if (s.grantee.length !== PUBLIC_KEY_BYTES) throw new RangeError('grantee key must be 32 bytes');
			if (!(s.role in ROLE_CODES)) throw new RangeError(`unknown role ${s.role}`);
			const name = s.name.trim();
			if (!name || name !== s.name || utf8(name).length > 200) throw new RangeError('name must be 1–200 bytes, trimmed');
			if (s.districts.length === 0 || s.districts.length > 255) throw new RangeError('grant needs 1–255 districts');
			for (const d of s.districts) if (!DISTRICT.test(d)) throw new RangeError(`malformed district ${JSON.stringify(d)}`);
			const sorted = [...new Set(s.districts)].sort();
			if (sorted.join(',') !== s.districts.join(',')) throw new RangeError('districts must be sorted and unique');
			return;
		}
		case 'erase': {
			if (!PARCEL_ID_PATTERN.test(s.parcelId)) throw new RangeError(`malformed parcel id ${JSON.stringify(s.parcelId)}`);
			if (s.changeHashes.length === 0 || s.changeHashes.length > MAX_ERASED) throw new RangeError(`an erasure names 1–${MAX_ERASED} changes`);
			if (s.changeHashes.some((h) => h.length !== 32)) throw new RangeError('change hashes are 32 bytes');
			if (new Set(s.changeHashes.map((h) => h.join())).size !== s.changeHashes.length) throw new RangeError('an erasure names each change once');
			checkText(s.reason, 'reason');
			checkText(s.legalBasis, 'legal basis');
			return;
		}
		case 'access':
			if (!PARCEL_ID_PATTERN.test(s.scope) && !/^[A-Z0-9]{2,8}$/.test(s.scope)) throw new RangeError(`an access scope is a parcel id or a district, not ${JSON.stringify(s.scope)}`);
			if (s.reader.length !== PUBLIC_KEY_BYTES) throw new RangeError('reader key must be 32 bytes');
			checkText(s.purpose, 'purpose');
			return;
		case 'revoke':
			if (s.revoked.length !== PUBLIC_KEY_BYTES) throw new RangeError('revoked key must be 32 bytes');
			if (!s.reason.trim() || utf8(s.reason).length > 1000) throw new RangeError('reason must be 1–1000 bytes');
			return;
	}
}

function writeBody(w: Writer, s: Statement): void {
	checkBody(s);
	w.u8(KIND_CODES[s.kind]);
	switch (s.kind) {
		case 'edit':
			w.str8(s.parcelId).u8(PART_CODES[s.part]).fixed(s.changeHash, 32);
			break;
		case 'grant':
			w.fixed(s.grantee, 32).u8(ROLE_CODES[s.role]).str16(s.name).u8(s.districts.length);
			for (const d of s.districts) w.str8(d);
			break;
		case 'revoke':
			w.fixed(s.revoked, 32).str16(s.reason);
			break;
		case 'erase':
			w.str8(s.parcelId).u8(s.changeHashes.length);
			for (const h of s.changeHashes) w.fixed(h, 32);
			w.str16(s.reason).str16(s.legalBasis);
			break;
		case 'access':
			w.str8(s.scope).fixed(s.reader, 32).str16(s.purpose);
			break;
		default:
			writeClaimBody(w, s);
	}
	w.fixed(s.author, 32).u64(s.claimedTime);
}

function readBody(r: Reader): Statement {
	const kind = byCode(KIND_CODES, r.u8(), 'entry kind');
	let body: EntryBody;
	switch (kind) {
		case 'edit':
			body = { kind, parcelId: r.str8(), part: byCode(PART_CODES, r.u8(), 'part'), changeHash: r.fixed(32) };
			break;
		case 'grant': {
			const grantee = r.fixed(32);
			const role = byCode(ROLE_CODES, r.u8(), 'role');
			const name = r.str16();
			const districts = Array.from({ length: r.u8() }, () => r.str8());
			body = { kind, grantee, role, name, districts };
			break;
		}
		case 'revoke':
			body = { kind, revoked: r.fixed(32), reason: r.str16() };
			break;
		case 'erase': {
			const parcelId = r.str8();
			const changeHashes = Array.from({ length: r.u8() }, () => r.fixed(32));
			body = { kind, parcelId, changeHashes, reason: r.str16(), legalBasis: r.str16() };
			break;
		}
		case 'access':
			body = { kind, scope: r.str8(), reader: r.fixed(32), purpose: r.str16() };
			break;
		default:
			body = readClaimBody(r, kind);
	}
	const s: Statement = { ...body, author: r.fixed(32), claimedTime: r.u64() };
	try {
		checkBody(s);
	} catch (e) {
		throw new DecodeError((e as Error).message);
	}
	return s;
}

/** The exact bytes an author signs: prefix ‖ str8(log origin) ‖ body. */
export function statementBytes(origin: string, s: Statement): Uint8Array {
	const w = new Writer();
	w.str8(origin);
	writeBody(w, s);
	return concat(utf8(STATEMENT_PREFIX), w.bytes());
}

export function encodeEntry(e: Entry): Uint8Array {
	const w = new Writer().u8(ENTRY_VERSION);
	writeBody(w, e);
	w.u64(e.logTime).fixed(e.signature, SIGNATURE_BYTES);
	const out = w.bytes();
	if (out.length > MAX_ENTRY_BYTES) throw new RangeError(`entry is ${out.length} bytes, above ${MAX_ENTRY_BYTES}`);
	return out;
}

/** Strict decoding: unknown versions, kinds, codes, malformed fields and trailing bytes throw DecodeError. */
export function decodeEntry(bytes: Uint8Array): Entry {
	if (bytes.length > MAX_ENTRY_BYTES) throw new DecodeError('entry too large');
	const r = new Reader(bytes);
	const version = r.u8();
	if (version !== ENTRY_VERSION) throw new DecodeError(`unsupported entry version ${version}`);
	const s = readBody(r);
	const logTime = r.u64();
	const signature = r.fixed(SIGNATURE_BYTES);
	r.end();
	return { ...s, logTime, signature };
}

/** SHA-256 of the change's bytes: what an edit entry names. Verifiers always recompute it. */
export const changeHash = (change: Uint8Array): Uint8Array => sha256(change);

export async function signStatement(origin: string, s: Statement, signer: Signer): Promise<Uint8Array> {
	if (!equalBytes(signer.publicKey, s.author)) throw new Error('statement author is not the signer');
	return signer.sign(statementBytes(origin, s));
}

export async function verifyStatement(
	origin: string,
	s: Statement,
	signature: Uint8Array,
	verifier: SignatureVerifier
): Promise<boolean> {
	return verifier.verify(signature, statementBytes(origin, s), s.author);
}
