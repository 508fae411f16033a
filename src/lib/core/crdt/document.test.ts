import { describe, expect, it, vi } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { sampleParcel, samplePrivate, sampleTitle, sampleValuation } from '../record/samples';
import { makeActor } from './actors';
import { applyRemoteChanges, createPartDoc, loadPartDoc, readPart, toPlain } from './document';
import { editPart } from './edit';
import { isSaltedMessage } from './write';
import type { PartDoc } from './representation';

// Wrap applyChanges so the tests can count calls; behaviour is unchanged.
vi.mock('@automerge/automerge', async (importOriginal) => {
	const real = await importOriginal<typeof import('@automerge/automerge')>();
	return { ...real, applyChanges: vi.fn(real.applyChanges) };
});

const key = new Uint8Array(32).fill(7);
const alice = makeActor(key, new Uint8Array(8).fill(1));
const bob = makeActor(key, new Uint8Array(8).fill(2));
const T0 = 1_700_000_000;

function created(part: 'parcel', id?: string): PartDoc {
	const r = createPartDoc(part, id ?? 'RIV-000123', sampleParcel(id), { actor: alice, time: T0 });
	if (!r.ok) throw new Error(r.message);
	return r.doc;
}

describe('createPartDoc', () => {
	it('creates each part in one change that sets id and every field', () => {
		const samples = { parcel: sampleParcel(), valuation: sampleValuation(), title: sampleTitle(), private: samplePrivate() };
		for (const [part, value] of Object.entries(samples) as [keyof typeof samples, (typeof samples)[keyof typeof samples]][]) {
			const { id: _id, ...fields } = value;
			const salt = new Uint8Array(16).fill(7);
			const r = createPartDoc(part, 'RIV-000123', fields, { actor: alice, time: T0, message: `create ${part}`, salt });
			expect(r.ok, part).toBe(true);
			if (!r.ok) continue;
			expect(toPlain(part, r.doc)).toEqual(value);
			expect(Automerge.getAllChanges(r.doc)).toHaveLength(1);
			const decoded = Automerge.decodeChange(r.change);
			const message = part === 'private' ? `salt:${'07'.repeat(16)} create ${part}` : `create ${part}`;
			expect(decoded).toMatchObject({ actor: alice, seq: 1, time: T0, message, deps: [] });
		}
	});

	it('salts every private-part change, so its public hash cannot confirm a guessed value', () => {
		const { id: _id, ...fields } = samplePrivate();
		expect(() => createPartDoc('private', 'RIV-000123', fields, { actor: alice, time: T0 })).toThrow(/salt/);
		const a = createPartDoc('private', 'RIV-000123', fields, { actor: alice, time: T0, salt: new Uint8Array(16).fill(1) });
		const b = createPartDoc('private', 'RIV-000123', fields, { actor: alice, time: T0, salt: new Uint8Array(16).fill(2) });
		if (!a.ok || !b.ok) throw new Error('create failed');
		// Same actor, time and value: only the salt differs, and so do the bytes and the hash.
		expect(Buffer.from(a.change).equals(Buffer.from(b.change))).toBe(false);
		expect(isSaltedMessage(Automerge.decodeChange(a.change).message)).toBe(true);
		expect(() => editPart(a.doc, 'private', { 'nationalIds.p1': 'QQ999999C' }, { actor: alice, time: T0 + 1 })).toThrow(/salt/);
	});

	it('stores scalars as registers, notes as text and geometry as one JSON register', () => {
		const doc = created('parcel');
		expect(Automerge.isImmutableString(doc.addressLine)).toBe(true);
		expect(Automerge.isImmutableString(doc.id)).toBe(true);
		expect(Automerge.isImmutableString((doc.buildings as Record<string, Record<string, unknown>>).b1.use)).toBe(true);
		expect(typeof doc.recordedArea).toBe('number');
		expect(Automerge.isImmutableString(doc.geometry)).toBe(true);
		expect(JSON.parse((doc.geometry as Automerge.ImmutableString).val)).toEqual(sampleParcel().geometry);
		// Text reads as a plain string and is an object of its own (ID `counter@actor`).
		expect(typeof doc.notes).toBe('string');
		expect(Automerge.isImmutableString(doc.notes)).toBe(false);
		expect(Automerge.getObjectId(doc, 'notes')).toMatch(/^\d+@[0-9a-f]{48}$/);
	});

	it('gives the same bytes for the same content, actor and time, whatever the key order', () => {
		const a = createPartDoc('parcel', 'RIV-000123', sampleParcel(), { actor: alice, time: T0 });
		const reordered = Object.fromEntries(Object.entries(sampleParcel()).reverse()) as ReturnType<typeof sampleParcel>;
		const b = createPartDoc('parcel', 'RIV-000123', reordered, { actor: alice, time: T0 });
		const c = createPartDoc('parcel', 'RIV-000123', sampleParcel(), { actor: alice, time: T0 + 1 });
		if (!a.ok || !b.ok || !c.ok) throw new Error('create failed');
		expect(a.change).toEqual(b.change);
		expect(a.change).not.toEqual(c.change);
	});

	it('refuses invalid content, a bad id and a mismatched id, with every issue', () => {
		const bad = { ...sampleParcel(), status: 'lost', recordedArea: -1 } as unknown as ReturnType<typeof sampleParcel>;
		const r = createPartDoc('parcel', 'RIV-000123', bad, { actor: alice, time: T0 });
		expect(r).toMatchObject({ ok: false, code: 'invalid' });
		expect(!r.ok && r.issues.map((i) => i.path)).toEqual(['recordedArea', 'status']);
		expect(createPartDoc('parcel', 'riv-1', sampleParcel('riv-1'), { actor: alice, time: T0 })).toMatchObject({ code: 'bad-parcel-id' });
		expect(createPartDoc('parcel', 'RIV-2', sampleParcel('RIV-1'), { actor: alice, time: T0 })).toMatchObject({ code: 'parcel-mismatch' });
	});

	it('refuses a malformed actor or time as misuse', () => {
		expect(() => createPartDoc('parcel', 'RIV-1', sampleParcel('RIV-1'), { actor: 'abcd', time: T0 })).toThrow(RangeError);
		expect(() => createPartDoc('parcel', 'RIV-1', sampleParcel('RIV-1'), { actor: alice, time: 1.5 })).toThrow(RangeError);
	});
});

