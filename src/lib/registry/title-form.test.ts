import { describe, expect, it } from 'vitest';
import { sampleTitle } from '../core/record/samples';
import type { JsonObject } from '../core/record/json';
import { nextKey, shareSums, titleIssues, titlePatch, toModel } from './title-form';

describe('the title editor model', () => {
	const before = sampleTitle('RIV-000123') as unknown as JsonObject;

	it('round-trips a title and patches only what changed', () => {
		const m = toModel(before);
		expect(titlePatch(before, m)).toEqual({});
		m.parties[0].name = 'Ada King';
		expect(titlePatch(before, m)).toEqual({ 'parties.p1': { name: 'Ada King', kind: m.parties[0].kind } });
	});

	it('sums shares per right type exactly and refuses sums other than 1', () => {
		const m = toModel(before);
		const owner = m.rights.find((r) => r.type === 'ownership')!;
		m.rights.push({ ...owner, key: nextKey('r', m.rights.map((r) => r.key)), num: 1, den: 3 });
		owner.num = 2;
		owner.den = 3;
		expect(shareSums(m).find((s) => s.type === 'ownership')).toEqual({ type: 'ownership', num: 1, den: 1, ok: true });
		expect(titleIssues(before, m)).toEqual([]);
		owner.den = 4;
		expect(shareSums(m).find((s) => s.type === 'ownership')).toMatchObject({ num: 5, den: 6, ok: false });
		expect(titleIssues(before, m).map((i) => i.message)).toContain('shares of ownership rights sum to 5/6; they must sum to exactly 1');
		m.rights = m.rights.filter((r) => r.key !== owner.key);
		expect(titlePatch(before, m)[`rights.${owner.key}`]).toBeNull();
	});
});
