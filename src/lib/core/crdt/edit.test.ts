import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { samplePrivate, sampleParcel, sampleTitle, sampleValuation } from '../record/samples';
import { filesNamedBy } from '../files/named-files';
import { makeActor } from './actors';
import { createPartDoc, readPart, toPlain } from './document';
import { editPart } from './edit';
import type { PartDoc } from './representation';

const key = new Uint8Array(32).fill(9);
const alice = makeActor(key, new Uint8Array(8).fill(1));
const bob = makeActor(key, new Uint8Array(8).fill(2));
const T0 = 1_700_000_000;

function parcelDoc(): PartDoc {
	const r = createPartDoc('parcel', 'RIV-000123', sampleParcel(), { actor: alice, time: T0 });
	if (!r.ok) throw new Error(r.message);
	return r.doc;
}

describe('editPart', () => {
	it('writes root, nested and text fields as one change with the given time and message', () => {
		const r = editPart(
			parcelDoc(),
			'parcel',
			{ addressLine: '14 Mill Lane', 'buildings.b1.floors': 3, notes: 'Corner plot. Garage rebuilt.' },
			{ actor: alice, time: T0 + 60, message: 'survey 2024' }
		);
		if (!r.ok || !r.change) throw new Error('edit failed');
		expect(toPlain('parcel', r.doc)).toMatchObject({
			addressLine: '14 Mill Lane',
			buildings: { b1: { floors: 3, use: 'house' } },
			notes: 'Corner plot. Garage rebuilt.'
		});
		expect(Automerge.decodeChange(r.change)).toMatchObject({ actor: alice, seq: 2, time: T0 + 60, message: 'survey 2024' });
		expect(Automerge.isImmutableString(r.doc.addressLine)).toBe(true);
	});

	it('edits text as splices, not by replacing the text object', () => {
		const r = editPart(parcelDoc(), 'parcel', { notes: 'Corner plot!' }, { actor: alice, time: T0 });
		if (!r.ok || !r.change) throw new Error('edit failed');
		const ops = Automerge.decodeChange(r.change).ops;
		expect(ops.every((op) => op.obj === Automerge.getObjectId(r.doc, 'notes'))).toBe(true);
		expect(ops.length).toBeLessThanOrEqual(2); // delete '.', insert '!'
	});

	it('returns a null change and the same document when nothing changes', () => {
		const doc = parcelDoc();
		const same = { addressLine: '12 Mill Lane', 'buildings.b1': sampleParcel().buildings.b1 };
		const r = editPart(doc, 'parcel', same, { actor: alice, time: T0 });
		expect(r).toMatchObject({ ok: true, change: null });
		expect(r.ok && Automerge.getHeads(r.doc)).toEqual(Automerge.getHeads(doc));
		expect(editPart(doc, 'parcel', {}, { actor: alice, time: T0 })).toMatchObject({ ok: true, change: null });
	});

	it('deletes with null and adds maps whole', () => {
		const r = editPart(
			parcelDoc(),
			'parcel',
			{ 'buildings.b1.yearBuilt': null, 'buildings.b2': { use: 'shed', floors: 1, floorArea: 9 } },
			{ actor: alice, time: T0 }
		);
		if (!r.ok) throw new Error(r.message);
		expect(toPlain('parcel', r.doc).buildings).toEqual({
			b1: { use: 'house', floors: 2, floorArea: 140 },
			b2: { use: 'shed', floors: 1, floorArea: 9 }
		});
	});

	it('replaces a map field by field, so only what differs is written', () => {
		const b1 = { ...sampleParcel().buildings.b1, floors: 4 };
		delete (b1 as { yearBuilt?: number }).yearBuilt;
		const r = editPart(parcelDoc(), 'parcel', { 'buildings.b1': b1 }, { actor: alice, time: T0 });
		if (!r.ok || !r.change) throw new Error('edit failed');
		const ops = Automerge.decodeChange(r.change).ops.map((op) => `${op.action} ${op.key}`);
		expect(ops.sort()).toEqual(['del yearBuilt', 'set floors']);
	});

	it('refuses an invalid edit with every problem and its path, leaving the document as it was', () => {
		const doc = parcelDoc();
		const heads = Automerge.getHeads(doc);
		const r = editPart(
			doc,
			'parcel',
			{ status: 'lost', 'buildings.b1.floors': -1, locality: null, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 1]]] } },
			{ actor: alice, time: T0 }
		);
		expect(r).toMatchObject({ ok: false, code: 'invalid' });
		expect(!r.ok && r.issues).toEqual([
			{ path: 'buildings.b1.floors', message: 'must not be negative' },
			{ path: 'geometry.coordinates.0', message: 'a ring must be closed (last position = first)' },
			{ path: 'geometry.coordinates.0', message: 'a ring needs at least 4 positions' },
			{ path: 'locality', message: 'required' },
			{ path: 'status', message: 'must be active, retired or pending' }
		]);
		expect(Automerge.getHeads(doc)).toEqual(heads);
		expect(toPlain('parcel', doc)).toEqual(sampleParcel());
	});

	it('refuses bad paths and the id', () => {
		const doc = parcelDoc();
		const ctx = { actor: alice, time: T0 };
		expect(editPart(doc, 'parcel', { id: 'RIV-9' }, ctx)).toMatchObject({ code: 'immutable-field' });
		expect(editPart(doc, 'parcel', { 'a..b': 1 }, ctx)).toMatchObject({ code: 'bad-path' });
		expect(editPart(doc, 'parcel', { '__proto__.x': 1 }, ctx)).toMatchObject({ code: 'bad-path' });
		expect(editPart(doc, 'parcel', { 'notes.x': 'y' }, ctx)).toMatchObject({ code: 'bad-path' });
		expect(editPart(doc, 'parcel', { 'addressLine.x': 'y' }, ctx)).toMatchObject({ code: 'bad-path' });
		expect(editPart(doc, 'parcel', { 'buildings.b1': null, 'buildings.b1.floors': 2 }, ctx)).toMatchObject({ code: 'bad-path' });
		// '-' sorts before '.', so overlapping paths need not be neighbours.
		const apart = { 'buildings.b1-x.floors': 1, 'buildings.b1-y': null, 'buildings.b1-x': null };
		expect(editPart(doc, 'parcel', apart, ctx)).toMatchObject({ code: 'bad-path' });
		expect(editPart(doc, 'parcel', { colour: 'red' }, ctx)).toMatchObject({
			code: 'invalid',
			issues: [{ path: 'colour', message: 'unknown field' }]
		});
	});

	it('reaches into JSON registers and rewrites them whole', () => {
		const r0 = createPartDoc('valuation', 'RIV-000123', sampleValuation(), { actor: alice, time: T0 });
		if (!r0.ok) throw new Error(r0.message);
		const patch = { 'assessments.2024.land': 100_000, 'assessments.2024.total': 260_000 };
		const r = editPart(r0.doc, 'valuation', patch, { actor: alice, time: T0 });
		if (!r.ok || !r.change) throw new Error('edit failed');
		expect(toPlain('valuation', r.doc).assessments).toEqual({
			'2024': { land: 100_000, improvements: 160_000, total: 260_000, assessor: 'A. Field', date: '2024-03-01' }
		});
		expect(Automerge.decodeChange(r.change).ops).toHaveLength(1);
		const bad = editPart(r.doc, 'valuation', { 'assessments.2024.land': 1 }, { actor: alice, time: T0 });
		expect(bad).toMatchObject({
			ok: false,
			issues: [{ path: 'assessments.2024.total', message: 'total must equal land + improvements (160001)' }]
		});
	});

	it('writes as the given actor even when the document was loaded with another', () => {
		const r = editPart(parcelDoc(), 'parcel', { zoning: 'R2' }, { actor: bob, time: T0 });
		if (!r.ok || !r.change) throw new Error('edit failed');
		expect(Automerge.decodeChange(r.change)).toMatchObject({ actor: bob, seq: 1 });
	});

	it('makes identical bytes for identical edits on identical replicas', () => {
		const a = editPart(parcelDoc(), 'parcel', { zoning: 'R3', notes: 'x' }, { actor: bob, time: T0 + 5 });
		const b = editPart(parcelDoc(), 'parcel', { notes: 'x', zoning: 'R3' }, { actor: bob, time: T0 + 5 });
		if (!a.ok || !b.ok || !a.change || !b.change) throw new Error('edit failed');
		expect(a.change).toEqual(b.change);
	});

	it('keeps a document that a merge left invalid editable, but never lets an edit add a problem', () => {
		const created = createPartDoc('title', 'RIV-000123', sampleTitle(), { actor: alice, time: T0 });
		if (!created.ok) throw new Error(created.message);
		const other = Automerge.load<Record<string, unknown>>(Automerge.save(created.doc), { actor: bob });
		// Alice removes party p2 while Bob, offline, gives p2 a lease: each valid, the merge is not.
		const a = editPart(created.doc, 'title', { 'rights.r2': null, 'parties.p2': null }, { actor: alice, time: T0 + 1 });
		const lease = { type: 'lease', holder: 'p2', share: { num: 1, den: 1 }, start: '2024-01-01' };
		const b = editPart(other, 'title', { 'rights.r3': lease }, { actor: bob, time: T0 + 1 });
		if (!a.ok || !b.ok) throw new Error('edit failed');
		const merged = Automerge.merge(a.doc, b.doc);
		expect(readPart('title', merged)).toMatchObject({ ok: false, issues: [{ path: 'rights.r3.holder' }] });
		const unrelated = editPart(merged, 'title', { 'parties.p1.name': 'Ada King' }, { actor: alice, time: T0 + 2 });
		if (!unrelated.ok) throw new Error(unrelated.message);
		const worse = editPart(unrelated.doc, 'title', { 'rights.r1.holder': 'p7' }, { actor: alice, time: T0 + 3 });
		expect(worse).toMatchObject({ ok: false, code: 'invalid', issues: [{ path: 'rights.r1.holder', message: 'no party "p7" in parties' }] });
		const bank = { name: 'Northern Bank', kind: 'organization' };
		const repaired = editPart(unrelated.doc, 'title', { 'parties.p2': bank }, { actor: alice, time: T0 + 3 });
		expect(repaired.ok && readPart('title', repaired.doc).ok).toBe(true);
	});
});

describe('claimants in the private part', () => {
	it('are one JSON register per claim: read back whole, and the change names no file', () => {
		const salt = new Uint8Array(16).fill(3);
		const created = createPartDoc('private', 'RIV-000123', samplePrivate(), { actor: alice, time: T0, salt });
		if (!created.ok) throw new Error(created.message);
		const id = 'ab'.repeat(32);
		const r = editPart(created.doc, 'private', { [`claimants.${id}`]: { name: 'Ada Lovelace', contact: 'ada@example.org' } }, { actor: alice, time: T0 + 1, salt });
		if (!r.ok || !r.change) throw new Error(r.ok ? 'no change' : r.message);
		expect(toPlain('private', r.doc).claimants).toEqual({ [id]: { name: 'Ada Lovelace', contact: 'ada@example.org' } });
		expect(filesNamedBy(r.change)).toEqual([]);
	});
});
