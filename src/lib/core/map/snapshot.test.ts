import { describe, expect, it } from 'vitest';
import { sha256 } from '../hash';
import { utf8 } from '../bytes';
import { PART_NAMES, type PartName } from '../record/parts';
import { districtPrefix, keyBit, mapKey, parcelPrefix } from './key';
import { nextLeaf, type MapLeaf } from './leaf';
import { ParcelMap, hashOfLeaves } from './trie';
import { checkSnapshotPage, leavesInRange, type PageParcel } from './snapshot';
import { verifyMapProof } from './proof';
import { chainPulled, checkDistrictRoot, packLeaves, unpackLeaves } from './device';

const ch = (s: string) => sha256(utf8(s));

interface Edit {
	index: number;
	parcel: string;
	part: PartName;
	hash: Uint8Array;
}

/** A log of edits: parcels RIV-001…RIV-030 (some parts only), a few NORTH parcels around them. */
function makeLog(): Edit[] {
	const out: Edit[] = [];
	let index = 5;
	for (let round = 0; round < 3; round++) {
		for (let p = 1; p <= 30; p++) {
			for (const [k, part] of PART_NAMES.entries()) {
				if ((p + k + round) % 3 === 0) continue;
				const parcel = `RIV-${String(p).padStart(3, '0')}`;
				out.push({ index, parcel, part, hash: ch(`${parcel} ${part} ${index}`) });
				index++;
			}
			if (p % 7 === 0) out.push({ index: index++, parcel: `NORTH-${p}`, part: 'parcel', hash: ch(`north ${index}`) });
		}
	}
	return out;
}

function mapOf(edits: Edit[]): ParcelMap {
	let m = ParcelMap.empty;
	for (const e of edits) m = m.with(mapKey(e.parcel, e.part), (prev) => nextLeaf(prev, e.parcel, e.part, e.index, e.hash));
	return m;
}

/** An honest page: every part's change hashes as served bytes, the private part listed only (withheld). */
function pageParcels(edits: Edit[], ids: string[]): PageParcel[] {
	return ids.map((id) => {
		const parts: PageParcel['parts'] = {};
		for (const part of PART_NAMES) {
			const hashes = edits.filter((e) => e.parcel === id && e.part === part).map((e) => e.hash);
			if (!hashes.length) continue;
			parts[part] = part === 'private' ? { served: null, listed: hashes } : { served: hashes, listed: null };
		}
		return { id, parts };
	});
}

const log = makeLog();
const map = mapOf(log);
const ids = [...new Set(log.filter((e) => e.parcel.startsWith('RIV-')).map((e) => e.parcel))].sort();

function page(m: ParcelMap, edits: Edit[], from: number, to: number, over: Partial<{ parcels: PageParcel[]; proofIds: string[] }> = {}) {
	const anchor = from > 0 ? ids[from - 1] : null;
	const mine = ids.slice(from, to);
	const proofIds = over.proofIds ?? [...(anchor ? [anchor] : []), ...mine];
	return {
		district: 'RIV',
		proof: m.prove(proofIds.map(parcelPrefix)),
		mapRoot: m.root,
		anchor,
		last: to >= ids.length,
		parcels: over.parcels ?? pageParcels(edits, mine)
	};
}

