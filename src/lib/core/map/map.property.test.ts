// Properties of the parcel map over random sets of keys: proofs reveal exactly the leaves under
// the prefixes asked for, absence is proven, and a proof for one prefix never vouches for another.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { districtPrefix, mapKey, parcelPrefix, type MapPrefix } from './key';
import { nextLeaf } from './leaf';
import { leavesUnder, verifyMapProof } from './proof';
import { hashOfLeaves, ParcelMap } from './trie';
import { PART_NAMES } from '../record/parts';

const district = fc.constantFrom('RIV', 'RI', 'R1', 'NORTH', 'AB', 'ABCDEFGH');
const local = fc.stringMatching(/^[A-Z0-9]{1,6}$/);
const edit = fc.record({ district, local, part: fc.constantFrom(...PART_NAMES) });

function mapOf(edits: { district: string; local: string; part: (typeof PART_NAMES)[number] }[]) {
	return ParcelMap.empty.withAll(
		edits.map((e, index) => {
			const id = `${e.district}-${e.local}`;
			return { key: mapKey(id, e.part), next: (p: Parameters<typeof nextLeaf>[0]) => nextLeaf(p, id, e.part, index, new Uint8Array(32).fill(index & 255)) };
		})
	);
}

const prefixOf = (q: { kind: 'd' | 'p'; district: string; local: string }): MapPrefix =>
	q.kind === 'd' ? districtPrefix(q.district) : parcelPrefix(`${q.district}-${q.local}`);
const query = fc.record({ kind: fc.constantFrom('d' as const, 'p' as const), district, local });

describe('parcel map properties', () => {
	it('a proof of some prefixes reveals exactly the leaves under each, and the root is canonical', () => {
		fc.assert(
			fc.property(fc.array(edit, { maxLength: 60 }), fc.array(query, { minLength: 1, maxLength: 4 }), (edits, queries) => {
				const map = mapOf(edits);
				expect(hashOfLeaves(map.leavesUnder({ key: '', bits: 0 }))).toEqual(map.root);
				const prefixes = queries.map(prefixOf);
				const v = verifyMapProof(map.prove(prefixes), map.root);
				expect(v.ok).toBe(true);
				if (!v.ok) return;
				for (const p of prefixes) expect(leavesUnder(v.value, p)).toEqual({ ok: true, value: map.leavesUnder(p) });
			}),
			{ numRuns: 300 }
		);
	});

	it('a proof for one prefix never vouches for a different, non-empty one it does not cover', () => {
		fc.assert(
			fc.property(fc.array(edit, { minLength: 2, maxLength: 60 }), query, query, (edits, asked, other) => {
				const map = mapOf(edits);
				const [a, b] = [prefixOf(asked), prefixOf(other)];
				const v = verifyMapProof(map.prove([a]), map.root);
				if (!v.ok) return false;
				const claimed = leavesUnder(v.value, b);
				// Whatever it claims about b must be the truth, or it must refuse.
				return !claimed.ok || JSON.stringify(claimed.value) === JSON.stringify(map.leavesUnder(b));
			}),
			{ numRuns: 500 }
		);
	});
});
