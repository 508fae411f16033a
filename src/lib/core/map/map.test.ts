import { describe, expect, it } from 'vitest';
import { sha256 } from '../hash';
import { utf8 } from '../bytes';
import { PART_NAMES, type PartName } from '../record/parts';
import { districtPrefix, mapKey, parcelPrefix, parseMapKey } from './key';
import { chainDigest, decodeMapLeaf, digestOf, EMPTY_DIGEST, encodeMapLeaf, mapLeafHash, mapLeafHashOfValue, nextLeaf, type MapLeaf } from './leaf';
import { decodeProof, encodeProof } from './proof-codec';
import { leavesUnder, rootFromPath, verifyMapProof } from './proof';
import { EMPTY_MAP_ROOT, hashOfLeaves, ParcelMap } from './trie';

const ch = (s: string) => sha256(utf8(s));

/** A deterministic pseudo-random log of edits over a few districts. */
function edits(n: number, seed = 1) {
	let x = seed;
	const rnd = (m: number) => {
		// mulberry32
		x = (x + 0x6d2b79f5) | 0;
		let t = Math.imul(x ^ (x >>> 15), 1 | x);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) % m;
	};
	const districts = ['RIV', 'NORTH', 'EAST', 'R1'];
	return Array.from({ length: n }, (_, index) => {
		const d = districts[rnd(districts.length)];
		const parcel = `${d}-${String(rnd(60)).padStart(rnd(2) ? 6 : 3, '0')}`;
		return { index, parcel, part: PART_NAMES[rnd(4)] as PartName, hash: ch(`change ${index}`) };
	});
}

function mapOf(list: ReturnType<typeof edits>) {
	let m = ParcelMap.empty;
	for (const e of list) m = m.with(mapKey(e.parcel, e.part), (p) => nextLeaf(p, e.parcel, e.part, e.index, e.hash));
	return m;
}

describe('map keys', () => {
	it('round-trips and keeps a district and a parcel contiguous', () => {
		const k = mapKey('RIV-000123', 'title');
		expect(k.length).toBe(33);
		expect(parseMapKey(k)).toEqual({ parcelId: 'RIV-000123', part: 'title' });
		expect(k.startsWith(districtPrefix('RIV').key)).toBe(true);
		expect(k.startsWith(parcelPrefix('RIV-000123').key)).toBe(true);
		// Parcel-id order within a district is key order.
		expect(mapKey('RIV-0001', 'parcel') < mapKey('RIV-00010', 'parcel')).toBe(true);
		expect(parseMapKey('x'.repeat(33))).toBeNull();
	});
});

