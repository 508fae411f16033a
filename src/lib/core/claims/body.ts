// Binary bodies of the claim (6), decision (7) and notice (8) entry kinds (layouts in ./types.ts,
// docs/protocol.md "Claims and notices"). core/log/entry.ts frames them like every other kind;
// this file holds only their fields, so the entry codec stays one screen per idea.
import type { Reader, Writer } from '../codec';
import { DecodeError } from '../codec';
import { utf8 } from '../bytes';
import { PARCEL_ID_PATTERN } from '../record/ids';
import { CLAIM_KIND_CODES, CONTESTED_PATTERN, NOTICE_PARTS, OUTCOME_CODES, type ClaimKind, type NoticePart, type Outcome } from './types';

/** Most contested fields and evidence files a claim may name, and changes a decision may link. */
export const MAX_CONTESTED = 16;
export const MAX_EVIDENCE = 16;
export const MAX_CAUSED = 100;
/** Byte bounds of the texts (the record text rule applies on top, multi-line allowed). */
export const MAX_CLAIM_TEXT_BYTES = 2000;
export const MAX_NOTICE_TEXT_BYTES = 1000;

/** A file given as evidence, in an entry: its SHA-256 and size. */
export interface EvidenceRef {
	hash: Uint8Array;
	size: number;
}

export type ClaimBody =
	| {
			kind: 'claim';
			parcelId: string;
			claimKind: ClaimKind;
			/** `part` or `part.field` (CONTESTED_PATTERN), unique. */
			contested: string[];
			/** Index of the notice entry this claim objects to, or null. */
			notice: number | null;
			text: string;
			files: EvidenceRef[];
	  }
	| { kind: 'decision'; parcelId: string; claimIndex: number; outcome: Outcome; text: string; caused: Uint8Array[] }
	| { kind: 'notice'; parcelId: string; part: NoticePart; changeHash: Uint8Array; deadline: number; text: string };

export type ClaimKindName = ClaimBody['kind'];
export const CLAIM_ENTRY_KINDS: readonly ClaimKindName[] = Object.freeze(['claim', 'decision', 'notice'] as const);
export const isClaimBody = (b: { kind: string }): b is ClaimBody => (CLAIM_ENTRY_KINDS as readonly string[]).includes(b.kind);

const NOTICE_PART_CODES: Readonly<Record<NoticePart, number>> = Object.freeze({ parcel: 1, title: 3 });

function byCode<T extends string>(table: Readonly<Record<T, number>>, code: number, what: string): T {
	for (const [name, c] of Object.entries(table) as [T, number][]) if (c === code) return name;
	throw new DecodeError(`unknown ${what} code ${code}`);
}

function checkText(text: string, max: number): void {
	if (!text.trim() || utf8(text).length > max) throw new RangeError(`text must be 1–${max} bytes`);
}

