// Stateless checks of a submitted edit, run before anything is stored and before the sequencer
// sees it: the change decodes, its hash is recomputed (never trusted), the statement signature
// verifies, the change's Automerge actor belongs to the signing key, and its content passes
// core/crdt/change-check.js (checksum, text rule, the part's id; a part's first change applies).
// Stateful checks (authorization, dependencies) belong to the sequencer, which sees the log in
// order; whether a later change applies to its part's stored changes is checked by the server
// between the two (ledger.ts, `fitChanges` in the check workers).
import { decodeChange, type DecodedChange } from '@automerge/automerge';
import { contentCheck } from '../crdt/change-check.js';
import { toHex } from '../bytes';
import { sha256 } from '../hash';
import { actorBelongsTo } from '../crdt/actors';
import { isSaltedMessage } from '../crdt/write';
import { textProblem } from '../record/text-rules.js';
import { isClaimBody } from '../claims/body';
import type { SignatureVerifier } from '../signing/ed25519';
import { changeHash, encodeEntry, statementBytes, MAX_ENTRY_BYTES, type Statement } from './entry';

/** Largest accepted change. Photos and documents are blobs outside the log; geometry fits. */
export const MAX_CHANGE_BYTES = 512 * 1024;
/** How far ahead of the log's clock an author's claimed time may be (clock skew on tablets). */
export const MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

export type SubmissionCode =
	| 'malformed'
	| 'too-large'
	| 'bad-change'
	| 'bad-signature'
	| 'foreign-actor'
	| 'unsalted-private-change'
	| 'claimed-time-in-future'
	| 'bad-claimed-time'
	| 'bad-text';

export type Refusal<C extends string = string> = { code: C; message: string };

export interface Submission {
	statement: Statement;
	signature: Uint8Array;
	/** The Automerge change bytes: an edit's, or the pending change a notice holds. */
	change?: Uint8Array;
}

export interface ChangeInfo {
	amHash: string;
	actor: string;
	seq: number;
	deps: string[];
	/** Whether the change's message carries a salt (required for the private part). */
	salted: boolean;
}

/** A submission that passed every stateless check; only `checkSubmission` makes one. */
export interface CheckedSubmission extends Submission {
	readonly identity: Uint8Array;
	readonly changeInfo: ChangeInfo | null;
	readonly checked: true;
	/**
	 * For an edit: its change was applied to its part's document in a check — a part's first
	 * change here, any other by the server's `fitChanges` against the stored changes. The
	 * sequencer appends no edit without it (docs/protocol.md "Submitting edits").
	 */
	readonly fitted: boolean;
	/** Why the change does not apply to its part's document, when a check found that it does not. */
	readonly fitRefusal?: string;
}

export type CheckResult = { ok: true; value: CheckedSubmission } | { ok: false; refusal: Refusal<SubmissionCode> };

const refuse = (code: SubmissionCode, message: string): { ok: false; refusal: Refusal<SubmissionCode> } => ({ ok: false, refusal: { code, message } });

export interface CheckDeps {
	origin: string;
	verifier: SignatureVerifier;
	/** The log's clock, ms since 1970. */
	now: number;
}

/** A submission whose cheap checks passed, with the statement bytes its signature covers. */
export interface Prepared {
	sub: Submission;
	statement: Uint8Array;
}

/**
 * The expensive, pure part of the checks: hashing and decoding the change, verifying the
 * signature. The server runs it in worker threads (src/lib/server/check-pool.ts) with the same
 * meaning; `finishSubmission` interprets the result identically either way.
 */
export interface HeavyResult {
	/** SHA-256 of the change bytes in hex; null for entries without a change. */
	changeHash: string | null;
	decoded: ChangeInfo | { error: string } | null;
	signatureOk: boolean;
	/** What the content checks (core/crdt/change-check.js `contentCheck`) refuse, or null. */
	changeRefusal?: Refusal<'bad-change' | 'bad-text'> | null;
	/** Whether the content checks applied the change (a part's first change). */
	fitted?: boolean;
}