describe('checkSnapshotPage', () => {
	it('accepts honest pages, which together give every leaf of the district', () => {
		const leaves: MapLeaf[] = [];
		for (let from = 0; from < ids.length; from += 8) {
			const r = checkSnapshotPage(page(map, log, from, from + 8));
			expect(r).toMatchObject({ ok: true });
			if (r.ok) leaves.push(...r.leaves);
		}
		expect(leaves).toEqual(map.leavesUnder(districtPrefix('RIV')));
	});

	it('accepts pages at a larger tree size than the one before (the anchor may have changed since)', () => {
		const later = [...log, { index: 1000, parcel: ids[7], part: 'title' as const, hash: ch('late') }, { index: 1001, parcel: ids[9], part: 'parcel' as const, hash: ch('late 2') }];
		expect(checkSnapshotPage(page(map, log, 0, 8)).ok).toBe(true);
		expect(checkSnapshotPage(page(mapOf(later), later, 8, 16))).toMatchObject({ ok: true });
	});

	it('accepts a parcel with no entry yet (a search row ahead of the size), also as the last parcel and as the next anchor', () => {
		const ahead = 'RIV-0085'; // between ids[7] (RIV-008) and ids[8] (RIV-009)
		const mine = [...ids.slice(0, 8), ahead];
		const first = { district: 'RIV', proof: map.prove(mine.map(parcelPrefix)), mapRoot: map.root, anchor: null, last: false, parcels: [...pageParcels(log, ids.slice(0, 8)), { id: ahead, parts: {} }] };
		expect(checkSnapshotPage(first)).toMatchObject({ ok: true });
		const second = { district: 'RIV', proof: map.prove([ahead, ...ids.slice(8, 16)].map(parcelPrefix)), mapRoot: map.root, anchor: ahead, last: false, parcels: pageParcels(log, ids.slice(8, 16)) };
		const r = checkSnapshotPage(second);
		expect(r).toMatchObject({ ok: true });
		if (r.ok) expect(r.leaves).toEqual(map.leavesUnder(districtPrefix('RIV')).filter((l) => l.parcel >= ids[8] && l.parcel <= ids[15]));
		// Sending bytes for it is refused.
		const invented = { ...first, parcels: [...first.parcels.slice(0, -1), { id: ahead, parts: { parcel: { served: [ch('x')], listed: null } } }] };
		expect(checkSnapshotPage(invented)).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: ahead });
	});

	it("takes a parcel's claims leaf as the proof gives it, and refuses a page that leaves out a parcel holding one", () => {
		const claims = [3, 10].map((k, i) => ({ index: 2000 + i, parcel: ids[k], part: 'claims' as const, hash: ch(`claim ${k}`) }));
		let m = map;
		for (const c of claims) m = m.with(mapKey(c.parcel, 'claims'), (prev) => nextLeaf(prev, c.parcel, 'claims', c.index, c.hash));
		const r = checkSnapshotPage(page(m, log, 0, 16));
		expect(r).toMatchObject({ ok: true });
		if (r.ok) expect(r.leaves.filter((l) => l.part === 'claims').map((l) => l.parcel)).toEqual([ids[3], ids[10]]);
		const p = page(m, log, 0, 16);
		expect(checkSnapshotPage({ ...p, parcels: p.parcels.filter((x) => x.id !== ids[10]) })).toMatchObject({ ok: false, code: 'snapshot-incomplete', parcel: ids[10] });
	});

	it('refuses a proof for another map root', () => {
		const p = page(map, log, 0, 8);
		expect(checkSnapshotPage({ ...p, mapRoot: ParcelMap.empty.root })).toMatchObject({ ok: false, code: 'snapshot-map-proof' });
	});

	it('refuses a page that leaves a parcel out, in the middle or at the end', () => {
		const p = page(map, log, 8, 16);
		const without = p.parcels.filter((x) => x.id !== ids[11]);
		expect(checkSnapshotPage({ ...p, parcels: without })).toMatchObject({ ok: false, code: 'snapshot-incomplete', parcel: ids[11] });
		// A proof that hides the left-out parcel instead.
		const hidden = page(map, log, 8, 16, { parcels: without, proofIds: [ids[7], ...ids.slice(8, 16).filter((id) => id !== ids[11])] });
		expect(checkSnapshotPage(hidden)).toMatchObject({ ok: false, code: 'snapshot-incomplete' });
		// The last page may not stop early either.
		const last = page(map, log, 24, 30);
		const cut = { ...last, parcels: last.parcels.slice(0, -1), proof: map.prove([ids[23], ...ids.slice(24, 29)].map(parcelPrefix)) };
		expect(checkSnapshotPage(cut)).toMatchObject({ ok: false, code: 'snapshot-incomplete' });
	});

	it('refuses a page that skips parcels since the previous page', () => {
		const p = page(map, log, 8, 16);
		const skipping = { ...p, anchor: ids[5], proof: map.prove([ids[5], ...ids.slice(8, 16)].map(parcelPrefix)) };
		expect(checkSnapshotPage(skipping)).toMatchObject({ ok: false, code: 'snapshot-incomplete' });
	});

	it('refuses an invented parcel, one of another district, and parcels out of order', () => {
		const p = page(map, log, 0, 8);
		const invented: PageParcel = { id: 'RIV-0015', parts: { parcel: { served: [ch('x')], listed: null } } };
		const withInvented = [...p.parcels.slice(0, 2), invented, ...p.parcels.slice(2)].sort((a, b) => (a.id < b.id ? -1 : 1));
		expect(checkSnapshotPage({ ...p, parcels: withInvented })).toMatchObject({ ok: false, parcel: 'RIV-0015' });
		expect(checkSnapshotPage({ ...p, parcels: [...p.parcels, { id: 'NORTH-7', parts: {} }] })).toMatchObject({ ok: false, code: 'snapshot-incomplete', parcel: 'NORTH-7' });
		expect(checkSnapshotPage({ ...p, parcels: [p.parcels[1], p.parcels[0], ...p.parcels.slice(2)] })).toMatchObject({ ok: false, code: 'snapshot-incomplete' });
	});

	it('refuses a part with a change added, left out, replaced or reordered, naming the parcel and part', () => {
		const p = page(map, log, 0, 8);
		const id = p.parcels[3].id;
		const part = (Object.keys(p.parcels[3].parts) as PartName[]).find((x) => x !== 'private')!;
		const served = p.parcels[3].parts[part]!.served!;
		expect(served.length).toBeGreaterThanOrEqual(2);
		const variants = [[...served, ch('extra')], served.slice(1), [ch('other'), ...served.slice(1)], [served[1], served[0], ...served.slice(2)]];
		for (const v of variants) {
			const parcels = p.parcels.map((x) => (x.id === id ? { ...x, parts: { ...x.parts, [part]: { served: v, listed: null } } } : x));
			const r = checkSnapshotPage({ ...p, parcels });
			expect(r).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: id, part });
			if (!r.ok) expect(r.message).toContain(`parcel ${id}, part ${part}`);
		}
	});

	it('refuses bytes of a part the log does not hold, and a logged part with neither bytes nor hashes', () => {
		const target = ids[3];
		const fewer = log.filter((e) => !(e.parcel === target && e.part === 'title'));
		const p = page(mapOf(fewer), fewer, 0, 8);
		expect(checkSnapshotPage(p).ok).toBe(true);
		const extra = p.parcels.map((x) => (x.id === target ? { ...x, parts: { ...x.parts, title: { served: [ch('new')], listed: null } } } : x));
		expect(checkSnapshotPage({ ...p, parcels: extra })).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: target, part: 'title' });
		const dropped = p.parcels.map((x) => (x.id === target ? { ...x, parts: { ...x.parts, parcel: undefined } } : x));
		expect(checkSnapshotPage({ ...p, parcels: dropped })).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: target, part: 'parcel' });
	});

	it('checks listed hashes: served bytes must be among them, and the digest is over the list', () => {
		const p = page(map, log, 0, 8);
		const x = p.parcels.find((y) => y.parts.parcel && y.parts.parcel.served!.length >= 2)!;
		const all = x.parts.parcel!.served!;
		// Erased changes: some bytes served, all listed.
		const erased = { served: all.slice(1), listed: all };
		const ok = p.parcels.map((y) => (y === x ? { ...y, parts: { ...y.parts, parcel: erased } } : y));
		expect(checkSnapshotPage({ ...p, parcels: ok })).toMatchObject({ ok: true });
		const foreign = { served: [ch('not listed')], listed: all };
		const bad = p.parcels.map((y) => (y === x ? { ...y, parts: { ...y.parts, parcel: foreign } } : y));
		expect(checkSnapshotPage({ ...p, parcels: bad })).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: x.id, part: 'parcel' });
		const short = { served: null, listed: all.slice(1) };
		const bad2 = p.parcels.map((y) => (y === x ? { ...y, parts: { ...y.parts, parcel: short } } : y));
		expect(checkSnapshotPage({ ...p, parcels: bad2 })).toMatchObject({ ok: false, code: 'snapshot-part-mismatch' });
	});

	it('checks an empty district and the empty last page', () => {
		const empty = { district: 'EAST', proof: map.prove([districtPrefix('EAST')]), mapRoot: map.root, anchor: null, last: true, parcels: [] };
		expect(checkSnapshotPage(empty)).toEqual({ ok: true, leaves: [] });
		const notEmpty = { ...empty, district: 'RIV', proof: map.prove([districtPrefix('EAST')]) };
		expect(checkSnapshotPage(notEmpty)).toMatchObject({ ok: false, code: 'snapshot-incomplete' });
	});
});

