// verifyPage: a snapshot page's bytes are split into changes, hashed (WebCrypto or noble, same
// answers) and checked against the map proof of its checkpoint; the verdict names what is wrong.
import { describe, expect, it } from 'vitest';
import { concat, toBase64, toHex } from '../core/bytes';
import { createPartDoc } from '../core/crdt/document';
import { editPart } from '../core/crdt/edit';
import { makeActor } from '../core/crdt/actors';
import { sha256 } from '../core/hash';
import { mapKey, parcelPrefix } from '../core/map/key';
import { nextLeaf } from '../core/map/leaf';
import { ParcelMap } from '../core/map/trie';
import { sampleParcel, samplePrivate, sampleTitle } from '../core/record/samples';
import type { PartName } from '../core/record/parts';
import type { SnapshotPage } from './bootstrap';
import { verifyPage } from './page-verify';
import type { ServerRow } from './search-row';

const actor = makeActor(new Uint8Array(32).fill(9), new Uint8Array(8).fill(1));
const ctx = { actor, time: 1_767_225_600 };

/** A little log: per parcel a parcel part with two changes, a title, a private part. */
function county(n: number) {
	const changes: { index: number; parcel: string; part: PartName; bytes: Uint8Array }[] = [];
	let index = 3;
	for (let i = 0; i < n; i++) {
		const id = `RIV-${String(i).padStart(4, '0')}`;
		const p = createPartDoc('parcel', id, sampleParcel(id), ctx);
		if (!p.ok) throw new Error(p.message);
		changes.push({ index: index++, parcel: id, part: 'parcel', bytes: p.change });
		const t = createPartDoc('title', id, sampleTitle(id), ctx);
		if (!t.ok) throw new Error(t.message);
		changes.push({ index: index++, parcel: id, part: 'title', bytes: t.change });
		const s = createPartDoc('private', id, samplePrivate(id), { ...ctx, salt: new Uint8Array(16).fill(i) });
		if (!s.ok) throw new Error(s.message);
		changes.push({ index: index++, parcel: id, part: 'private', bytes: s.change });
		const e = editPart(p.doc, 'parcel', { zoning: `Z${i}` }, ctx);
		if (!e.ok || !e.change) throw new Error('edit');
		changes.push({ index: index++, parcel: id, part: 'parcel', bytes: e.change });
	}
	let map = ParcelMap.empty;
	for (const c of changes) map = map.with(mapKey(c.parcel, c.part), (prev) => nextLeaf(prev, c.parcel, c.part, c.index, sha256(c.bytes)));
	return { changes, map, ids: [...new Set(changes.map((c) => c.parcel))] };
}

const { changes, map, ids } = county(12);

function page(from: number, to: number): SnapshotPage {
	const anchor = from > 0 ? ids[from - 1] : null;
	const mine = ids.slice(from, to);
	return {
		district: 'RIV',
		size: 100,
		checkpoint: '',
		mapProof: toBase64(map.prove([...(anchor ? [anchor] : []), ...mine].map(parcelPrefix))),
		parcels: mine.map((id) => {
			const of = (part: PartName) => changes.filter((c) => c.parcel === id && c.part === part);
			return {
				row: { id } as ServerRow,
				parts: { parcel: toBase64(concat(...of('parcel').map((c) => c.bytes))), title: toBase64(concat(...of('title').map((c) => c.bytes))) },
				withheld: ['private'],
				hashes: { private: of('private').map((c) => toHex(sha256(c.bytes))) }
			};
		}),
		next: to < ids.length ? ids[to - 1] : null
	};
}

describe('verifyPage', () => {
	it('accepts honest pages with either hash, and gives their leaves', async () => {
		for (const hasher of ['webcrypto', 'noble', 'js'] as const) {
			let total = 0;
			for (let from = 0; from < ids.length; from += 5) {
				const v = await verifyPage(page(from, from + 5), from ? ids[from - 1] : null, map.root, hasher);
				expect(v).toMatchObject({ ok: true });
				if (v.ok) total += v.leaves.length;
			}
			expect(total).toBe(map.size);
		}
	});

	it('names the parcel and part whose bytes are not the logged changes', async () => {
		const p = page(0, 5);
		const id = ids[2];
		const target = p.parcels[2];
		// The second change of the parcel part left out.
		const first = changes.find((c) => c.parcel === id && c.part === 'parcel')!;
		target.parts.parcel = toBase64(first.bytes);
		expect(await verifyPage(p, null, map.root)).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: id, part: 'parcel' });
		// Bytes that are not whole changes.
		target.parts.parcel = toBase64(first.bytes.subarray(0, 20));
		const cut = await verifyPage(p, null, map.root);
		expect(cut).toMatchObject({ ok: false, code: 'snapshot-part-mismatch', parcel: id, part: 'parcel' });
		if (!cut.ok) expect(cut.message).toContain('not whole Automerge changes');
	});

	it('refuses a page that leaves a parcel out, or carries no proof', async () => {
		const p = page(5, 10);
		p.parcels.splice(1, 1);
		expect(await verifyPage(p, ids[4], map.root)).toMatchObject({ ok: false, code: 'snapshot-incomplete', parcel: ids[6] });
		expect(await verifyPage({ ...page(0, 5), mapProof: undefined }, null, map.root)).toMatchObject({ ok: false, code: 'snapshot-map-proof' });
	});

	it('counts unlisted parcels (no search row) with the page', async () => {
		const p = page(5, 10);
		const [u] = p.parcels.splice(2, 1);
		p.unlisted = [{ id: u.row.id, parts: u.parts, withheld: u.withheld, hashes: u.hashes }];
		expect(await verifyPage(p, ids[4], map.root)).toMatchObject({ ok: true });
	});
});
