// Claims, decisions and notices replayed from log entries in index order, and the verdicts on a
// next entry (docs/protocol.md "Claims and notices"). The sequencer, the projector and verifiers
// share it, so a refusal here is a refusal everywhere. The clock is always the log's: callers pass
// the log time an entry got (or will get), never a device's time.
import { toHex } from '../bytes';
import type { Entry, Statement } from '../log/entry';
import type { ClaimKind, ClaimState, NoticeState, Outcome, PublicNotice } from './types';
import { isClaimBody } from './body';

export type ClaimCode =
	| 'unknown-parcel'
	| 'unknown-notice'
	| 'notice-closed'
	| 'unknown-claim'
	| 'already-decided'
	| 'unknown-change'
	| 'deadline-passed'
	| 'on-notice';

export type ClaimVerdict = { ok: true } | { ok: false; code: ClaimCode; message: string };

export interface ClaimRecord {
	index: number;
	parcelId: string;
	claimKind: ClaimKind;
	contested: string[];
	notice: number | null;
	text: string;
	files: { hash: string; size: number }[];
	filedAt: number;
	author: string;
	decision: { index: number; outcome: Outcome; text: string; decidedAt: number; author: string; caused: string[] } | null;
}

/** A notice as replayed: the public shape less what a reader adds (names, the state at a time). */
export type NoticeRecord = Omit<PublicNotice, 'filedBy' | 'state'> & {
	author: string;
	/** Whether an edit logging its change exists. */
	applied: boolean;
};

/** What the log holds about a parcel's edits, which this replay does not track itself. */
export interface EditFacts {
	/** The parcel has at least one edit entry. */
	parcelHasEdits: boolean;
	/** Change hashes (hex) of the parcel's edit entries. */
	parcelChanges: ReadonlySet<string>;
}

const OK: ClaimVerdict = { ok: true };
const no = (code: ClaimCode, message: string): ClaimVerdict => ({ ok: false, code, message });

export const claimState = (c: ClaimRecord): ClaimState => c.decision?.outcome ?? 'open';

/** A notice's state at log time `now`, given which of its objections (claim indexes) are open. */
export function noticeStateOf(n: NoticeRecord, isOpen: (claimIndex: number) => boolean, now: number): NoticeState {
	if (n.applied) return 'applied';
	if (now < n.deadline) return 'open';
	return n.objections.some(isOpen) ? 'blocked' : 'closed';
}

export class ClaimLedger {
	#claims = new Map<number, ClaimRecord>();
	#notices = new Map<number, NoticeRecord>();
	/** Pending change hash (hex) → indexes of the notices holding it. */
	#byChange = new Map<string, number[]>();
	/** Parcel → indexes of its claims and notices, in index order (readers ask per parcel). */
	#byParcel = new Map<string, number[]>();

