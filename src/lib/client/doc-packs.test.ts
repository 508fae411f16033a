// Packs of a download's documents (doc-packs.ts): every parcel of a page lands in exactly one pack,
// in order, and comes back as the row it was; an erasure takes a parcel out and leaves the rest.
import { describe, expect, it } from 'vitest';
import type { DocRow } from './db';
import { packDocs, unpack, without } from './doc-packs';

const rows = (n: number): DocRow[] =>
	Array.from({ length: n }, (_, i) => ({ parcelId: `RIV-${String(i).padStart(6, '0')}`, parts: { parcel: `p${i}`, ...(i % 3 ? { private: `x${i}` } : {}) }, rev: 0 }));

describe('packDocs', () => {
	it('splits a page into packs of the given size, keyed by district and first parcel', () => {
		const packs = packDocs('RIV', rows(7), 3);
		expect(packs.map((p) => p.key)).toEqual(['RIV|RIV-000000', 'RIV|RIV-000003', 'RIV|RIV-000006']);
		expect(packs.map((p) => p.ids.length)).toEqual([3, 3, 1]);
		expect(packs.every((p) => p.district === 'RIV' && p.parts.length === p.ids.length)).toBe(true);
	});

	it('gives every parcel back from its pack as the row it was, and nothing for a parcel it lacks', () => {
		const docs = rows(120);
		const packs = packDocs('RIV', docs);
		for (const d of docs) {
			const holding = packs.filter((p) => unpack(p, new Set([d.parcelId])).length);
			expect(holding).toHaveLength(1);
			expect(unpack(holding[0], new Set([d.parcelId]))).toEqual([d]);
		}
		expect(packs.flatMap((p) => unpack(p, new Set(['RIV-999999'])))).toEqual([]);
		expect(packs.flatMap((p) => unpack(p, new Set(docs.map((d) => d.parcelId))))).toEqual(docs);
	});

	it('writes no pack for a page without documents', () => {
		expect(packDocs('RIV', [])).toEqual([]);
	});
});

describe('without', () => {
	it('drops the named parcels and keeps the others with their own parts', () => {
		const [pack] = packDocs('RIV', rows(5), 5);
		const left = without(pack, new Set(['RIV-000001', 'RIV-000003']))!;
		expect(left.ids).toEqual(['RIV-000000', 'RIV-000002', 'RIV-000004']);
		expect(unpack(left, new Set(pack.ids)).map((r) => r.parts.parcel)).toEqual(['p0', 'p2', 'p4']);
		expect(unpack(left, new Set(['RIV-000001']))).toEqual([]);
		expect(left.key).toBe(pack.key);
	});

	it('is null when the pack holds none of them (nothing to rewrite)', () => {
		const [pack] = packDocs('RIV', rows(5), 5);
		expect(without(pack, new Set(['RIV-000009']))).toBeNull();
	});
});
