// The tab's cache of opened documents (doc-cache.ts): a save may skip `load` only when the stored
// bytes are the ones the cached document was loaded from or saved as; anything else reloads.
import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { createPartDoc, toPlain } from '../core/crdt/document';
import { editPart } from '../core/crdt/edit';
import { makeActor } from '../core/crdt/actors';
import { sampleParcel } from '../core/record/samples';
import { DocCache, docKey, sameData } from './doc-cache';
import { loadDoc } from './docs';
import type { PartData } from './db';

const actor = makeActor(new Uint8Array(32).fill(1), new Uint8Array(8).fill(2));
const other = makeActor(new Uint8Array(32).fill(1), new Uint8Array(8).fill(3));
const id = 'RIV-000001';

function stored(zoning?: string): Uint8Array {
	const made = createPartDoc('parcel', id, sampleParcel(id), { actor, time: 1 });
	if (!made.ok) throw new Error(made.message);
	let doc = made.doc;
	if (zoning) {
		const r = editPart(doc, 'parcel', { zoning }, { actor, time: 2 });
		if (!r.ok) throw new Error(r.message);
		doc = r.doc;
	}
	const bytes = Automerge.save(doc);
	Automerge.free(doc);
	return bytes;
}

/** A cache whose loads are counted. */
function counted(max = 8) {
	const loads: PartData[] = [];
	const cache = new DocCache(max, (data, a) => (loads.push(data), loadDoc(data, a)));
	return { cache, loads };
}

describe('DocCache', () => {
	it('gives back a document it holds for the same bytes (a copy of them too) without loading', () => {
		const { cache, loads } = counted();
		const bytes = stored('R1');
		const first = cache.take('k', bytes, actor);
		expect(first.ok && loads.length).toBe(1);
		if (!first.ok) return;
		cache.put('k', bytes, actor, first.doc);
		// IndexedDB hands back a structured clone: equal bytes, another array.
		const again = cache.take('k', bytes.slice(), actor);
		expect(loads.length).toBe(1);
		expect(again.ok && again.doc).toBe(first.doc);
		// Taken: the caller owns it now, so the next take loads.
		cache.take('k', bytes, actor);
		expect(loads.length).toBe(2);
	});

	it('loads again when the stored bytes moved on (a pull, another tab) or the actor differs', () => {
		const { cache, loads } = counted();
		const v1 = stored('R1');
		const r = cache.read('k', v1, actor, (doc) => toPlain('parcel', doc).zoning);
		expect(r).toEqual({ ok: true, value: 'R1' });
		const v2 = stored('R2');
		const t = cache.take('k', v2, actor);
		expect(loads.length).toBe(2);
		expect(t.ok && toPlain('parcel', t.doc).zoning).toBe('R2');
		if (t.ok) cache.put('k', v2, actor, t.doc);
		cache.take('k', v2, other);
		expect(loads.length).toBe(3);
	});

	it('reads through the cache and keeps what it read, most recently used last, up to its size', () => {
		const { cache, loads } = counted(2);
		const bytes = stored();
		for (const k of ['a', 'b']) cache.read(k, bytes, actor, () => null);
		cache.read('a', bytes, actor, () => null); // a is now the most recent
		cache.read('c', bytes, actor, () => null); // b goes
		expect(cache.size).toBe(2);
		expect(loads.length).toBe(3);
		cache.take('a', bytes, actor);
		expect(loads.length).toBe(3);
		cache.take('b', bytes, actor);
		expect(loads.length).toBe(4);
	});

	it('reports a document that does not load, and keeps nothing for it', () => {
		const { cache } = counted();
		const r = cache.read('k', new Uint8Array([1, 2, 3]), actor, () => 'read');
		expect(r).toEqual({ ok: false, message: expect.stringContaining('cannot load') });
		expect(cache.size).toBe(0);
	});
});

describe('sameData', () => {
	it('compares bytes by value and base64 text as text', () => {
		expect(sameData(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
		expect(sameData(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
		expect(sameData(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
		expect(sameData('AQI=', 'AQI=')).toBe(true);
		expect(sameData('AQI=', new Uint8Array([1, 2]))).toBe(false);
	});
});

describe('confirmed', () => {
	it('offers the bytes of an entry until a write to its parcel (or every parcel) is seen', () => {
		const { cache } = counted();
		const bytes = stored();
		cache.read(docKey('db', 'RIV-000001', 'parcel'), bytes, actor, () => null);
		cache.read(docKey('db', 'RIV-000002', 'parcel'), bytes, actor, () => null);
		expect(cache.confirmed(docKey('db', 'RIV-000001', 'parcel'), actor)).toBe(bytes);
		expect(cache.confirmed(docKey('db', 'RIV-000001', 'parcel'), other)).toBeNull();
		cache.unconfirm('other-db');
		cache.unconfirm('db', (id) => id === 'RIV-000002');
		expect(cache.confirmed(docKey('db', 'RIV-000001', 'parcel'), actor)).toBe(bytes);
		expect(cache.confirmed(docKey('db', 'RIV-000002', 'parcel'), actor)).toBeNull();
		// Read again (the row was read): confirmed again.
		cache.read(docKey('db', 'RIV-000002', 'parcel'), bytes, actor, () => null);
		expect(cache.confirmed(docKey('db', 'RIV-000002', 'parcel'), actor)).toBe(bytes);
		cache.unconfirm(null);
		expect(cache.confirmed(docKey('db', 'RIV-000001', 'parcel'), actor)).toBeNull();
		expect(cache.confirmed(docKey('db', 'RIV-000002', 'parcel'), actor)).toBeNull();
	});
});