describe('the device map', () => {
	it('packs and unpacks leaves', () => {
		const leaves = map.leavesUnder(districtPrefix('RIV'));
		expect(unpackLeaves(packLeaves(leaves))).toEqual(leaves);
		expect(() => unpackLeaves(packLeaves(leaves).subarray(0, 50))).toThrow();
	});

	it('chains pulled edits once, and the district then matches the map of the whole log', () => {
		// A device holds pages at several sizes, then pulls from the first page's size.
		const cut = 60;
		const first = mapOf(log.filter((e) => e.index < cut));
		const held = new Map<string, MapLeaf>();
		for (const l of first.leavesUnder(districtPrefix('RIV'))) held.set(mapKey(l.parcel, l.part), l);
		// A later page re-sent some parcels at a larger size.
		for (const l of mapOf(log.filter((e) => e.index < cut + 40)).leavesUnder(parcelPrefix(ids[2]))) held.set(mapKey(l.parcel, l.part), l);
		let skipped = 0;
		for (const e of log.filter((x) => x.index >= cut && x.parcel.startsWith('RIV-'))) {
			const next = chainPulled(held.get(mapKey(e.parcel, e.part)), e.parcel, e.part, e.index, e.hash);
			if (next) held.set(mapKey(e.parcel, e.part), next);
			else skipped++;
		}
		expect(skipped).toBeGreaterThan(0);
		const mine = [...held.values()];
		const d = districtPrefix('RIV');
		expect(checkDistrictRoot('RIV', hashOfLeaves(mine), mine.length, map.pathTo(d), map.root)).toEqual({ ok: true });
		// One edit the device was not given.
		const fewer = mine.filter((l) => l.parcel !== ids[4]);
		expect(checkDistrictRoot('RIV', hashOfLeaves(fewer), fewer.length, map.pathTo(d), map.root)).toEqual({
			ok: false,
			message: 'the log says district RIV holds edits this device was not given'
		});
		expect(checkDistrictRoot('RIV', hashOfLeaves([]), 0, map.pathTo(d), map.root).ok).toBe(false);
		expect(checkDistrictRoot('EAST', hashOfLeaves([]), 0, null, map.root)).toEqual({ ok: true });
		expect(checkDistrictRoot('RIV', hashOfLeaves(mine), mine.length, null, map.root).ok).toBe(false);
	});
});