const isIndex = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Throws RangeError on any field the layout cannot hold or the protocol refuses. */
export function checkClaimBody(b: ClaimBody): void {
	if (!PARCEL_ID_PATTERN.test(b.parcelId)) throw new RangeError(`malformed parcel id ${JSON.stringify(b.parcelId)}`);
	switch (b.kind) {
		case 'claim':
			if (!(b.claimKind in CLAIM_KIND_CODES)) throw new RangeError(`unknown claim kind ${b.claimKind}`);
			if (b.contested.length > MAX_CONTESTED) throw new RangeError(`a claim contests at most ${MAX_CONTESTED} fields`);
			for (const c of b.contested) if (!CONTESTED_PATTERN.test(c)) throw new RangeError(`malformed contested field ${JSON.stringify(c)}`);
			if (new Set(b.contested).size !== b.contested.length) throw new RangeError('a claim names each contested field once');
			if (b.notice !== null && !isIndex(b.notice)) throw new RangeError('a notice is an entry index');
			checkText(b.text, MAX_CLAIM_TEXT_BYTES);
			if (b.files.length > MAX_EVIDENCE) throw new RangeError(`a claim attaches at most ${MAX_EVIDENCE} files`);
			for (const f of b.files) {
				if (f.hash.length !== 32) throw new RangeError('a file hash is 32 bytes');
				if (!isIndex(f.size)) throw new RangeError('a file size is a whole number of bytes');
			}
			if (new Set(b.files.map((f) => f.hash.join())).size !== b.files.length) throw new RangeError('a claim attaches each file once');
			return;
		case 'decision':
			if (!isIndex(b.claimIndex)) throw new RangeError('a claim is an entry index');
			if (!(b.outcome in OUTCOME_CODES)) throw new RangeError(`unknown outcome ${b.outcome}`);
			checkText(b.text, MAX_CLAIM_TEXT_BYTES);
			if (b.caused.length > MAX_CAUSED) throw new RangeError(`a decision links at most ${MAX_CAUSED} changes`);
			if (b.caused.some((h) => h.length !== 32)) throw new RangeError('change hashes are 32 bytes');
			if (new Set(b.caused.map((h) => h.join())).size !== b.caused.length) throw new RangeError('a decision links each change once');
			return;
		case 'notice':
			if (!NOTICE_PARTS.includes(b.part)) throw new RangeError(`a notice holds a parcel or title change, not ${b.part}`);
			if (b.changeHash.length !== 32) throw new RangeError('change hash must be 32 bytes');
			if (!isIndex(b.deadline)) throw new RangeError('a deadline is ms since 1970');
			checkText(b.text, MAX_NOTICE_TEXT_BYTES);
			return;
	}
}

/** The kind's fields, after the kind byte. */
export function writeClaimBody(w: Writer, b: ClaimBody): void {
	w.str8(b.parcelId);
	switch (b.kind) {
		case 'claim':
			w.u8(CLAIM_KIND_CODES[b.claimKind]).u8(b.contested.length);
			for (const c of b.contested) w.str8(c);
			if (b.notice === null) w.u8(0);
			else w.u8(1).u64(b.notice);
			w.str16(b.text).u8(b.files.length);
			for (const f of b.files) w.fixed(f.hash, 32).u64(f.size);
			return;
		case 'decision':
			w.u64(b.claimIndex).u8(OUTCOME_CODES[b.outcome]).str16(b.text).u8(b.caused.length);
			for (const h of b.caused) w.fixed(h, 32);
			return;
		case 'notice':
			w.u8(NOTICE_PART_CODES[b.part]).fixed(b.changeHash, 32).u64(b.deadline).str16(b.text);
			return;
	}
}

export function readClaimBody(r: Reader, kind: ClaimKindName): ClaimBody {
	const parcelId = r.str8();
	switch (kind) {
		case 'claim': {
			const claimKind = byCode(CLAIM_KIND_CODES, r.u8(), 'claim kind');
			const contested = Array.from({ length: r.u8() }, () => r.str8());
			const flag = r.u8();
			if (flag > 1) throw new DecodeError(`notice flag must be 0 or 1, not ${flag}`);
			const notice = flag ? r.u64() : null;
			const text = r.str16();
			const files = Array.from({ length: r.u8() }, () => ({ hash: r.fixed(32), size: r.u64() }));
			return { kind, parcelId, claimKind, contested, notice, text, files };
		}
		case 'decision': {
			const claimIndex = r.u64();
			const outcome = byCode(OUTCOME_CODES, r.u8(), 'outcome');
			const text = r.str16();
			const caused = Array.from({ length: r.u8() }, () => r.fixed(32));
			return { kind, parcelId, claimIndex, outcome, text, caused };
		}
		case 'notice':
			return { kind, parcelId, part: byCode(NOTICE_PART_CODES, r.u8(), 'notice part'), changeHash: r.fixed(32), deadline: r.u64(), text: r.str16() };
	}
}
