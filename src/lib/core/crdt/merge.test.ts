import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import type { PartName } from '../record/parts';
import { sampleParcel, samplePrivate, sampleTitle, sampleValuation } from '../record/samples';
import { makeActor } from './actors';
import { createPartDoc, loadPartDoc, toPlain } from './document';
import { editPart } from './edit';
import { mergeDocs, publicView } from './merge';
import type { PartDoc } from './representation';

const alice = makeActor(new Uint8Array(32).fill(1), new Uint8Array(8).fill(1));
const bob = makeActor(new Uint8Array(32).fill(2), new Uint8Array(8).fill(1));
const T0 = 1_700_000_000;

const SAMPLES = { parcel: sampleParcel, valuation: sampleValuation, title: sampleTitle, private: samplePrivate };

function doc(part: PartName, id = 'RIV-000123'): PartDoc {
	const r = createPartDoc(part, id, SAMPLES[part](id), { actor: alice, time: T0, salt: new Uint8Array(16) });
	if (!r.ok) throw new Error(r.message);
	return r.doc;
}

describe('mergeDocs', () => {
	it('merges two replicas of one part', () => {
		const a = doc('parcel');
		const copy = loadPartDoc(Automerge.save(a), { actor: bob });
		if (!copy.ok) throw new Error(copy.message);
		const ea = editPart(a, 'parcel', { zoning: 'R2' }, { actor: alice, time: T0 + 1 });
		const eb = editPart(copy.doc, 'parcel', { landUse: 'mixed' }, { actor: bob, time: T0 + 1 });
		if (!ea.ok || !eb.ok) throw new Error('edit failed');
		const merged = mergeDocs(ea.doc, eb.doc);
		expect(merged.ok && toPlain('parcel', merged.doc)).toMatchObject({ zoning: 'R2', landUse: 'mixed' });
		// b is not used up; a is, like Automerge.merge.
		expect(toPlain('parcel', eb.doc).zoning).toBe('R1');
	});

	it('refuses documents of different parcels', () => {
		expect(mergeDocs(doc('parcel'), doc('parcel', 'RIV-000124'))).toMatchObject({ ok: false, code: 'parcel-mismatch' });
	});
});

describe('publicView', () => {
	it('merges the public parts into one object and never includes private', () => {
		const r = publicView({ parcel: doc('parcel'), valuation: doc('valuation'), title: doc('title'), private: doc('private') });
		if (!r.ok) throw new Error(r.message);
		const { id: _i1, ...valuation } = sampleValuation();
		const { id: _i2, ...title } = sampleTitle();
		expect(r.value).toEqual({ ...sampleParcel(), ...valuation, ...title });
		expect(r.issues).toEqual([]);
		const text = JSON.stringify(r.value);
		for (const secret of ['QQ123456C', 'ada@example.org', 'prefers e-mail', 'nationalIds', 'contacts', 'internalNotes']) {
			expect(text).not.toContain(secret);
		}
	});

	it('gives empty maps for parts not yet created', () => {
		const r = publicView({ parcel: doc('parcel') });
		expect(r.ok && r.value).toMatchObject({ assessments: {}, parties: {}, rights: {}, sources: {} });
	});

	it('refuses parts of another parcel and reports problems with part-prefixed paths', () => {
		expect(publicView({ parcel: doc('parcel'), title: doc('title', 'RIV-9') })).toMatchObject({ ok: false, code: 'parcel-mismatch' });
		const title = doc('title');
		const broken = Automerge.change(title, { time: T0 }, (d) => {
			delete (d.parties as Record<string, unknown>).p2; // what a merge of concurrent edits can leave behind
		});
		const r = publicView({ parcel: doc('parcel'), title: broken });
		expect(r.ok && r.issues).toEqual([{ path: 'title.rights.r2.holder', message: 'no party "p2" in parties' }]);
	});
});
