import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../bytes';
import { leafHash } from './hashing';
import { LogError } from './result';
import {
	MemoryHashStore,
	splitStoredHashIndex,
	storedHashCount,
	storedHashes,
	storedHashIndex,
	treeHash,
	type HashReader
} from './tree';

describe('stored hash layout', () => {
	it('interleaves complete subtrees after the leaf that completes them', () => {
		// leaf0, leaf1, (1,0), leaf2, leaf3, (1,1), (2,0), leaf4 …
		const order = [
			[0, 0],
			[0, 1],
			[1, 0],
			[0, 2],
			[0, 3],
			[1, 1],
			[2, 0],
			[0, 4]
		];
		order.forEach(([level, n], i) => expect(storedHashIndex(level, n)).toBe(i));
		expect([0, 1, 2, 3, 4, 5, 8].map(storedHashCount)).toEqual([0, 1, 3, 4, 7, 8, 15]);
	});

	it('splitStoredHashIndex inverts storedHashIndex', () => {
		for (let level = 0; level < 10; level++) {
			for (let n = 0; n < 100; n++) {
				expect(splitStoredHashIndex(storedHashIndex(level, n))).toEqual({ level, n });
			}
		}
	});

	it('stays exact past 32 bits', () => {
		for (const n of [2 ** 31, 2 ** 32 + 5, 2 ** 40 - 1, 2 ** 50 + 12345]) {
			for (const level of [0, 1, 7, 20]) {
				const n2 = Math.floor(n / 2 ** level);
				expect(splitStoredHashIndex(storedHashIndex(level, n2))).toEqual({ level, n: n2 });
			}
		}
		// Stored hashes before leaf n: 2n − popcount(n).
		expect(storedHashCount(2 ** 40)).toBe(2 ** 41 - 1);
		expect(storedHashCount(2 ** 40 + 3)).toBe(2 * (2 ** 40 + 3) - 3);
	});

	it('refuses arguments it cannot represent', () => {
		expect(() => storedHashIndex(-1, 0)).toThrow(RangeError);
		expect(() => storedHashIndex(0, -1)).toThrow(RangeError);
		expect(() => storedHashIndex(0, 1.5)).toThrow(RangeError);
		expect(() => storedHashIndex(0, 2 ** 53)).toThrow(RangeError);
		expect(() => storedHashCount(-1)).toThrow(RangeError);
	});
});

describe('storedHashes and treeHash', () => {
	it('agree with the in-memory store and count as storedHashCount says', async () => {
		const store = new MemoryHashStore();
		const hashes: Uint8Array[] = [];
		const reader: HashReader = async (indexes) => indexes.map((i) => hashes[i]);
		for (let n = 0; n < 300; n++) {
			const leaf = leafHash(utf8(`leaf ${n}`));
			const added = await storedHashes(n, leaf, reader);
			hashes.push(...added);
			store.appendLeafHash(leaf);
			expect(hashes.length).toBe(storedHashCount(n + 1));
			expect(store.hashCount).toBe(hashes.length);
		}
		for (const size of [1, 2, 3, 7, 8, 9, 255, 256, 257, 300]) {
			expect(toHex(await treeHash(size, reader))).toBe(toHex(await treeHash(size, store.readHashes)));
		}
		expect(toHex(store.hash(5))).toBe(toHex(hashes[5]));
	});

	it('gives SHA-256() as the root of the empty tree', async () => {
		const store = new MemoryHashStore();
		expect(toHex(await treeHash(0, store.readHashes))).toBe(
			'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
		);
	});

	it('holds a HashReader to its contract', async () => {
		const short: HashReader = async () => [];
		const wrongSize: HashReader = async (indexes) => indexes.map(() => new Uint8Array(31));
		await expect(treeHash(3, short)).rejects.toThrow(LogError);
		await expect(treeHash(3, wrongSize)).rejects.toMatchObject({ code: 'bad-read' });
		await expect(storedHashes(1, new Uint8Array(32), short)).rejects.toMatchObject({ code: 'bad-read' });
		await expect(storedHashes(0, new Uint8Array(31), short)).rejects.toThrow(RangeError);
	});

	it('serves copies, and refuses indexes it does not hold', async () => {
		const store = new MemoryHashStore();
		store.append(utf8('a'));
		const [h] = await store.readHashes([0]);
		h[0] ^= 1;
		expect(toHex(store.hash(0))).toBe(toHex(leafHash(utf8('a'))));
		await expect(store.readHashes([1])).rejects.toThrow(RangeError);
	});
});
