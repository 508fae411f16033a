import { describe, expect, it } from 'vitest';
import { fromHex, utf8 } from '../bytes';
import { DecodeError } from '../codec';
import { decodeEntry, encodeEntry, type Entry } from '../log/entry';
import { ENTRY_VECTORS } from '../log/entry.vectors';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { checkSubmission } from '../log/submission';
import { claimEntryFromWire, claimEntryToWire, signClaim, signDecision, signNotice } from './sign';

const base = { author: new Uint8Array(32), claimedTime: 1, logTime: 2, signature: new Uint8Array(64) };
const claim: Entry = { kind: 'claim', parcelId: 'RIV-1', claimKind: 'boundary', contested: ['parcel.geometry'], notice: null, text: 'fence', files: [], ...base };

describe('claim, decision and notice bodies', () => {
	it('refuse to encode what the protocol refuses', () => {
		expect(() => encodeEntry({ ...claim, contested: ['parcel.geometry', 'parcel.geometry'] })).toThrow(/once/);
		expect(() => encodeEntry({ ...claim, contested: ['roof'] })).toThrow(/contested/);
		expect(() => encodeEntry({ ...claim, text: ' ' })).toThrow(/text/);
		expect(() => encodeEntry({ ...claim, text: 'x'.repeat(2001) })).toThrow(/text/);
		expect(encodeEntry({ ...claim, text: 'x'.repeat(2000) }).length).toBeGreaterThan(2000);
		const notice: Entry = { kind: 'notice', parcelId: 'RIV-1', part: 'title', changeHash: new Uint8Array(32), deadline: 5, text: 'y'.repeat(1001), ...base };
		expect(() => encodeEntry(notice)).toThrow(/text/);
		expect(() => encodeEntry({ ...notice, text: 'ok', part: 'valuation' as 'title' })).toThrow(/notice/);
	});

	it('decode strictly: the notice flag is 0 or 1, codes are known', () => {
		const claimVector = fromHex(ENTRY_VECTORS.find((v) => v.kind === 'claim')!.entry);
		expect(decodeEntry(claimVector).kind).toBe('claim');
		// version, kind, str8 "RIV-000123" (11), claim kind, n, str8 "title.owners" (13), then the flag.
		const flagAt = 1 + 1 + 11 + 1 + 1 + 13;
		const bad = Uint8Array.from(claimVector);
		bad[flagAt] = 2;
		expect(() => decodeEntry(bad)).toThrow(DecodeError);
		const kind = Uint8Array.from(claimVector);
		kind[13] = 9;
		expect(() => decodeEntry(kind)).toThrow(/claim kind/);
	});
});

describe('signing claims (core/claims/sign.ts)', () => {
	const signer = secretKeySigner(new Uint8Array(32).fill(3));
	const origin = 'test.example/log';
	const deps = { origin, verifier: nobleVerifier, now: 10 };

	it('round-trips claims and decisions through the wire form and passes the submission checks', async () => {
		const c = await signClaim({ origin, signer, parcelId: 'RIV-1', text: 'mine\nsecond line', claimedTime: 5, claimKind: 'charge', contested: [], files: [{ hash: 'ab'.repeat(32), size: 3 }] });
		const d = await signDecision({ origin, signer, parcelId: 'RIV-1', text: 'upheld', claimedTime: 5, claimIndex: 4, outcome: 'upheld', caused: ['cd'.repeat(32)] });
		for (const sub of [c, d]) {
			const back = claimEntryFromWire(JSON.parse(JSON.stringify(claimEntryToWire(sub))));
			expect(back).toEqual(sub);
			expect((await checkSubmission(back, deps)).ok).toBe(true);
		}
	});

	it('refuses a control character in a text and a notice without a usable change', async () => {
		const c = await signClaim({ origin, signer, parcelId: 'RIV-1', text: 'evil\u202e', claimedTime: 5, claimKind: 'other', contested: [] });
		expect(await checkSubmission(c, deps)).toMatchObject({ ok: false, refusal: { code: 'bad-text' } });
		const n = await signNotice({ origin, signer, parcelId: 'RIV-1', text: 'sale', claimedTime: 5, part: 'title', change: utf8('not automerge'), deadline: 99 });
		expect(claimEntryFromWire(JSON.parse(JSON.stringify(claimEntryToWire(n))))).toEqual(n);
		expect(await checkSubmission(n, deps)).toMatchObject({ ok: false, refusal: { code: 'bad-change' } });
		expect(await checkSubmission({ statement: n.statement, signature: n.signature }, deps)).toMatchObject({ ok: false, refusal: { code: 'malformed' } });
	});
});
