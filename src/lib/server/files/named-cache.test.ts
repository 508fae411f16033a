import { describe, expect, it } from 'vitest';
import { createPartDoc } from '../../core/crdt/document';
import { sampleParcel } from '../../core/record/samples';
import { NamedFilesCache } from './named-cache';

const photoChange = (hash: string) => {
	const g = createPartDoc('parcel', 'RIV-000001', { ...sampleParcel('RIV-000001'), photos: { [hash]: { caption: 'x', takenAt: '2026-01-01T00:00:00Z', width: 1, height: 1, bytes: 42 } } }, { actor: 'aa'.repeat(24), time: 0 });
	if (!g.ok) throw new Error(g.message);
	return g.change;
};

describe('NamedFilesCache', () => {
	it('decodes a change once while it is remembered, and forgets the least recently used beyond its bound', () => {
		const cache = new NamedFilesCache(2);
		const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(64));
		expect(cache.of('1', photoChange(a))).toEqual([{ hash: a, size: 42 }]);
		// Remembered: another body under the same change hash is not decoded again.
		expect(cache.of('1', new Uint8Array(0))).toEqual([{ hash: a, size: 42 }]);
		cache.of('2', photoChange(b));
		cache.of('1', new Uint8Array(0)); // 1 used last: 2 goes first
		cache.of('3', photoChange(c));
		expect(cache.size).toBe(2);
		expect(cache.of('1', new Uint8Array(0))).toEqual([{ hash: a, size: 42 }]);
		expect(() => cache.of('2', new Uint8Array(0))).toThrow();
	});
});
