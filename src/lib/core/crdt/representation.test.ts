import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { fromStored, kindAt, leafDepth, parsePath, toStored } from './representation';

describe('representation', () => {
	it('knows which fields are text and which are JSON registers', () => {
		expect(kindAt('parcel', ['notes'])).toBe('text');
		expect(kindAt('private', ['internalNotes'])).toBe('text');
		expect(kindAt('parcel', ['geometry'])).toBe('json');
		expect(kindAt('valuation', ['assessments', '2024'])).toBe('json');
		expect(kindAt('title', ['rights', 'r1', 'share'])).toBe('json');
		expect(kindAt('private', ['claimants', 'ab'.repeat(32)])).toBe('json');
		expect(kindAt('parcel', ['addressLine'])).toBe('value');
		expect(kindAt('parcel', ['buildings', 'b1', 'floors'])).toBe('value');
		expect(leafDepth('valuation', ['assessments', '2024', 'land'])).toBe(2);
		expect(leafDepth('parcel', ['buildings', 'b1', 'floors'])).toBe(3);
	});

	it('parses dotted paths and refuses unsafe ones', () => {
		expect(parsePath('buildings.b1.floors')).toEqual(['buildings', 'b1', 'floors']);
		for (const bad of ['', 'a..b', '.a', 'a.', 'a b', '__proto__', 'x.__proto__', 'a'.repeat(65)]) {
			expect(parsePath(bad), bad).toBeNull();
		}
	});

	it('stores strings as ImmutableString, text as text, JSON registers as one key-sorted string', () => {
		expect(Automerge.isImmutableString(toStored('parcel', ['addressLine'], 'x'))).toBe(true);
		expect(toStored('parcel', ['notes'], 'x')).toBe('x');
		const g = toStored('parcel', ['geometry'], { type: 'Polygon', coordinates: [] }) as Automerge.ImmutableString;
		expect(g.val).toBe('{"coordinates":[],"type":"Polygon"}');
		const b = toStored('parcel', ['buildings'], { b1: { use: 'house', floors: 2 } }) as Record<string, Record<string, unknown>>;
		expect(Automerge.isImmutableString(b.b1.use)).toBe(true);
		expect(b.b1.floors).toBe(2);
	});

	it('reads back plain JSON, and never throws on a broken register', () => {
		expect(fromStored('parcel', ['geometry'], new Automerge.ImmutableString('{"type":"Polygon"}'))).toEqual({ type: 'Polygon' });
		expect(fromStored('parcel', ['geometry'], new Automerge.ImmutableString('{oops'))).toBe('{oops');
		expect(fromStored('parcel', ['recordedArea'], new Date(0))).toBeNull();
		const weird = fromStored('parcel', ['buildings'], JSON.parse('{"__proto__":{"use":"x"}}')) as object;
		expect(Object.getPrototypeOf(weird)).toBe(Object.prototype);
		expect(Object.keys(weird)).toEqual(['__proto__']);
	});
});
