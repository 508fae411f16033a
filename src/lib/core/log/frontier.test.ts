import { describe, expect, it } from 'vitest';
import { utf8 } from '../bytes';
import { Frontier } from './frontier';
import { leafHash } from './hashing';
import { MemoryHashStore, subtreeIndexes, treeHash } from './tree';

describe('Frontier', () => {
	it('gives the root of every size, and resumes from its saved hashes', async () => {
		const store = new MemoryHashStore();
		const f = new Frontier();
		for (let i = 0; i < 300; i++) {
			expect(f.root()).toEqual(await treeHash(i, store.readHashes));
			const saved = f.hashes();
			// The saved hashes are exactly the stored hashes that cover the tree.
			const need: number[] = [];
			subtreeIndexes(0, i, need);
			expect(saved).toEqual(await store.readHashes(need));
			const resumed = Frontier.of(i, saved);
			const leaf = leafHash(utf8(`entry ${i}`));
			store.appendLeafHash(leaf);
			f.push(leaf);
			resumed.push(leaf);
			expect(resumed.root()).toEqual(f.root());
		}
	});

	it('refuses hashes that do not fit the size', () => {
		const h = new Uint8Array(32);
		expect(() => Frontier.of(3, [h])).toThrow(RangeError);
		expect(() => Frontier.of(2, [h, h])).toThrow(RangeError);
		expect(() => Frontier.of(1, [new Uint8Array(31)])).toThrow(RangeError);
		expect(Frontier.of(0, []).size).toBe(0);
	});
});
