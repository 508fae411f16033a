import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import type { PartName } from '../record/parts';
import { sampleParcel, sampleValuation, squareGeometry } from '../record/samples';
import { makeActor } from './actors';
import { applyRemoteChanges, createPartDoc, loadPartDoc, readPart, toPlain } from './document';
import { editPart, type EditPatch } from './edit';
import { listConflicts, resolveConflict } from './conflicts';
import type { PartDoc } from './representation';

const actor = (keyByte: number, tab: number) => makeActor(new Uint8Array(32).fill(keyByte), new Uint8Array(8).fill(tab));
const alice = actor(1, 1);
const bob = actor(2, 1);
const carol = actor(3, 1);
const T0 = 1_700_000_000;

/** A replica of one part: its document and every change it has made or received. */
class Replica {
	constructor(
		public doc: PartDoc,
		readonly part: PartName,
		readonly actor: string
	) {}
	static from(origin: PartDoc, part: PartName, actor: string): Replica {
		const r = loadPartDoc(Automerge.getAllChanges(origin), { actor });
		if (!r.ok) throw new Error(r.message);
		return new Replica(r.doc, part, actor);
	}
	edit(patch: EditPatch, time = T0 + 100): Uint8Array {
		const r = editPart(this.doc, this.part, patch, { actor: this.actor, time });
		if (!r.ok || !r.change) throw new Error(r.ok ? 'no change' : `${r.code}: ${r.message}`);
		this.doc = r.doc;
		return r.change;
	}
	receive(...others: Replica[]): void {
		const changes = others.flatMap((o) => Automerge.getChanges(Automerge.init(), o.doc));
		const r = applyRemoteChanges(this.doc, changes);
		if (!r.ok) throw new Error(r.message);
		this.doc = r.doc;
	}
	get plain() {
		return toPlain(this.part, this.doc);
	}
}

function setup(part: 'parcel' | 'valuation' = 'parcel') {
	const created =
		part === 'parcel'
			? createPartDoc('parcel', 'RIV-000123', sampleParcel(), { actor: carol, time: T0 })
			: createPartDoc('valuation', 'RIV-000123', sampleValuation(), { actor: carol, time: T0 });
	if (!created.ok) throw new Error(created.message);
	return [Replica.from(created.doc, part, alice), Replica.from(created.doc, part, bob), Replica.from(created.doc, part, carol)];
}

