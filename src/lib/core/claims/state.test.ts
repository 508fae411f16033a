import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes';
import type { Statement } from '../log/entry';
import { ClaimLedger, claimState, type EditFacts } from './state';

const author = new Uint8Array(32).fill(1);
const hash = (n: number) => new Uint8Array(32).fill(n);
const at = { author, claimedTime: 1 };
const claim = (over: Partial<Extract<Statement, { kind: 'claim' }>> = {}): Statement => ({
	kind: 'claim', parcelId: 'RIV-1', claimKind: 'ownership', contested: ['title.owners'], notice: null, text: 'mine', files: [], ...at, ...over
});
const decision = (claimIndex: number, caused: Uint8Array[] = [], parcelId = 'RIV-1'): Statement => ({
	kind: 'decision', parcelId, claimIndex, outcome: 'rejected', text: 'no', caused, ...at
});
const notice = (deadline: number, changeHash = hash(7)): Statement => ({
	kind: 'notice', parcelId: 'RIV-1', part: 'title', changeHash, deadline, text: 'sale to Cy', ...at
});
const edit = (changeHash: Uint8Array): Statement => ({ kind: 'edit', parcelId: 'RIV-1', part: 'title', changeHash, ...at });

const facts: EditFacts = { parcelHasEdits: true, parcelChanges: new Set([toHex(hash(1))]) };
const code = (l: ClaimLedger, s: Statement, logTime: number, f = facts) => {
	const v = l.check(s, logTime, f);
	return v.ok ? 'ok' : v.code;
};
function accept(l: ClaimLedger, index: number, s: Statement, logTime: number) {
	expect(l.check(s, logTime, facts)).toEqual({ ok: true });
	l.apply(index, { ...s, logTime });
}

describe('ClaimLedger', () => {
	it('refuses a claim on a parcel without edits and a decision for an unknown or decided claim', () => {
		const l = new ClaimLedger();
		expect(code(l, claim(), 10, { parcelHasEdits: false, parcelChanges: new Set() })).toBe('unknown-parcel');
		expect(code(l, decision(3), 10)).toBe('unknown-claim');
		accept(l, 3, claim(), 10);
		expect(claimState(l.claimsOf('RIV-1')[0])).toBe('open');
		expect(code(l, decision(3, [], 'RIV-2'), 11)).toBe('unknown-claim');
		expect(code(l, decision(3, [hash(2)]), 11)).toBe('unknown-change');
		accept(l, 4, decision(3, [hash(1)]), 11);
		expect(claimState(l.claim(3)!)).toBe('rejected');
		expect(l.claim(3)!.decision).toMatchObject({ index: 4, decidedAt: 11, caused: [toHex(hash(1))] });
		expect(l.claimsOf('RIV-1').map(claimState)).toEqual(['rejected']);
		expect(code(l, decision(3), 12)).toBe('already-decided');
		expect(code(l, decision(4), 12)).toBe('unknown-claim');
	});

	it('keeps a change on notice until the deadline, then while an objection is open', () => {
		const l = new ClaimLedger();
		expect(code(l, notice(100), 100)).toBe('deadline-passed');
		accept(l, 5, notice(100), 50);
		const n = l.notice(5)!;
		expect(l.noticeState(n, 99)).toBe('open');
		expect(code(l, edit(hash(7)), 60)).toBe('on-notice');
		expect(code(l, edit(hash(8)), 60)).toBe('ok');
		expect(code(l, claim({ notice: 9 }), 60)).toBe('unknown-notice');
		expect(code(l, claim({ notice: 5, parcelId: 'RIV-2' }), 60)).toBe('unknown-notice');
		accept(l, 6, claim({ notice: 5 }), 70);
		expect(n.objections).toEqual([6]);
		expect(code(l, claim({ notice: 5 }), 100)).toBe('notice-closed');
		expect(l.noticeState(n, 100)).toBe('blocked');
		expect(code(l, edit(hash(7)), 150)).toBe('on-notice');
		accept(l, 7, decision(6), 160);
		expect(l.noticeState(n, 160)).toBe('closed');
		accept(l, 8, edit(hash(7)), 170);
		expect(l.noticeState(n, 170)).toBe('applied');
		expect(l.pendingChanges()).toEqual([]);
	});

	it('says which entries apply would change: claims, decisions, notices, edits of a change on notice', () => {
		const l = new ClaimLedger();
		const revoke: Statement = { kind: 'revoke', revoked: hash(3), reason: 'lost', ...at };
		expect([claim(), decision(1), notice(100)].map((s) => l.changedBy(s))).toEqual([true, true, true]);
		expect(l.changedBy(edit(hash(7)))).toBe(false);
		expect(l.changedBy(revoke)).toBe(false);
		accept(l, 5, notice(100), 50);
		expect(l.changedBy(edit(hash(7)))).toBe(true);
		expect(l.changedBy(edit(hash(8)))).toBe(false);
	});

	it('clones independently', () => {
		const l = new ClaimLedger();
		accept(l, 1, claim(), 10);
		const c = l.clone();
		c.apply(2, { ...decision(1), logTime: 11 });
		expect(claimState(c.claim(1)!)).toBe('rejected');
		expect(claimState(l.claim(1)!)).toBe('open');
	});
});
