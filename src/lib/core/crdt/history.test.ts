import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { sampleParcel, sampleValuation } from '../record/samples';
import { makeActor } from './actors';
import { createPartDoc, loadPartDoc } from './document';
import { editPart, type EditPatch } from './edit';
import { resolveConflict } from './conflicts';
import { fieldChanges, fieldHistory } from './history';
import type { PartDoc } from './representation';

const alice = makeActor(new Uint8Array(32).fill(1), new Uint8Array(8).fill(1));
const bob = makeActor(new Uint8Array(32).fill(2), new Uint8Array(8).fill(1));
const T0 = 1_700_000_000;

function edited(doc: PartDoc, patch: EditPatch, actor: string, time: number, message?: string): PartDoc {
	const r = editPart(doc, 'parcel', patch, { actor, time, message });
	if (!r.ok || !r.change) throw new Error(r.ok ? 'no change' : r.message);
	return r.doc;
}

function story(): PartDoc {
	const created = createPartDoc('parcel', 'RIV-000123', sampleParcel(), { actor: alice, time: T0, message: 'register' });
	if (!created.ok) throw new Error(created.message);
	let doc = edited(created.doc, { addressLine: '14 Mill Lane', 'buildings.b1.floors': 3 }, alice, T0 + 10, 'survey');
	doc = edited(doc, { 'buildings.b2': { use: 'shed', floors: 1, floorArea: 9 }, notes: 'Corner plot, shed.' }, alice, T0 + 20);
	doc = edited(doc, { 'buildings.b1.yearBuilt': null }, alice, T0 + 30);
	return doc;
}

describe('fieldChanges', () => {
	it('lists every change in causal order with who, when, and each field before → after', () => {
		const changes = fieldChanges(story(), 'parcel');
		expect(changes.map((c) => [c.actor, c.seq, c.time, c.message])).toEqual([
			[alice, 1, T0, 'register'],
			[alice, 2, T0 + 10, 'survey'],
			[alice, 3, T0 + 20, null],
			[alice, 4, T0 + 30, null]
		]);
		expect(changes[0].diffs.map((d) => d.path)).toEqual(Object.keys(sampleParcel()).sort());
		expect(changes[0].diffs.find((d) => d.path === 'geometry')).toMatchObject({ before: null, after: sampleParcel().geometry });
		expect(changes[1].diffs).toEqual([
			{ path: 'addressLine', before: '12 Mill Lane', after: '14 Mill Lane', resolvedConflict: false },
			{ path: 'buildings.b1.floors', before: 2, after: 3, resolvedConflict: false }
		]);
		expect(changes[2].diffs).toEqual([
			{ path: 'buildings.b2', before: null, after: { use: 'shed', floors: 1, floorArea: 9 }, resolvedConflict: false },
			{ path: 'notes', before: 'Corner plot.', after: 'Corner plot, shed.', resolvedConflict: false }
		]);
		expect(changes[3].diffs).toEqual([{ path: 'buildings.b1.yearBuilt', before: 1931, after: null, resolvedConflict: false }]);
		expect(changes[1].hash).toBe(Automerge.decodeChange(Automerge.getAllChanges(story())[1]).hash);
		expect(changes[1].deps).toEqual([changes[0].hash]);
	});

	it('shows concurrent changes from their author\'s view, and a resolution that kept the shown value', () => {
		const base = story();
		const other = loadPartDoc(Automerge.getAllChanges(base), { actor: bob });
		if (!other.ok) throw new Error(other.message);
		const a = edited(base, { zoning: 'R2' }, alice, T0 + 40);
		const b = edited(other.doc, { zoning: 'R3' }, bob, T0 + 41);
		let merged = Automerge.merge(a, b);
		const shown = merged.zoning as Automerge.ImmutableString;
		const r = resolveConflict(merged, 'parcel', 'zoning', shown.val, { actor: alice, time: T0 + 50, message: 'resolve zoning' });
		if (!r.ok) throw new Error(r.message);
		merged = r.doc;
		const changes = fieldChanges(merged, 'parcel');
		const byTime = (t: number) => changes.find((c) => c.time === t)!;
		expect(byTime(T0 + 40).diffs).toEqual([{ path: 'zoning', before: 'R1', after: 'R2', resolvedConflict: false }]);
		expect(byTime(T0 + 41).diffs).toEqual([{ path: 'zoning', before: 'R1', after: 'R3', resolvedConflict: false }]);
		const resolution = byTime(T0 + 50);
		expect(resolution.deps).toHaveLength(2);
		// Automerge.diff shows nothing here (the shown value did not change); the ops do.
		expect(Automerge.diff(merged, resolution.deps, [resolution.hash])).toEqual([]);
		expect(resolution.diffs).toEqual([{ path: 'zoning', before: shown.val, after: shown.val, resolvedConflict: true }]);
		// Causal order: every change comes after its dependencies.
		const position = new Map(changes.map((c, i) => [c.hash, i]));
		for (const c of changes) for (const d of c.deps) expect(position.get(d)!).toBeLessThan(position.get(c.hash)!);
	});
});

describe('fieldHistory', () => {
	it('follows one field through its creation inside a map and its edits', () => {
		const h = fieldHistory(story(), 'parcel', 'buildings.b1.floors');
		expect(h.map((e) => [e.seq, e.before, e.after])).toEqual([
			[1, null, 2],
			[2, 2, 3]
		]);
		expect(fieldHistory(story(), 'parcel', 'buildings.b2').map((e) => [e.seq, e.after])).toEqual([
			[3, { use: 'shed', floors: 1, floorArea: 9 }]
		]);
		expect(fieldHistory(story(), 'parcel', 'buildings.b1').map((e) => e.seq)).toEqual([1, 2, 4]);
		expect(fieldHistory(story(), 'parcel', 'notes').map((e) => e.after)).toEqual(['Corner plot.', 'Corner plot, shed.']);
		expect(fieldHistory(story(), 'parcel', 'no..path')).toEqual([]);
	});

	it('follows a field inside a JSON register', () => {
		const created = createPartDoc('valuation', 'RIV-000123', sampleValuation(), { actor: alice, time: T0 });
		if (!created.ok) throw new Error(created.message);
		let doc = created.doc;
		const patches: EditPatch[] = [
			{ 'assessments.2024.land': 95_000, 'assessments.2024.total': 255_000 },
			{ 'assessments.2024.assessor': 'B. Field' }
		];
		for (const [i, patch] of patches.entries()) {
			const r = editPart(doc, 'valuation', patch, { actor: alice, time: T0 + i + 1 });
			if (!r.ok) throw new Error(r.message);
			doc = r.doc;
		}
		expect(fieldHistory(doc, 'valuation', 'assessments.2024.land').map((e) => [e.seq, e.before, e.after])).toEqual([
			[1, null, 90_000],
			[2, 90_000, 95_000]
		]);
		expect(fieldChanges(doc, 'valuation')[2].diffs).toEqual([
			{
				path: 'assessments.2024',
				before: { ...sampleValuation().assessments['2024'], land: 95_000, total: 255_000 },
				after: { ...sampleValuation().assessments['2024'], land: 95_000, total: 255_000, assessor: 'B. Field' },
				resolvedConflict: false
			}
		]);
	});
});
