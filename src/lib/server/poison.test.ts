// Issue 22: the server refuses, with 422 bad-change and nothing logged, every change a device
// could not use — the check devices actually rely on (core/crdt/change-check.js), in the check
// workers the server uses and in this thread alike — and survives the wasm panics it provokes.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { fixChecksum, flipBit } from '../core/crdt/tamper';
import { editToWire } from '../core/signing/submit';
import { sampleParcel } from '../core/record/samples';
import type { PartDoc } from '../core/crdt/representation';
import { CheckPool } from './check-pool';
import { editChange, genesisChange, sqliteFixture, type Fixture } from './testing/fixture';
import { handleSubmissions } from './http/submissions';
import { appendUnchecked } from './testing/unchecked-append';
import { verifyStore } from './verify-store';
import { projectParcel } from './projection/projector';

const pool = new CheckPool(2);
afterAll(() => pool.close());

describe.each([
	{ name: 'in the check workers', usePool: true },
	{ name: 'in this thread', usePool: false }
])('poison changes are refused $name', ({ usePool }) => {
	let f: Fixture;
	let doc: PartDoc;
	const ID = 'RIV-P1';
	beforeEach(async () => {
		f = await sqliteFixture({ checkPool: usePool ? pool : undefined });
		const g = genesisChange(f.assessor, 'parcel', ID, sampleParcel(ID));
		const [r] = await f.ledger.submit([await f.edit(f.assessor, ID, 'parcel', g.change)]);
		expect(r.status).toBe('accepted');
		doc = g.doc;
	});
	afterEach(() => f.cleanup());

	async function post(parcel: string, change: Uint8Array) {
		const wire = editToWire(await f.edit(f.assessor, parcel, 'parcel', change));
		const request = new Request('http://127.0.0.1/api/edits', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits: [wire] }) });
		const res = await handleSubmissions(request, f.ledger, 'edits');
		return { status: res.status, body: (await res.json()) as { results: { status: string; code?: string; message?: string }[] } };
	}

	async function expectRefused(change: Uint8Array, message: RegExp, parcel = ID) {
		const before = f.ledger.sequencer.size;
		const { status, body } = await post(parcel, change);
		expect(body.results[0].code, JSON.stringify(body.results[0])).toBe("bad-change");
		expect(status).toBe(422);
		expect(body.results[0].message).toMatch(message);
		expect(f.ledger.sequencer.size).toBe(before);
		expect((await f.store.head())?.size).toBe(before);
	}

	it('a corrupt checksum, a flipped byte, a truncated change', async () => {
		const change = editChange(f.assessor, doc, 'parcel', { addressLine: '1 New Road' }).change!;
		const badSum = Uint8Array.from(change);
		badSum[6] ^= 0xff;
		await expectRefused(badSum, /checksum/);
		const flipped = Uint8Array.from(change);
		flipped[Math.floor(change.length / 2)] ^= 0x10;
		await expectRefused(flipped, /checksum|not an Automerge change/);
		await expectRefused(change.subarray(0, change.length - 7), /not an Automerge change|cut short|bytes of body/);
		// The genuine change is still accepted afterwards.
		expect((await post(ID, change)).status).toBe(200);
	});

	it('a flipped byte with its checksum recomputed, that Automerge cannot apply', async () => {
		const change = editChange(f.assessor, doc, 'parcel', { addressLine: '1 New Road', notes: 'a longer note to give the change body some columns' }).change!;
		// The oracle: Automerge itself, on this document.
		let poison: Uint8Array | null = null;
		for (let at = 20; at < change.length && !poison; at++) {
			const c = fixChecksum(flipBit(change, at));
			let decoded: Automerge.DecodedChange;
			try {
				decoded = Automerge.decodeChange(c);
			} catch {
				continue;
			}
			if (decoded.actor !== f.assessor.actor || decoded.seq !== 2 || decoded.deps.join() !== Automerge.getHeads(doc).join()) continue;
			try {
				Automerge.applyChanges(Automerge.clone(doc), [c]);
			} catch {
				poison = c;
			}
		}
		expect(poison).not.toBeNull();
		await expectRefused(poison!, /devices could not use this change: Automerge cannot (apply|load)/);
		expect((await post(ID, change)).status).toBe(200);
	});

	it('a change valid for another document', async () => {
		// Another parcel's first change, sent as this parcel's: it would set this part's id.
		const other = genesisChange(f.assessor, 'parcel', 'RIV-P2', sampleParcel('RIV-P2'));
		await expectRefused(other.change, /sets the part's id to "RIV-P2"/);
		// This assessor's edit of another document (created by someone else, so its objects are not
		// this one's), its dependencies and sequence number made to fit this document.
		const foreignDoc = genesisChange(f.registrar, 'parcel', 'RIV-P2', sampleParcel('RIV-P2')).doc;
		const otherEdit = editChange(f.assessor, foreignDoc, 'parcel', { 'buildings.b1.floors': 7 });
		const decoded = Automerge.decodeChange(otherEdit.change!);
		const forged = Automerge.encodeChange({ ...decoded, seq: 2, deps: Automerge.getHeads(doc) });
		await expectRefused(forged, /devices could not use this change/);
	});

	it('a change whose dependencies exist but whose operations do not fit the document', async () => {
		const change = editChange(f.assessor, doc, 'parcel', { 'buildings.b1.floors': 5 }).change!;
		const decoded = Automerge.decodeChange(change);
		const foreignObject = Automerge.encodeChange({ ...decoded, ops: decoded.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${f.assessor.actor}` })) });
		await expectRefused(foreignObject, /devices could not use this change: Automerge cannot/);
		// Text inserted after a character the document does not have.
		const text = editChange(f.assessor, doc, 'parcel', { notes: `${String(doc.notes)} and more` }).change!;
		const t = Automerge.decodeChange(text);
		const noSuchElement = Automerge.encodeChange({
			...t,
			ops: t.ops.map((op) => ((op as { elemId?: string }).elemId && (op as { elemId?: string }).elemId !== '_head' ? { ...op, elemId: `997@${f.assessor.actor}` } : op))
		});
		await expectRefused(noSuchElement, /devices could not use this change/);
		expect((await post(ID, change)).status).toBe(200);
	});
});

describe('the check pool after a wasm panic', () => {
	it('replaces the worker that saw it, and goes on checking', async () => {
		const f = await sqliteFixture({ checkPool: pool });
		try {
			const g = genesisChange(f.assessor, 'parcel', 'RIV-P3', sampleParcel('RIV-P3'));
			await f.ledger.submit([await f.edit(f.assessor, 'RIV-P3', 'parcel', g.change)]);
			const change = editChange(f.assessor, g.doc, 'parcel', { 'buildings.b1.floors': 5 }).change!;
			const decoded = Automerge.decodeChange(change);
			const panics = Automerge.encodeChange({ ...decoded, ops: decoded.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${f.assessor.actor}` })) });
			const before = pool.replaced;
			const [r] = await f.ledger.submit([await f.edit(f.assessor, 'RIV-P3', 'parcel', panics)]);
			expect(r.status === 'refused' && r.code).toBe('bad-change');
			expect(pool.replaced).toBeGreaterThan(before);
			const [ok] = await f.ledger.submit([await f.edit(f.assessor, 'RIV-P3', 'parcel', change)]);
			expect(ok.status).toBe('accepted');
		} finally {
			await f.cleanup();
		}
	});
});

