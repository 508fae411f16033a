// docs/protocol.md "Parcel map" quotes the vectors the code computes.
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { parcelPrefix } from './key';
import { leavesUnder, verifyMapProof } from './proof';
import { mapVectors } from './vectors';

const docs = Object.values(import.meta.glob<string>('/docs/*.md', { query: '?raw', import: 'default', eager: true })).join('\n');
const section = docs.slice(docs.indexOf('## Parcel map'), docs.indexOf('## Extracts'));

describe('parcel map vectors (docs/protocol.md "Parcel map")', () => {
	const v = mapVectors();

	it('are quoted in the docs as the code computes them', () => {
		expect(section.length).toBeGreaterThan(100);
		for (const value of Object.values(v)) expect(section).toContain(value);
	});

	it('verify: the parcel proof gives both parts, the absence proof none', () => {
		const root = fromHex(v.root);
		const p = verifyMapProof(fromHex(v.parcelProof), root);
		expect(p.ok && leavesUnder(p.value, parcelPrefix('RIV-000123'))).toMatchObject({ ok: true, value: [{ part: 'parcel', count: 2, lastIndex: 5 }, { part: 'private', count: 1, lastIndex: 3 }] });
		const a = verifyMapProof(fromHex(v.absentProof), root);
		expect(a.ok && leavesUnder(a.value, parcelPrefix('RIV-000125'))).toEqual({ ok: true, value: [] });
	});
});