describe('leavesInRange', () => {
	it('reads hidden subtrees as the key ranges they cover (against a bit-by-bit reading)', () => {
		// Proofs of single parcels hide most of the map; compare the verdict with a slow reading
		// that derives each hidden subtree's range bit by bit.
		for (const id of [ids[0], ids[9], ids[29], 'NORTH-14', 'RIV-0005']) {
			const v = verifyMapProof(map.prove([parcelPrefix(id)]), map.root);
			if (!v.ok) throw new Error(v.message);
			const bound = (w: string, bit: number, side: number, fill: number) => {
				let out = '';
				for (let byte = 0; byte < 33; byte++) {
					let x = 0;
					for (let b = 0; b < 8; b++) {
						const i = byte * 8 + b;
						x = (x << 1) | (i < bit ? keyBit(w, i) : i === bit ? side : fill);
					}
					out += String.fromCharCode(x);
				}
				return out;
			};
			const p = parcelPrefix(id).key;
			for (const [lo, hi] of [[p, p + '\u00ff'], [p.slice(0, 8) + '\u0000'.repeat(25), p + '\u00ff'], [p + '\u00ff', p.slice(0, 8) + '\u00ff'.repeat(25)]]) {
				const slow = v.value.items.every((it) => it.t === 'leaf' || (it.witness !== null && !(bound(it.witness, it.bit, it.side, 1) > lo && bound(it.witness, it.bit, it.side, 0) <= hi)));
				expect(leavesInRange(v.value, lo, hi) !== null).toBe(slow);
			}
		}
	});
});
