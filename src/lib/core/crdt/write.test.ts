import { describe, expect, it } from 'vitest';
import { getIn, setIn } from './write';

describe('plain writes', () => {
	it('copies on write and creates missing maps', () => {
		const root = { a: { b: 1 }, c: 2 };
		const next = setIn(root, ['a', 'x', 'y'], 3);
		expect(next).toEqual({ a: { b: 1, x: { y: 3 } }, c: 2 });
		expect(root).toEqual({ a: { b: 1 }, c: 2 });
		expect(setIn(root, ['c'], undefined)).toEqual({ a: { b: 1 } });
		expect(getIn(root, ['a', 'b'])).toBe(1);
		expect(getIn(root, ['a', 'b', 'c'])).toBeUndefined();
	});

	it('refuses a path through a value', () => {
		expect(setIn({ a: 'text' }, ['a', 'b'], 1)).toBeNull();
	});

	it('never walks into the prototype', () => {
		const next = setIn({}, ['constructor', 'x'], 1);
		expect(next).toEqual({ constructor: { x: 1 } });
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});
});
