import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { isCalendarDate, isoTimestamp, localKey } from './formats';

describe('formats', () => {
	it('accepts only real calendar dates', () => {
		expect(isCalendarDate('2024-02-29')).toBe(true);
		expect(isCalendarDate('2023-02-29')).toBe(false);
		expect(isCalendarDate('2023-13-01')).toBe(false);
		expect(isCalendarDate('2023-1-01')).toBe(false);
	});

	it('accepts ISO timestamps with Z or an offset', () => {
		for (const ok of ['2024-05-01T10:00:00Z', '2024-05-01T10:00Z', '2024-05-01T10:00:00.123+02:00']) {
			expect(v.is(isoTimestamp, ok), ok).toBe(true);
		}
		for (const bad of ['2024-05-01', '2024-05-01T25:00:00Z', '2024-02-30T10:00:00Z', '2024-05-01T10:00:00']) {
			expect(v.is(isoTimestamp, bad), bad).toBe(false);
		}
	});

	it('keeps dots and __proto__ out of map keys', () => {
		expect(v.is(localKey, 'b1')).toBe(true);
		expect(v.is(localKey, 'a.b')).toBe(false);
		expect(v.is(localKey, '__proto__')).toBe(false);
		expect(v.is(localKey, '')).toBe(false);
	});
});