describe('loading and remote changes', () => {
	it('loads saved bytes and change lists to the same content', () => {
		let doc = created('parcel');
		const e = editPart(doc, 'parcel', { zoning: 'R2' }, { actor: alice, time: T0 + 60 });
		if (!e.ok) throw new Error(e.message);
		doc = e.doc;
		const fromSave = loadPartDoc(Automerge.save(doc), { actor: bob });
		const fromChanges = loadPartDoc(Automerge.getAllChanges(doc), { actor: bob });
		if (!fromSave.ok || !fromChanges.ok) throw new Error('load failed');
		expect(toPlain('parcel', fromSave.doc)).toEqual(toPlain('parcel', doc));
		expect(toPlain('parcel', fromChanges.doc)).toEqual(toPlain('parcel', doc));
		expect(Automerge.getActorId(fromSave.doc)).toBe(bob);
		expect(readPart('parcel', fromSave.doc).ok).toBe(true);
	});

	it('applies a whole batch in ONE Automerge call, in any order, and reports missing dependencies', () => {
		let doc = created('parcel');
		for (let i = 0; i < 200; i++) {
			const e = editPart(doc, 'parcel', { recordedArea: 800 + i }, { actor: alice, time: T0 + i });
			if (!e.ok) throw new Error(e.message);
			doc = e.doc;
		}
		const changes = Automerge.getAllChanges(doc);
		const spy = vi.mocked(Automerge.applyChanges);
		spy.mockClear();
		const partial = loadPartDoc(changes.slice(1).reverse(), { actor: bob });
		expect(spy).toHaveBeenCalledTimes(1);
		if (!partial.ok) throw new Error(partial.message);
		expect(partial.missingDeps).toHaveLength(1);
		expect(toPlain('parcel', partial.doc)).toEqual({});
		spy.mockClear();
		const full = applyRemoteChanges(partial.doc, [changes[0]]);
		expect(spy).toHaveBeenCalledTimes(1);
		if (!full.ok) throw new Error(full.message);
		expect(full.missingDeps).toEqual([]);
		expect(toPlain('parcel', full.doc).recordedArea).toBe(999);
	});

	it('refuses a duplicate actor/seq or garbage as a value and leaves the document usable', () => {
		const base = created('parcel');
		const first = Automerge.getAllChanges(base);
		// Two tabs with the same actor: both make seq 2, which Automerge cannot merge.
		const tab1 = loadPartDoc(first, { actor: bob });
		const tab2 = loadPartDoc(first, { actor: bob });
		if (!tab1.ok || !tab2.ok) throw new Error('load failed');
		const e1 = editPart(tab1.doc, 'parcel', { zoning: 'A' }, { actor: bob, time: T0 });
		const e2 = editPart(tab2.doc, 'parcel', { zoning: 'B' }, { actor: bob, time: T0 });
		if (!e1.ok || !e2.ok || !e1.change || !e2.change) throw new Error('edit failed');
		const merged = applyRemoteChanges(e1.doc, [e2.change]);
		expect(merged).toMatchObject({ ok: false, code: 'bad-changes' });
		expect(!merged.ok && merged.message).toMatch(/duplicate seq/);
		expect(applyRemoteChanges(e1.doc, [new Uint8Array([1, 2, 3])])).toMatchObject({ ok: false, code: 'bad-changes' });
		expect(loadPartDoc(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, code: 'bad-document' });
		const after = editPart(e1.doc, 'parcel', { zoning: 'C' }, { actor: bob, time: T0 + 1 });
		expect(after.ok && toPlain('parcel', after.doc).zoning).toBe('C');
	});
});

describe('scale', () => {
	it('creates 1000 parcel documents quickly (figure printed, not asserted)', () => {
		const started = performance.now();
		let bytes = 0;
		for (let i = 0; i < 1000; i++) {
			const id = `RIV-${String(i).padStart(6, '0')}`;
			const r = createPartDoc('parcel', id, sampleParcel(id), { actor: alice, time: T0 });
			if (!r.ok) throw new Error(r.message);
			bytes += r.change.length;
		}
		const ms = performance.now() - started;
		console.log(`created 1000 parcel docs in ${ms.toFixed(0)} ms (${(bytes / 1000).toFixed(0)} bytes per first change)`);
		expect(bytes).toBeGreaterThan(0);
	});
});
