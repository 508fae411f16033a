// Signing claims, decisions and notices, and their JSON wire form for POST /api/entries
// (docs/protocol.md "Claims and notices"). The registry screens, the field form (its outbox keeps
// the wire item while offline) and tests build them here, as core/signing/submit.ts does for edits.
import { fromBase64, fromHex, toBase64, toHex } from '../bytes';
import { changeHash, signStatement, type Statement } from '../log/entry';
import type { Submission } from '../log/submission';
import type { Signer } from '../signing/ed25519';
import type { ClaimKind, EvidenceFile, NoticePart, Outcome } from './types';

interface Signed {
	author: string;
	claimedTime: number;
	signature: string;
}
export type ClaimWire = Signed & { kind: 'claim'; parcel: string; claimKind: ClaimKind; contested: string[]; notice: number | null; text: string; files: EvidenceFile[] };
export type DecisionWire = Signed & { kind: 'decision'; parcel: string; claim: number; outcome: Outcome; text: string; caused: string[] };
/** The pending change travels as base64, like an edit's; the server recomputes its hash. */
export type NoticeWire = Signed & { kind: 'notice'; parcel: string; part: NoticePart; change: string; deadline: number; text: string };
export type ClaimEntryWire = ClaimWire | DecisionWire | NoticeWire;

interface Common {
	origin: string;
	signer: Signer;
	parcelId: string;
	text: string;
	/** The device's time; the log's time decides every deadline. */
	claimedTime: number;
}

async function sign(o: Common, statement: Statement, change?: Uint8Array): Promise<Submission> {
	const signature = await signStatement(o.origin, statement, o.signer);
	return change ? { statement, signature, change } : { statement, signature };
}

const base = (o: Common) => ({ parcelId: o.parcelId, text: o.text, author: o.signer.publicKey, claimedTime: o.claimedTime });

export function signClaim(o: Common & { claimKind: ClaimKind; contested: string[]; notice?: number | null; files?: EvidenceFile[] }): Promise<Submission> {
	const files = (o.files ?? []).map((f) => ({ hash: fromHex(f.hash), size: f.size }));
	return sign(o, { kind: 'claim', claimKind: o.claimKind, contested: o.contested, notice: o.notice ?? null, files, ...base(o) });
}

export function signDecision(o: Common & { claimIndex: number; outcome: Outcome; caused?: string[] }): Promise<Submission> {
	return sign(o, { kind: 'decision', claimIndex: o.claimIndex, outcome: o.outcome, caused: (o.caused ?? []).map(fromHex), ...base(o) });
}

export function signNotice(o: Common & { part: NoticePart; change: Uint8Array; deadline: number }): Promise<Submission> {
	return sign(o, { kind: 'notice', part: o.part, changeHash: changeHash(o.change), deadline: o.deadline, ...base(o) }, o.change);
}

/** The JSON item for POST /api/entries `entries`. */
export function claimEntryToWire(sub: Submission): ClaimEntryWire {
	const s = sub.statement;
	const common = { author: toHex(s.author), claimedTime: s.claimedTime, signature: toBase64(sub.signature) };
	switch (s.kind) {
		case 'claim':
			return { kind: 'claim', parcel: s.parcelId, claimKind: s.claimKind, contested: s.contested, notice: s.notice, text: s.text, files: s.files.map((f) => ({ hash: toHex(f.hash), size: f.size })), ...common };
		case 'decision':
			return { kind: 'decision', parcel: s.parcelId, claim: s.claimIndex, outcome: s.outcome, text: s.text, caused: s.caused.map(toHex), ...common };
		case 'notice':
			if (!sub.change) throw new Error('a notice submission carries its change');
			return { kind: 'notice', parcel: s.parcelId, part: s.part, change: toBase64(sub.change), deadline: s.deadline, text: s.text, ...common };
		default:
			throw new Error('not a claim, decision or notice');
	}
}

/** The submission a wire item stands for (after schema validation); throws on malformed bytes. */
export function claimEntryFromWire(w: ClaimEntryWire): Submission {
	const head = { parcelId: w.parcel, text: w.text, author: fromHex(w.author), claimedTime: w.claimedTime };
	const signature = fromBase64(w.signature);
	switch (w.kind) {
		case 'claim':
			return { statement: { kind: 'claim', claimKind: w.claimKind, contested: w.contested, notice: w.notice, files: w.files.map((f) => ({ hash: fromHex(f.hash), size: f.size })), ...head }, signature };
		case 'decision':
			return { statement: { kind: 'decision', claimIndex: w.claim, outcome: w.outcome, caused: w.caused.map(fromHex), ...head }, signature };
		case 'notice': {
			const change = fromBase64(w.change);
			// As for edits, the wire carries no hash to trust: SHA-256 of the bytes received.
			return { statement: { kind: 'notice', part: w.part, changeHash: changeHash(change), deadline: w.deadline, ...head }, signature, change };
		}
	}
}
