import { describe, expect, it } from 'vitest';
import { isSafeText, neutralizeText, neutralizeValue, TEXT_SUSPECT, textProblem } from './text-rules.js';
import { validatePart } from './schema';
import { sampleParcel, samplePrivate, sampleTitle } from './samples';

const refusedEverywhere = [0x00, 0x08, 0x0b, 0x0d, 0x1b, 0x1f, 0x7f, 0x85, 0x9f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069];

describe('the text rule', () => {
	it('refuses control characters, bidi embeddings, overrides and isolates everywhere', () => {
		for (const cp of refusedEverywhere) {
			const s = `ab${String.fromCodePoint(cp)}c`;
			expect(textProblem(s, true)?.codePoint, cp.toString(16)).toBe(cp);
			expect(textProblem(s, false)?.index).toBe(2);
		}
		expect(textProblem('\u202eevil')?.message).toBe('contains a line separator or bidi control U+202E (right-to-left override) at character 1');
		expect(textProblem('a\u001b[31m')?.message).toBe('contains a control character U+001B (ESC) at character 2');
	});

	it('allows TAB and LF in multi-line text only', () => {
		expect(isSafeText('line 1\n\tline 2', true)).toBe(true);
		expect(textProblem('line 1\nline 2')?.message).toMatch(/U\+000A \(line feed\).*this field is one line/);
		expect(isSafeText('a\tb')).toBe(false);
	});

	it('allows every script, emoji, joiners and the bidi marks', () => {
		for (const s of ['Zoë Ærø', 'שלום עולם', 'مرحبا\u061c 12', 'a\u200eb\u200fc', 'क्‍ष', '👩‍👩‍👧', 'ＡＢＣ', '\u00a0non-breaking']) {
			expect(isSafeText(s), s).toBe(true);
		}
	});

	it('shows what it refuses as visible stand-ins that cannot reorder or escape a field', () => {
		expect(neutralizeText('Main St \u202e1 tinU')).toBe('Main St ⟨U+202E⟩1 tinU');
		expect(neutralizeText('\u001b]0;owned\u0007')).toBe('⟨U+001B⟩]0;owned⟨U+0007⟩');
		expect(neutralizeText('two\nlines')).toBe('two⟨U+000A⟩lines');
		expect(neutralizeText('two\nlines', true)).toBe('two\nlines');
		expect(neutralizeText('plain')).toBe('plain');
	});

	it('has a quick pre-test that matches every character the rule refuses (the server skips strings it does not match)', () => {
		for (let cp = 0; cp <= 0x10ffff; cp++) {
			if (cp >= 0xd800 && cp <= 0xdfff) continue;
			const c = String.fromCodePoint(cp);
			if (!isSafeText(c, false)) expect(TEXT_SUSPECT.test(c), cp.toString(16)).toBe(true);
		}
	});

	it('is part of every text field of the part schemas', () => {
		const parcel = { ...sampleParcel('RIV-000001'), addressLine: '12 Main St\u202e', notes: 'first\nsecond\u001b' };
		const r = validatePart('parcel', parcel);
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.issues.map((i) => i.path)).toEqual(['addressLine', 'notes']);
		expect(validatePart('parcel', { ...sampleParcel('RIV-000001'), notes: 'first\nsecond\tthird' }).ok).toBe(true);
		const title = sampleTitle('RIV-000001');
		const party = Object.keys(title.parties)[0];
		const bad = { ...title, parties: { ...title.parties, [party]: { ...title.parties[party], name: 'Ada\u0000' } } };
		const t = validatePart('title', bad);
		expect(t.ok).toBe(false);
		if (!t.ok) expect(t.issues[0]).toEqual({ path: `parties.${party}.name`, message: 'contains a control character U+0000 (NUL) at character 4' });
		expect(validatePart('private', { ...samplePrivate('RIV-000001'), internalNotes: 'a\n\tb' }).ok).toBe(true);
	});

	it('neutralizes a whole record for display, keys too, notes multi-line', () => {
		const shown = neutralizeValue({ addressLine: '1 Main\u202e', notes: 'a\nb\u001b', owners: ['Ada\u0085'], n: 3, ['k\u0000']: { use: 'x\ty' } });
		expect(shown).toEqual({ addressLine: '1 Main⟨U+202E⟩', notes: 'a\nb⟨U+001B⟩', owners: ['Ada⟨U+0085⟩'], n: 3, 'k⟨U+0000⟩': { use: 'x⟨U+0009⟩y' } });
	});
});
