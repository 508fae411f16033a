import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { concat } from '../bytes';
import { sampleParcel } from '../record/samples';
import { makeActor } from './actors';
import { splitChanges } from './change-chunks';
import { createPartDoc } from './document';
import { editPart } from './edit';

const actor = makeActor(new Uint8Array(32).fill(3), new Uint8Array(8).fill(4));
const ctx = { actor, time: 1_700_000_000 };

function history(n: number): { changes: Uint8Array[]; doc: Automerge.Doc<unknown> } {
	const made = createPartDoc('parcel', 'RIV-000123', sampleParcel(), ctx);
	if (!made.ok) throw new Error(made.message);
	const changes = [made.change];
	let doc = made.doc;
	for (let i = 0; i < n; i++) {
		// Long notes make some changes larger than 127 bytes of body (a two-byte length) and some larger still.
		const r = editPart(doc, 'parcel', { zoning: `Z${i}`, notes: Array.from({ length: i * 700 }, (_, k) => String.fromCharCode(97 + ((k * 7919 + i * 3) % 26))).join('') }, ctx);
		if (!r.ok || !r.change) throw new Error('edit failed');
		changes.push(r.change);
		doc = r.doc;
	}
	return { changes, doc };
}

describe('splitChanges', () => {
	const { changes, doc } = history(5);
	const joined = concat(...changes);

	it('gives back each change of a concatenation, byte for byte, in order', () => {
		const r = splitChanges(joined);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.changes.map((c) => Array.from(c))).toEqual(changes.map((c) => Array.from(c)));
		expect(changes.some((c) => c.length > 300)).toBe(true);
		// What Automerge.load reads as a document is what was split.
		const loaded = Automerge.load<{ zoning: string }>(joined);
		expect(Automerge.getAllChanges(loaded)).toHaveLength(changes.length);
	});

	it('splits nothing into no changes', () => {
		expect(splitChanges(new Uint8Array(0))).toEqual({ ok: true, changes: [] });
	});

	it('refuses a saved document, a wrong magic number, truncation and trailing bytes', () => {
		expect(splitChanges(Automerge.save(doc))).toMatchObject({ ok: false, message: expect.stringContaining('type 0') });
		const bad = joined.slice();
		bad[changes[0].length] ^= 1;
		expect(splitChanges(bad)).toMatchObject({ ok: false, message: expect.stringContaining('change 2') });
		expect(splitChanges(joined.subarray(0, joined.length - 1)).ok).toBe(false);
		expect(splitChanges(concat(joined, new Uint8Array([0x85, 0x6f]))).ok).toBe(false);
		expect(splitChanges(concat(joined, new Uint8Array(12))).ok).toBe(false);
	});

	it('refuses malformed lengths', () => {
		const head = [0x85, 0x6f, 0x4a, 0x83, 1, 2, 3, 4, 1];
		expect(splitChanges(new Uint8Array([...head, 0x80, 0x00, 0, 0])).ok).toBe(false); // non-minimal
		expect(splitChanges(new Uint8Array([...head, 0xff, 0xff, 0xff, 0xff, 0x7f]))).toMatchObject({ ok: false, message: expect.stringContaining('overlong') });
		expect(splitChanges(new Uint8Array([...head, 0x05, 1, 2]))).toMatchObject({ ok: false, message: expect.stringContaining('claims 5 bytes') });
		expect(splitChanges(new Uint8Array([...head, 0x02, 9, 9]))).toEqual({ ok: true, changes: [new Uint8Array([...head, 0x02, 9, 9])] });
	});
});