	claim(index: number): ClaimRecord | undefined {
		return this.#claims.get(index);
	}
	notice(index: number): NoticeRecord | undefined {
		return this.#notices.get(index);
	}
	claimsOf(parcelId: string): ClaimRecord[] {
		return (this.#byParcel.get(parcelId) ?? []).flatMap((i) => this.#claims.get(i) ?? []);
	}
	noticesOf(parcelId: string): NoticeRecord[] {
		return (this.#byParcel.get(parcelId) ?? []).flatMap((i) => this.#notices.get(i) ?? []);
	}

	/** A notice's state at log time `now`. */
	noticeState(n: NoticeRecord, now: number): NoticeState {
		return noticeStateOf(n, (i) => this.#claims.get(i)?.decision === null, now);
	}

	/** Whether `s` may be the next entry at log time `logTime`; ok for kinds this file does not rule on. */
	check(s: Statement, logTime: number, facts: EditFacts): ClaimVerdict {
		switch (s.kind) {
			case 'claim': {
				if (!facts.parcelHasEdits) return no('unknown-parcel', `parcel ${s.parcelId} has no edit in the log`);
				if (s.notice === null) return OK;
				const n = this.#notices.get(s.notice);
				if (!n || n.parcelId !== s.parcelId) return no('unknown-notice', `entry ${s.notice} is not a notice of ${s.parcelId}`);
				if (logTime >= n.deadline) return no('notice-closed', `the notice's deadline ${iso(n.deadline)} has passed`);
				return OK;
			}
			case 'decision': {
				const c = this.#claims.get(s.claimIndex);
				if (!c || c.parcelId !== s.parcelId) return no('unknown-claim', `entry ${s.claimIndex} is not a claim of ${s.parcelId}`);
				if (c.decision) return no('already-decided', `claim ${s.claimIndex} was decided at entry ${c.decision.index}`);
				const unknown = s.caused.map(toHex).find((h) => !facts.parcelChanges.has(h));
				if (unknown) return no('unknown-change', `change ${unknown.slice(0, 12)}… is not an edit of ${s.parcelId} in the log`);
				return OK;
			}
			case 'notice':
				if (s.deadline <= logTime) return no('deadline-passed', `the deadline ${iso(s.deadline)} is not after the log's time ${iso(logTime)}`);
				return OK;
			case 'edit': {
				for (const i of this.#byChange.get(toHex(s.changeHash)) ?? []) {
					const n = this.#notices.get(i)!;
					const state = this.noticeState(n, logTime);
					if (state === 'open') return no('on-notice', `this change is on public notice (entry ${i}) until ${iso(n.deadline)}`);
					if (state === 'blocked') return no('on-notice', `objections to notice ${i} are not decided yet`);
				}
				return OK;
			}
			default:
				return OK;
		}
	}

	/** Records an accepted entry at `index`. Call only after `check` said ok. */
	apply(index: number, e: Pick<Entry, 'logTime'> & Statement): void {
		const author = toHex(e.author);
		if (e.kind === 'claim' || e.kind === 'notice') this.#byParcel.set(e.parcelId, [...(this.#byParcel.get(e.parcelId) ?? []), index]);
		switch (e.kind) {
			case 'claim':
				this.#claims.set(index, {
					index,
					parcelId: e.parcelId,
					claimKind: e.claimKind,
					contested: [...e.contested],
					notice: e.notice,
					text: e.text,
					files: e.files.map((f) => ({ hash: toHex(f.hash), size: f.size })),
					filedAt: e.logTime,
					author,
					decision: null
				});
				if (e.notice !== null) this.#notices.get(e.notice)?.objections.push(index);
				return;
			case 'decision': {
				const c = this.#claims.get(e.claimIndex);
				if (c) c.decision = { index, outcome: e.outcome, text: e.text, decidedAt: e.logTime, author, caused: e.caused.map(toHex) };
				return;
			}
			case 'notice': {
				const changeHash = toHex(e.changeHash);
				this.#notices.set(index, { index, parcelId: e.parcelId, part: e.part, changeHash, deadline: e.deadline, text: e.text, filedAt: e.logTime, author, objections: [], applied: false });
				this.#byChange.set(changeHash, [...(this.#byChange.get(changeHash) ?? []), index]);
				return;
			}
			case 'edit':
				this.markApplied(toHex(e.changeHash));
				return;
		}
	}

	/** Whether `apply` would change this ledger: claims, decisions, notices, and edits logging a change on notice. */
	changedBy(e: Statement): boolean {
		if (isClaimBody(e)) return true;
		return e.kind === 'edit' && this.#byChange.has(toHex(e.changeHash));
	}

	/** An edit logged this change (hex): notices holding it are applied. */
	markApplied(changeHash: string): void {
		for (const i of this.#byChange.get(changeHash) ?? []) this.#notices.get(i)!.applied = true;
	}

	/** Pending change hashes (hex) of notices not yet applied. */
	pendingChanges(): string[] {
		return [...this.#byChange.keys()].filter((h) => this.#byChange.get(h)!.some((i) => !this.#notices.get(i)!.applied));
	}

	clone(): ClaimLedger {
		const c = new ClaimLedger();
		for (const [k, v] of this.#claims) c.#claims.set(k, { ...v, contested: [...v.contested], files: [...v.files], decision: v.decision && { ...v.decision } });
		for (const [k, v] of this.#notices) c.#notices.set(k, { ...v, objections: [...v.objections] });
		for (const [k, v] of this.#byChange) c.#byChange.set(k, [...v]);
		for (const [k, v] of this.#byParcel) c.#byParcel.set(k, [...v]);
		return c;
	}
}

function iso(ms: number): string {
	return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}