describe('a log that already holds a bad change (written before these checks)', () => {
	it('still verifies on start, and the projector keeps the rest of the parcel and shows text safely', async () => {
		const f = await sqliteFixture();
		try {
			const ID = 'RIV-P4';
			const g = genesisChange(f.assessor, 'parcel', ID, sampleParcel(ID));
			const e1 = editChange(f.assessor, g.doc, 'parcel', { addressLine: '7 Good Street' });
			for (const c of [g.change, e1.change!]) expect((await f.ledger.submit([await f.edit(f.assessor, ID, 'parcel', c)]))[0].status).toBe('accepted');
			// A poison change by a second tab of the same assessor, and a later good edit beside it.
			const tab2 = { ...f.assessor, actor: f.assessor.actor.slice(0, 32) + 'ffffffffffffffff' };
			const bad = editChange(tab2, e1.doc, 'parcel', { 'buildings.b1.floors': 9 }).change!;
			const d = Automerge.decodeChange(bad);
			const poison = Automerge.encodeChange({ ...d, ops: d.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${tab2.actor}` })) });
			const spoof = editChange(f.assessor, e1.doc, 'parcel', { zoning: 'R9' }).change!;
			const zd = Automerge.decodeChange(spoof);
			// Text the rule refuses now: a right-to-left override in the zoning value.
			const spoofed = Automerge.encodeChange({ ...zd, ops: zd.ops.map((op) => (op.key === 'zoning' ? { ...op, value: 'R9 \u202eesuoh' } : op)) });
			const [badIndex] = await appendUnchecked(f.store, f.ledger.identity, [await f.edit(tab2, ID, 'parcel', poison), await f.edit(f.assessor, ID, 'parcel', spoofed)], f.clock.now);
			expect((await verifyStore(f.store, f.ledger.identity)).size).toBe(badIndex + 2);

			const warnings: string[] = [];
			const warn = console.warn;
			console.warn = (...a: unknown[]) => void warnings.push(a.join(' '));
			let row;
			try {
				row = await projectParcel(f.store, ID, badIndex + 2);
			} finally {
				console.warn = warn;
			}
			expect(row?.addressLine).toBe('7 Good Street');
			expect(row?.zoning).toBe('R9 ⟨U+202E⟩esuoh');
			expect(warnings.join('\n')).toContain(`entry ${badIndex} (change`);
		} finally {
			await f.cleanup();
		}
	});
});
