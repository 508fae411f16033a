import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { applyIsolated, chunkProblem, fitChanges, loadIsolated, opsProblem } from './change-check.js';
import { splitChanges } from './change-chunks';
import { fixChecksum, flipBit as flip } from './tamper';

const ACTOR = 'aa'.repeat(24);
const OTHER = 'bb'.repeat(24);
const S = (s: string) => new Automerge.ImmutableString(s);

/** A part-like document with 6 changes by one actor. */
function history() {
	let d = Automerge.change(Automerge.init<Record<string, unknown>>({ actor: ACTOR }), (d) => {
		d.id = S('RIV-1');
		d.notes = 'hello world';
		d.buildings = { b1: { use: S('house'), floors: 2 } };
	});
	const changes = [Automerge.getLastLocalChange(d)!];
	for (let i = 0; i < 5; i++) {
		d = Automerge.change(d, (d) => {
			d.addressLine = S(`Main St ${i}`);
			Automerge.splice(d, ['notes'], i, 1, 'XY');
			(d.buildings as Record<string, Record<string, unknown>>).b1.floors = i;
		});
		changes.push(Automerge.getLastLocalChange(d)!);
	}
	return { doc: d, changes, hashes: changes.map((c) => Automerge.decodeChange(c).hash) };
}

describe('chunkProblem', () => {
	const { changes, hashes } = history();
	it('accepts a change as Automerge writes it', () => {
		expect(chunkProblem(changes[3], hashes[3])).toBeNull();
	});
	it('refuses a corrupt checksum, a flipped byte, a truncated change and trailing bytes', () => {
		const c = changes[3];
		const badSum = flip(c, 5, 1);
		expect(chunkProblem(badSum, Automerge.decodeChange(badSum).hash)).toMatch(/checksum .* does not match its contents/);
		// A byte flipped in the body no longer matches the checksum (decodeChange does not look).
		for (let at = 12; at < c.length; at += 7) {
			const f = flip(c, at);
			let hash: string;
			try {
				hash = Automerge.decodeChange(f).hash;
			} catch {
				continue; // not even decodable: refused before this check
			}
			expect(chunkProblem(f, hash), `byte ${at}`).toMatch(/checksum/);
		}
		expect(chunkProblem(c.subarray(0, c.length - 4), hashes[3])).toMatch(/claims \d+ bytes of body/);
		expect(chunkProblem(new Uint8Array([...c, 0]), hashes[3])).toMatch(/claims \d+ bytes of body/);
		expect(chunkProblem(c.subarray(0, 6), hashes[3])).toBe('the change is cut short');
	});
});

describe('opsProblem', () => {
	const change = (fn: (d: Record<string, unknown>) => void) =>
		Automerge.decodeChange(Automerge.getLastLocalChange(Automerge.change(Automerge.init<Record<string, unknown>>({ actor: ACTOR }), fn))!);
	it('refuses strings the text rule refuses, with multi-line rules for Automerge text only', () => {
		expect(opsProblem(change((d) => ((d.id = S('RIV-1')), (d.notes = 'two\nlines\tok'))), 'RIV-1')).toBeNull();
		expect(opsProblem(change((d) => (d.addressLine = S('12 Main St\u202e'))), 'RIV-1')?.code).toBe('bad-text');
		expect(opsProblem(change((d) => (d.addressLine = S('two\nlines'))), 'RIV-1')?.message).toMatch(/^the value of "addressLine" contains a control character U\+000A/);
		expect(opsProblem(change((d) => (d.notes = 'bell\u0007')), 'RIV-1')?.message).toMatch(/^text contains a control character U\+0007/);
		expect(opsProblem(change((d) => (d['bad\u001bkey'] = 1)), 'RIV-1')?.message).toMatch(/^a field name contains/);
		// A JSON register escapes control characters; they are found inside.
		expect(opsProblem(change((d) => (d.geometry = S(JSON.stringify({ a: ['x\u001by'] })))), 'RIV-1')?.code).toBe('bad-text');
		expect(opsProblem(change((d) => (d.geometry = S(JSON.stringify({ type: 'Point', coordinates: [1, 2] })))), 'RIV-1')).toBeNull();
	});
	it("refuses a change that sets or deletes the part's id to anything but its parcel", () => {
		expect(opsProblem(change((d) => (d.id = S('RIV-2'))), 'RIV-1')?.message).toBe(`the change sets the part's id to "RIV-2"; it belongs to RIV-1, whose id never changes`);
		expect(opsProblem(change((d) => (d.id = 'RIV-1')), 'RIV-1')?.code).toBe('bad-change'); // text, not a string
		expect(opsProblem(change((d) => (d.id = S('RIV-1'))), 'RIV-1')).toBeNull();
	});
});

