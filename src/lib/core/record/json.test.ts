import { describe, expect, it } from 'vitest';
import { canonicalJson, getOwn, jsonEqual } from './json';

describe('json', () => {
	it('spells equal values one way, whatever the key order', () => {
		expect(canonicalJson({ b: [1, { d: 1, c: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"c":"x","d":1}]}');
		expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
		expect(jsonEqual({ a: 1 }, { a: '1' })).toBe(false);
		expect(jsonEqual(undefined, null)).toBe(false);
	});

	it('reads own properties only', () => {
		expect(getOwn({}, 'constructor')).toBeUndefined();
		expect(getOwn({ constructor: 1 }, 'constructor')).toBe(1);
	});
});