describe('offline edits', () => {
	it('to different fields merge cleanly: both values, no conflicts, same state everywhere', () => {
		const [a, b] = setup();
		a.edit({ addressLine: '14 Mill Lane', 'buildings.b1.floors': 3 });
		b.edit({ zoning: 'R2', 'buildings.b1.floorArea': 150 });
		a.receive(b);
		b.receive(a);
		for (const r of [a, b]) {
			expect(r.plain).toMatchObject({ addressLine: '14 Mill Lane', zoning: 'R2', buildings: { b1: { floors: 3, floorArea: 150 } } });
			expect(listConflicts('parcel', r.doc)).toEqual([]);
		}
		expect(a.plain).toEqual(b.plain);
	});

	it('of the same text merge both edits', () => {
		const [a, b] = setup();
		a.edit({ notes: 'Large corner plot.' });
		b.edit({ notes: 'Corner plot. Shed at rear.' });
		a.receive(b);
		b.receive(a);
		expect(a.plain.notes).toBe('Large corner plot. Shed at rear.');
		expect(b.plain.notes).toBe(a.plain.notes);
		expect(listConflicts('parcel', a.doc)).toEqual([]);
	});

	it('to the same scalar show a conflict with both values and actors until resolved, on every replica', () => {
		const [a, b, c] = setup();
		a.edit({ addressLine: '14 Mill Lane' });
		b.edit({ addressLine: '16 Mill Lane' });
		for (const r of [a, b, c]) r.receive(a, b);
		for (const r of [a, b, c]) {
			const [conflict, ...rest] = listConflicts('parcel', r.doc);
			expect(rest).toEqual([]);
			expect(conflict.path).toBe('addressLine');
			expect(conflict.values.map((v) => [v.value, v.actor]).sort()).toEqual([
				['14 Mill Lane', alice],
				['16 Mill Lane', bob]
			]);
			expect(conflict.values.every((v) => v.opId.endsWith(`@${v.actor}`))).toBe(true);
			// The value Automerge shows is the last one listed.
			expect(r.plain.addressLine).toBe(conflict.values[1].value);
		}
		// The registrar picks Alice's value; the choice is an ordinary change.
		const resolved = resolveConflict(c.doc, 'parcel', 'addressLine', '14 Mill Lane', { actor: carol, time: T0 + 200 });
		if (!resolved.ok || !resolved.change) throw new Error('resolution failed');
		c.doc = resolved.doc;
		expect(Automerge.decodeChange(resolved.change)).toMatchObject({ actor: carol, time: T0 + 200 });
		for (const r of [a, b]) r.receive(c);
		for (const r of [a, b, c]) {
			expect(listConflicts('parcel', r.doc)).toEqual([]);
			expect(r.plain.addressLine).toBe('14 Mill Lane');
		}
	});

	it('can be resolved by keeping the value on screen (Automerge then deletes the other)', () => {
		const [a, b, c] = setup();
		a.edit({ 'buildings.b1.floors': 3 });
		b.edit({ 'buildings.b1.floors': 4 });
		for (const r of [a, b, c]) r.receive(a, b);
		const [conflict] = listConflicts('parcel', c.doc);
		expect(conflict).toMatchObject({ path: 'buildings.b1.floors' });
		const shown = conflict.values[conflict.values.length - 1].value;
		// editPart would write nothing (the value is unchanged); resolveConflict forces the write.
		expect(editPart(c.doc, 'parcel', { 'buildings.b1.floors': shown }, { actor: carol, time: T0 })).toMatchObject({ change: null });
		const r = resolveConflict(c.doc, 'parcel', 'buildings.b1.floors', shown, { actor: carol, time: T0 + 200 });
		if (!r.ok || !r.change) throw new Error('resolution failed');
		c.doc = r.doc;
		a.receive(c);
		b.receive(c);
		for (const x of [a, b, c]) {
			expect(listConflicts('parcel', x.doc)).toEqual([]);
			expect((x.plain.buildings as { b1: { floors: number } }).b1.floors).toBe(shown);
		}
	});

	it('to the geometry conflict as whole geometries', () => {
		const [a, b] = setup();
		a.edit({ geometry: squareGeometry(-1.5, 52.1, 0.002) });
		b.edit({ geometry: squareGeometry(-1.5001, 52.1) });
		a.receive(b);
		const conflicts = listConflicts('parcel', a.doc);
		expect(conflicts.map((c) => c.path)).toEqual(['geometry']);
		expect(conflicts[0].values.map((v) => v.value)).toEqual(
			expect.arrayContaining([squareGeometry(-1.5, 52.1, 0.002), squareGeometry(-1.5001, 52.1)])
		);
		expect(readPart('parcel', a.doc).ok).toBe(true);
	});

	it('adding the same building id concurrently shows one conflict of two whole buildings', () => {
		const [a, b, c] = setup();
		a.edit({ 'buildings.b2': { use: 'shed', floors: 1, floorArea: 9 } });
		b.edit({ 'buildings.b2': { use: 'garage', floors: 1, floorArea: 20 } });
		c.receive(a, b);
		const conflicts = listConflicts('parcel', c.doc);
		expect(conflicts.map((x) => x.path)).toEqual(['buildings.b2']);
		expect(conflicts[0].values.map((v) => v.value)).toEqual(
			expect.arrayContaining([
				{ use: 'shed', floors: 1, floorArea: 9 },
				{ use: 'garage', floors: 1, floorArea: 20 }
			])
		);
		const r = resolveConflict(c.doc, 'parcel', 'buildings.b2', { use: 'garage', floors: 1, floorArea: 20 }, { actor: carol, time: T0 });
		if (!r.ok) throw new Error(r.message);
		expect(listConflicts('parcel', r.doc)).toEqual([]);
		expect((r.doc.buildings as Record<string, unknown>).b2).toBeDefined();
	});

	it('two assessors valuing the same year conflict on the whole assessment, never a mix', () => {
		const [a, b] = setup('valuation');
		a.edit({ 'assessments.2025': { land: 100, improvements: 200, total: 300, assessor: 'A', date: '2025-01-02' } });
		b.edit({ 'assessments.2025': { land: 150, improvements: 250, total: 400, assessor: 'B', date: '2025-01-03' } });
		a.receive(b);
		expect(listConflicts('valuation', a.doc).map((c) => [c.path, c.values.length])).toEqual([['assessments.2025', 2]]);
		expect(readPart('valuation', a.doc).ok).toBe(true);
	});

	it('refuses to resolve what is not in conflict, and resolutions that add problems', () => {
		const [a, b] = setup();
		expect(resolveConflict(a.doc, 'parcel', 'zoning', 'R9', { actor: alice, time: T0 })).toMatchObject({ code: 'no-conflict' });
		a.edit({ recordedArea: 900 });
		b.edit({ recordedArea: 901 });
		a.receive(b);
		const r = resolveConflict(a.doc, 'parcel', 'recordedArea', -5, { actor: alice, time: T0 });
		expect(r).toMatchObject({ ok: false, code: 'invalid', issues: [{ path: 'recordedArea', message: 'must not be negative' }] });
		expect(listConflicts('parcel', a.doc)).toHaveLength(1);
	});
});