describe('fitChanges', () => {
	const { doc, changes, hashes } = history();
	const base = changes.slice(0, 5);

	it('accepts changes that apply, alone and in a row', () => {
		expect(fitChanges(base, [changes[5]], [hashes[5]])).toEqual([{ ok: true }]);
		expect(fitChanges([], changes, hashes).every((r) => r.ok)).toBe(true);
		// A change already in the document (a resubmission) applies as a no-op.
		expect(fitChanges(base, [changes[4]], [hashes[4]])).toEqual([{ ok: true }]);
	});

	it('says missing when the dependencies are not in the document', () => {
		expect(fitChanges(changes.slice(0, 3), [changes[5]], [hashes[5]])).toEqual([
			{ ok: false, missing: true, message: 'the change depends on changes this document does not have' }
		]);
	});

	it('refuses changes whose ops do not fit: another object, a missing predecessor, a list element, a sequence gap', () => {
		const last = Automerge.decodeChange(changes[5]);
		const heads = Automerge.getHeads(doc);
		const forge = (o: Partial<Automerge.DecodedChange>) => {
			const c = Automerge.encodeChange({ ...last, seq: 7, startOp: 1000, deps: heads, ...o } as Automerge.DecodedChange);
			return { c, h: Automerge.decodeChange(c).hash };
		};
		const cases = [
			forge({ ops: last.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${ACTOR}` })) }),
			forge({ ops: last.ops.map((op) => ({ ...op, pred: [`998@${ACTOR}`] })) }),
			forge({ ops: last.ops.map((op) => ((op as { elemId?: string }).elemId ? { ...op, elemId: `997@${ACTOR}` } : op)) }),
			forge({ seq: 25, deps: [], ops: [{ action: 'set', obj: '_root', key: 'q', value: 1, pred: [] }] })
		];
		for (const { c, h } of cases) {
			const [r] = fitChanges(changes, [c], [h]);
			expect(r.ok).toBe(false);
			if (!r.ok) expect(r.missing).toBe(false);
		}
		// A change made for another document, its dependencies rewritten to this one's heads.
		let other = Automerge.change(Automerge.init<Record<string, unknown>>({ actor: OTHER }), (d) => (d.m = { y: 1 }));
		other = Automerge.change(other, (d) => ((d.m as Record<string, number>).y = 2));
		const foreign = Automerge.encodeChange({ ...Automerge.decodeChange(Automerge.getLastLocalChange(other)!), deps: heads, seq: 1 });
		const [r] = fitChanges(changes, [foreign], [Automerge.decodeChange(foreign).hash]);
		expect(r).toMatchObject({ ok: false, missing: false });
	});

	it('never throws, and agrees with both Automerge paths, for every single-bit flip of a change with its checksum recomputed', () => {
		let bad = 0;
		for (let at = 10; at < changes[5].length; at++) {
			for (const bit of [0x01, 0x10, 0x80]) {
				const c = fixChecksum(flip(changes[5], at, bit));
				let h: string;
				try {
					h = Automerge.decodeChange(c).hash;
				} catch {
					continue;
				}
				const [r] = fitChanges(base, [c], [h]);
				let applies = false;
				let loads = false;
				try {
					const [d] = Automerge.applyChanges(Automerge.load(concat(base)), [c]);
					applies = Automerge.hasHeads(d, [h]);
				} catch {
					/* refused */
				}
				try {
					loads = Automerge.hasHeads(Automerge.load(concat([...base, c])), [h]);
				} catch {
					/* refused */
				}
				expect(r.ok, `byte ${at} bit ${bit}`).toBe(applies && loads);
				if (!r.ok) bad++;
			}
		}
		expect(bad).toBeGreaterThan(50);
	});
});

const concat = (parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
};

describe('loading a part with a bad change in it', () => {
	const { changes, hashes } = history();
	// A change that panics Automerge: an op on an object the document does not have.
	const last = Automerge.decodeChange(changes[5]);
	const poison = Automerge.encodeChange({
		...last,
		actor: OTHER,
		seq: 1,
		startOp: 500,
		deps: [hashes[2]],
		ops: last.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${ACTOR}`, pred: [] }))
	});
	const log = [...changes.slice(0, 3), poison, ...changes.slice(3, 5)];

	it('Automerge alone refuses the whole part', () => {
		expect(() => Automerge.applyChanges(Automerge.init(), log)).toThrow();
		expect(() => Automerge.load(concat(log))).toThrow();
	});

	it('applyIsolated keeps every other change and names the bad one', () => {
		const r = applyIsolated(() => Automerge.init<Record<string, unknown>>(), log);
		expect(r.bad.map((b) => b.index)).toEqual([3]);
		expect(Automerge.hasHeads(r.doc, hashes.slice(0, 5))).toBe(true);
		expect(String(r.doc.addressLine)).toBe('Main St 3');
	});

	it('loadIsolated does the same from concatenated bytes (the snapshot path)', () => {
		const r = loadIsolated<Record<string, unknown>>(concat(log), { split: (b) => { const s = splitChanges(b); return s.ok ? s.changes : null; } });
		if ('error' in r) throw new Error(r.error);
		expect(r.bad.map((b) => b.index)).toEqual([3]);
		expect(String(r.doc.addressLine)).toBe('Main St 3');
		const saved = loadIsolated(Automerge.save(r.doc));
		expect('doc' in saved && saved.bad).toEqual([]);
	});

	it('fitChanges leaves a stored bad change out of the base, as devices do', () => {
		expect(fitChanges(log, [changes[5]], [hashes[5]])).toEqual([{ ok: true }]);
	});
});