describe('the parcel map', () => {
	const log = edits(2000);
	const map = mapOf(log);

	it('is canonical: built edit by edit or from its leaves, the root is the same', () => {
		const leaves = [...new Set(log.map((e) => mapKey(e.parcel, e.part)))].map((k) => map.get(k)!);
		expect(map.size).toBe(leaves.length);
		expect(hashOfLeaves(leaves.reverse())).toEqual(map.root);
		expect(ParcelMap.empty.root).toEqual(EMPTY_MAP_ROOT);
	});

	it('holds for each part the count, last index and the digest of its changes in log order', () => {
		const e = log[1500];
		const mine = log.filter((x) => x.parcel === e.parcel && x.part === e.part);
		const leaf = map.get(mapKey(e.parcel, e.part))!;
		expect(leaf.count).toBe(mine.length);
		expect(leaf.lastIndex).toBe(mine.at(-1)!.index);
		expect(leaf.digest).toEqual(digestOf(mine.map((x) => x.hash)));
	});

	it('hashes a leaf the same from its value bytes; digests chain step by step and are arrays of their own', () => {
		const e = log[42];
		const leaf = map.get(mapKey(e.parcel, e.part))!;
		const value = encodeMapLeaf(leaf);
		expect(mapLeafHashOfValue(value)).toEqual(mapLeafHash(decodeMapLeaf(value)));
		const hashes = [ch('a'), ch('b'), ch('c')];
		const a = digestOf(hashes);
		const b = digestOf(hashes.slice(0, 2));
		expect(a).toEqual(hashes.reduce((d, h) => chainDigest(d, h), EMPTY_DIGEST));
		expect(b).toEqual(chainDigest(chainDigest(EMPTY_DIGEST, hashes[0]), hashes[1]));
		expect(a).not.toEqual(b);
		expect(digestOf([])).toEqual(EMPTY_DIGEST);
	});

	it('keeps old versions intact (path copying)', () => {
		const before = map.root;
		const next = map.with(mapKey('RIV-999', 'parcel'), (p) => nextLeaf(p, 'RIV-999', 'parcel', 5000, ch('x')));
		expect(map.root).toEqual(before);
		expect(next.root).not.toEqual(before);
		expect(next.size).toBe(map.size + 1);
	});

	it('proves all parts of a parcel, and nothing hidden can be one of them', () => {
		const id = log[77].parcel;
		const proof = map.prove([parcelPrefix(id)]);
		const v = verifyMapProof(proof, map.root);
		expect(v.ok).toBe(true);
		if (!v.ok) return;
		const got = leavesUnder(v.value, parcelPrefix(id));
		expect(got.ok && got.value.map((l) => l.part).sort()).toEqual(map.leavesUnder(parcelPrefix(id)).map((l) => l.part).sort());
		expect(proof.length).toBeLessThan(2000);
	});

	it('proves that a parcel has no entry', () => {
		for (const id of ['RIV-999999', 'ZZ-1', 'NORTH-0', 'AA-1']) {
			const v = verifyMapProof(map.prove([parcelPrefix(id)]), map.root);
			expect(v.ok).toBe(true);
			if (!v.ok) return;
			const got = leavesUnder(v.value, parcelPrefix(id));
			expect(got).toEqual({ ok: true, value: [] });
		}
	});

	it('proves a whole district, and a proof of another parcel does not', () => {
		const d = districtPrefix('R1');
		const v = verifyMapProof(map.prove([d]), map.root);
		expect(v.ok && leavesUnder(v.value, d)).toEqual({ ok: true, value: map.leavesUnder(d) });
		const other = verifyMapProof(map.prove([parcelPrefix(map.leavesUnder(d)[0].parcel)]), map.root);
		expect(other.ok && leavesUnder(other.value, d).ok).toBe(false);
	});

	it('proves runs of parcels that chain into a whole district', () => {
		const d = districtPrefix('RIV');
		const all = map.leavesUnder(d);
		const ids = [...new Set(all.map((l) => l.parcel))];
		let after: string | undefined;
		const seen: MapLeaf[] = [];
		for (let i = 0; i < ids.length; i += 7) {
			const page = ids.slice(i, i + 7);
			const anchor = i ? ids[i - 1] : null;
			const v = verifyMapProof(map.prove([...(anchor ? [anchor] : []), ...page].map(parcelPrefix)), map.root);
			expect(v.ok).toBe(true);
			if (!v.ok) return;
			const last = i + 7 >= ids.length;
			const through = last ? undefined : mapKey(page.at(-1)!, map.leavesUnder(parcelPrefix(page.at(-1)!)).at(-1)!.part);
			const got = leavesUnder(v.value, d, { after, through });
			expect(got.ok).toBe(true);
			if (got.ok) seen.push(...got.value);
			after = through;
		}
		expect(seen).toEqual(all);
		// Skipping a parcel between two pages is caught: the next page's proof hides it.
		const v = verifyMapProof(map.prove([ids[3], ids[5]].map(parcelPrefix)), map.root);
		const anchorKey = mapKey(ids[3], map.leavesUnder(parcelPrefix(ids[3])).at(-1)!.part);
		expect(v.ok && leavesUnder(v.value, d, { after: anchorKey }).ok).toBe(false);
	});

	it('gives a district path that, with the district computed from its leaves, leads to the root', () => {
		const d = districtPrefix('EAST');
		const path = map.pathTo(d)!;
		expect(rootFromPath(d, hashOfLeaves(map.leavesUnder(d)), path)).toEqual({ ok: true, value: map.root });
		const fewer = map.leavesUnder(d).slice(1);
		const r = rootFromPath(d, hashOfLeaves(fewer), path);
		expect(r.ok && r.value).not.toEqual(map.root);
		expect(map.pathTo(districtPrefix('NONE'))).toBeNull();
	});

	it('refuses a proof that was tampered with', () => {
		const id = log[5].parcel;
		const proof = map.prove([parcelPrefix(id)]);
		for (const at of [3, 10, Math.floor(proof.length / 2), proof.length - 1]) {
			const t = proof.slice();
			t[at] ^= 1;
			const v = verifyMapProof(t, map.root);
			const stillFine = v.ok && (() => { const g = leavesUnder(v.value, parcelPrefix(id)); return g.ok && JSON.stringify(g.value) === JSON.stringify(map.leavesUnder(parcelPrefix(id))); })();
			expect(stillFine).toBe(false);
		}
		expect(verifyMapProof(proof.slice(0, -1), map.root).ok).toBe(false);
		expect(verifyMapProof(proof, ParcelMap.empty.root).ok).toBe(false);
	});

	it('refuses a proof that hides a part of the parcel under a hash', () => {
		const id = log.find((e) => map.leavesUnder(parcelPrefix(e.parcel)).length >= 2)!.parcel;
		const top = decodeProof(map.prove([parcelPrefix(id)]))!;
		// Replace the revealed subtree of the parcel with its hash: the root still matches.
		const hideParcel = (n: typeof top): typeof top => {
			if (n.t !== 'branch') return n;
			if (n.bit >= 256) return { t: 'hash', hash: ParcelMap.fromLeaves(map.leavesUnder(parcelPrefix(id))).root };
			return { ...n, left: hideParcel(n.left), right: hideParcel(n.right) };
		};
		const v = verifyMapProof(encodeProof(hideParcel(top)), map.root);
		// Either the proof is now ill-formed (a branch revealing nothing) or it hides the parcel.
		expect(v.ok && leavesUnder(v.value, parcelPrefix(id)).ok).toBe(false);
		expect(v.ok ? '' : v.code).not.toBe('malformed-map-proof');
	});

	it('reads proofs strictly: malformed bytes are malformed-map-proof, a bad structure in good bytes is invalid-map-proof', () => {
		const id = log[77].parcel;
		const bytes = map.prove([parcelPrefix(id)]);
		expect(encodeProof(decodeProof(bytes))).toEqual(bytes);
		const codeOf = (b: Uint8Array) => {
			const v = verifyMapProof(b, map.root);
			return v.ok ? 'ok' : v.code;
		};
		expect(codeOf(bytes)).toBe('ok');
		expect(codeOf(bytes.subarray(0, bytes.length - 1))).toBe('malformed-map-proof');
		expect(codeOf(Uint8Array.from([...bytes, 0]))).toBe('malformed-map-proof');
		expect(codeOf(Uint8Array.from([1, 1, 7]))).toBe('malformed-map-proof');
		// A branch whose bit does not grow: a structural fault in well-formed bytes …
		const top = decodeProof(bytes)!;
		const flat = (n: typeof top): typeof top => (n.t === 'branch' ? { ...n, bit: 0, left: n.left, right: n.right } : n);
		const bad = encodeProof(top.t === 'branch' && top.left.t === 'branch' ? { ...top, left: flat(top.left) } : flat(top));
		expect(codeOf(bad)).toBe('invalid-map-proof');
		// … but malformed when its bytes are also cut short further on.
		expect(codeOf(bad.subarray(0, bad.length - 1))).toBe('malformed-map-proof');
	});

	it('proves against the empty map', () => {
		const v = verifyMapProof(ParcelMap.empty.prove([parcelPrefix('RIV-1')]), EMPTY_MAP_ROOT);
		expect(v.ok && leavesUnder(v.value, parcelPrefix('RIV-1'))).toEqual({ ok: true, value: [] });
	});
});

describe('batch updates', () => {
	it('give the same map as one update at a time, whatever the batches', () => {
		const log = edits(3000, 7);
		const one = mapOf(log);
		for (const size of [1, 13, 250, 3000]) {
			let m = ParcelMap.empty;
			for (let i = 0; i < log.length; i += size) {
				m = m.withAll(log.slice(i, i + size).map((e) => ({ key: mapKey(e.parcel, e.part), next: (p: MapLeaf | undefined) => nextLeaf(p, e.parcel, e.part, e.index, e.hash) })));
			}
			expect(m.root).toEqual(one.root);
			expect(m.size).toBe(one.size);
		}
	});
});
