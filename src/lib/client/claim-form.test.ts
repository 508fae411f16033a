import { describe, expect, it } from 'vitest';
import { checkClaim, checkDecision } from './claim-form';

const good = { kind: 'boundary', contested: ['parcel.geometry', 'parcel.geometry', 'parcel.recordedArea'], text: 'The fence stands 2 m inside our land.\nSurvey attached.' };

describe('checkClaim', () => {
	it('gives a draft with contested fields sorted and unique, and no claimant when none is named', () => {
		const r = checkClaim(good);
		expect(r).toEqual({ ok: true, value: { kind: 'boundary', contested: ['parcel.geometry', 'parcel.recordedArea'], text: good.text, claimant: null } });
	});

	it('keeps a claimant apart from the text, trimmed', () => {
		const r = checkClaim({ ...good, claimantName: ' Ada Lovelace ', claimantContact: ' ada@example.org ' });
		expect(r.ok && r.value.claimant).toEqual({ name: 'Ada Lovelace', contact: 'ada@example.org' });
	});

	it('names each field that is wrong', () => {
		const r = checkClaim({ kind: 'feud', contested: ['deed.owner'], text: 'x'.repeat(2001), claimantContact: '555 1234' });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.issues).toEqual({
			kind: 'Choose what is claimed',
			contested: 'A contested field is malformed',
			text: 'At most 2000 bytes (this is 2001)',
			claimant: 'Give the claimant’s name with their contact'
		});
	});

	it('counts bytes, not characters, and applies the record text rule', () => {
		const twoByte = 'é'.repeat(1001);
		expect(checkClaim({ ...good, text: twoByte })).toMatchObject({ ok: false, issues: { text: 'At most 2000 bytes (this is 2002)' } });
		expect(checkClaim({ ...good, text: 'bad \u202e text' })).toMatchObject({ ok: false, issues: { text: expect.stringContaining('U+202E') } });
		expect(checkClaim({ ...good, text: '   ' })).toMatchObject({ ok: false, issues: { text: 'Write what is claimed and why' } });
		expect(checkClaim({ ...good, contested: [] })).toMatchObject({ ok: false, issues: { contested: expect.any(String) } });
	});
});

describe('checkDecision', () => {
	const hash = 'AB'.repeat(32);
	it('reads caused change hashes from lines or commas, lower-cased and unique', () => {
		const r = checkDecision({ outcome: 'upheld', text: 'Survey confirms it.', caused: `${hash}\n${hash.toLowerCase()}, ` });
		expect(r).toEqual({ ok: true, value: { outcome: 'upheld', text: 'Survey confirms it.', caused: ['ab'.repeat(32)] } });
	});

	it('refuses an unknown outcome, an empty text and a malformed hash', () => {
		expect(checkDecision({ outcome: 'maybe', text: '', caused: 'abc' })).toEqual({
			ok: false,
			issues: { outcome: 'Choose the outcome', text: 'Write the reasons for the decision', caused: 'Each caused edit is a change hash: 64 hex digits' }
		});
	});
});