/** Phase 1, cheap: encoding, size bounds and the clock. */
export function prepareSubmission(sub: Submission, deps: Omit<CheckDeps, 'verifier'>): { ok: true; value: Prepared } | { ok: false; refusal: Refusal<SubmissionCode> } {
	const s = sub.statement;
	// A time that is not whole milliseconds since 1970 (negative, fractional, beyond 2^53 - 1) is this
	// item's problem, not the batch's: refused here, before anything encodes it.
	if (!Number.isSafeInteger(s.claimedTime) || s.claimedTime < 0) {
		return refuse('bad-claimed-time', `claimed time ${String(s.claimedTime)} is not whole milliseconds since 1970 (0 to 2^53 - 1)`);
	}
	const text = statementTextProblem(s);
	if (text) return refuse('bad-text', text);
	let statement: Uint8Array;
	try {
		statement = statementBytes(deps.origin, s);
		// Encode once with a dummy signature and time to apply the entry's own size bound.
		if (encodeEntry({ ...s, logTime: 0, signature: new Uint8Array(64) }).length > MAX_ENTRY_BYTES) {
			return refuse('too-large', 'entry too large');
		}
	} catch (e) {
		return refuse('malformed', (e as Error).message);
	}
	if (s.claimedTime > deps.now + MAX_CLOCK_SKEW_MS) {
		return refuse('claimed-time-in-future', `claimed time ${timeText(s.claimedTime)} is ahead of the log's clock`);
	}
	if (s.kind === 'edit' || s.kind === 'notice') {
		if (!sub.change || sub.change.length === 0) return refuse('malformed', `a ${s.kind} needs its change bytes`);
		if (sub.change.length > MAX_CHANGE_BYTES) return refuse('too-large', `change is ${sub.change.length} bytes, above ${MAX_CHANGE_BYTES}`);
	} else if (sub.change) {
		return refuse('malformed', `a ${s.kind} entry carries no change`);
	}
	if (sub.signature.length !== 64) return refuse('bad-signature', 'a signature is 64 bytes');
	return { ok: true, value: { sub, statement } };
}

/** An ISO time, or the raw number beyond the years JavaScript dates reach (±275,760). */
function timeText(ms: number): string {
	return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/** The text an entry carries for people (a grantee's name, reasons, a purpose) follows the record text rule. */
function statementTextProblem(s: Statement): string | null {
	// Claims, decisions and notices are letters: several lines (TAB and LF) are allowed.
	if (isClaimBody(s)) {
		const p = textProblem(s.text, true);
		return p && `text ${p.message}`;
	}
	const fields: [string, string][] =
		s.kind === 'grant'
			? [['name', s.name]]
			: s.kind === 'revoke'
				? [['reason', s.reason]]
				: s.kind === 'erase'
					? [['reason', s.reason], ['legalBasis', s.legalBasis]]
					: s.kind === 'access'
						? [['purpose', s.purpose]]
						: [];
	for (const [field, value] of fields) {
		const p = textProblem(value);
		if (p) return `${field} ${p.message}`;
	}
	return null;
}

/** Phase 2 in this thread (browser, CLI, tests). */
export async function heavyCheck(p: Prepared, verifier: SignatureVerifier): Promise<HeavyResult> {
	const change = p.sub.change;
	let decoded: HeavyResult['decoded'] = null;
	let full: DecodedChange | null = null;
	if (change) {
		try {
			full = decodeChange(change);
			decoded = { amHash: full.hash, actor: full.actor, seq: full.seq, deps: [...full.deps], salted: isSaltedMessage(full.message) };
		} catch (e) {
			decoded = { error: (e as Error).message };
		}
	}
	const signatureOk = await verifier.verify(p.sub.signature, p.statement, p.sub.statement.author);
	const s = p.sub.statement;
	const withChange = s.kind === 'edit' || s.kind === 'notice';
	const content = change && full && signatureOk && withChange ? contentCheck(change, full, s.parcelId) : { refusal: null, fitted: false };
	return { changeHash: change ? toHex(changeHash(change)) : null, decoded, signatureOk, changeRefusal: content.refusal, fitted: content.fitted };
}

/** Phase 3, cheap: interpret the heavy results in a fixed order of refusals. */
export function finishSubmission(p: Prepared, h: HeavyResult): CheckResult {
	const s = p.sub.statement;
	let changeInfo: ChangeInfo | null = null;
	// A notice's pending change passes the same checks as an edit of its part (docs/protocol.md "Claims and notices").
	if (s.kind === 'edit' || s.kind === 'notice') {
		if (h.changeHash !== toHex(s.changeHash)) {
			return refuse('bad-change', 'the change hash in the statement is not SHA-256 of the change bytes');
		}
		if (!h.decoded || 'error' in h.decoded) {
			return refuse('bad-change', `not an Automerge change: ${h.decoded && 'error' in h.decoded ? h.decoded.error : 'no change'}`);
		}
		changeInfo = h.decoded;
		if (!actorBelongsTo(changeInfo.actor, s.author)) {
			return refuse('foreign-actor', `change actor ${changeInfo.actor.slice(0, 16)}… is not derived from the signing key`);
		}
		if (s.part === 'private' && !changeInfo.salted) {
			return refuse('unsalted-private-change', 'a private-part change must carry a random salt in its message (docs/protocol.md "Private changes are salted")');
		}
	}
	if (!h.signatureOk) return refuse('bad-signature', 'the signature does not verify over the statement');
	if (h.changeRefusal) return refuse(h.changeRefusal.code, h.changeRefusal.message);
	return { ok: true, value: { ...p.sub, identity: sha256(p.statement), changeInfo, checked: true, fitted: s.kind !== 'edit' || h.fitted === true } };
}

export async function checkSubmission(sub: Submission, deps: CheckDeps): Promise<CheckResult> {
	const prepared = prepareSubmission(sub, deps);
	if (!prepared.ok) return prepared;
	return finishSubmission(prepared.value, await heavyCheck(prepared.value, deps.verifier));
}
