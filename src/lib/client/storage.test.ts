import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { formatBytes, isQuotaError } from './storage';

describe('isQuotaError', () => {
	const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
	it('knows the browser refusing a write for lack of room, however Dexie passes it on', () => {
		expect(isQuotaError(quota)).toBe(true);
		expect(isQuotaError(new Dexie.QuotaExceededError('full'))).toBe(true);
		// A transaction that aborted because one of its requests did not fit.
		expect(isQuotaError(new Dexie.AbortError('aborted', quota))).toBe(true);
		expect(isQuotaError(new Error('wrapped', { cause: quota }))).toBe(true);
	});
	it('is false for anything else', () => {
		for (const e of [new Dexie.AbortError('aborted'), new Dexie.ConstraintError('dup'), new Error('x'), 'QuotaExceededError', null, undefined, {}]) {
			expect(isQuotaError(e)).toBe(false);
		}
	});
});

describe('formatBytes', () => {
	it('says sizes the way people read them', () => {
		expect([formatBytes(null), formatBytes(512), formatBytes(10 * 1024 * 1024 + 300 * 1024)]).toEqual(['unknown', '512 B', '10 MB']);
	});
});
