import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../bytes';
import { checkRecord, checkTree, proveRecord, proveTree } from './proof';
import { tileHashReader, type FetchTile } from './tile-reader';
import { parseTilePath, readTileData, tilesForSize, tilePath } from './tiles';
import { MemoryHashStore, storedHashCount, storedHashIndex, treeHash } from './tree';

const SIZE = 1000;
const store = new MemoryHashStore();
for (let i = 0; i < SIZE; i++) store.append(utf8(`entry ${i}`));

/** Serves the tiles a log would have published at each of `sizes`, as a static server would. */
async function publish(sizes: number[]): Promise<Map<string, Uint8Array>> {
	const files = new Map<string, Uint8Array>();
	let old = 0;
	for (const size of sizes) {
		for (const t of tilesForSize(old, size)) files.set(tilePath(t), await readTileData(t, store.readHashes));
		old = size;
	}
	return files;
}

function server(files: Map<string, Uint8Array>, fetched: string[] = []): FetchTile {
	return async (path) => {
		expect(parseTilePath(path).ok).toBe(true);
		fetched.push(path);
		const data = files.get(path);
		if (!data) throw new Error(`404 ${path}`);
		return Uint8Array.from(data);
	};
}

describe('tileHashReader', async () => {
	const files = await publish([1, 2, 3, 255, 256, 257, 511, 512, 700, SIZE]);

	it(`computes roots and proofs from tiles alone, equal to the stored hashes (${SIZE} leaves)`, async () => {
		for (const size of [1, 256, 257, 700, SIZE]) {
			const root = await treeHash(size, store.readHashes);
			const reader = tileHashReader({ tree: { size, root }, fetchTile: server(files) });
			for (const old of [1, 2, 3, 255, 256, 257, 511, 512, 700, SIZE].filter((s) => s <= size)) {
				expect(toHex(await treeHash(old, reader))).toBe(toHex(await treeHash(old, store.readHashes)));
				const proof = await proveTree(size, old, reader);
				expect(proof.map(toHex)).toEqual((await proveTree(size, old, store.readHashes)).map(toHex));
				expect(checkTree(proof, size, root, old, await treeHash(old, store.readHashes)).ok).toBe(true);
			}
			for (const leaf of [0, 1, 255, 256, size - 1].filter((i) => i < size)) {
				const proof = await proveRecord(size, leaf, reader);
				expect(proof.map(toHex)).toEqual((await proveRecord(size, leaf, store.readHashes)).map(toHex));
				expect(checkRecord(proof, size, root, leaf, store.hash(storedHashCount(leaf))).ok).toBe(true);
			}
		}
	});

	it('reads every stored hash of a tree from its tiles', async () => {
		const size = 300;
		const reader = tileHashReader({ tree: { size, root: await treeHash(size, store.readHashes) }, fetchTile: server(await publish([size])) });
		const all = Array.from({ length: storedHashCount(size) }, (_, i) => i);
		expect((await reader(all)).map(toHex)).toEqual(all.map((i) => toHex(store.hash(i))));
	});

	it('fetches only tiles the trusted size requires, and reports them once verified', async () => {
		const fetched: string[] = [];
		const verified: string[] = [];
		const root = await treeHash(700, store.readHashes);
		const reader = tileHashReader({
			tree: { size: 700, root },
			fetchTile: server(files, fetched),
			onVerified: (tiles) => verified.push(...tiles.map((t) => t.path))
		});
		await proveRecord(700, 3, reader);
		expect(fetched.sort()).toEqual(['tile/0/000', 'tile/0/002.p/188', 'tile/1/000.p/2']);
		expect(verified.sort()).toEqual(fetched);
	});

	it('rejects tiles that do not match the trusted root', async () => {
		const size = SIZE;
		const root = await treeHash(size, store.readHashes);
		for (const path of ['tile/0/000', 'tile/0/001', 'tile/0/003.p/232', 'tile/1/000.p/3']) {
			for (const byte of [0, 31, 32 * 7 + 5]) {
				const tampered = new Map(files);
				const data = Uint8Array.from(files.get(path)!);
				data[byte % data.length] ^= 1;
				tampered.set(path, data);
				let verified = false;
				const reader = tileHashReader({ tree: { size, root }, fetchTile: server(tampered), onVerified: () => (verified = true) });
				await expect(reader([0, storedHashIndex(0, 300), storedHashCount(size) - 1]), `${path} byte ${byte}`).rejects.toMatchObject({ code: 'inconsistent-tile' });
				expect(verified).toBe(false);
			}
		}
		const wrongRoot = tileHashReader({ tree: { size, root: new Uint8Array(32) }, fetchTile: server(files) });
		await expect(wrongRoot([0])).rejects.toMatchObject({ code: 'inconsistent-tile' });
	});

	it('rejects tiles of the wrong length and indexes outside the tree', async () => {
		const root = await treeHash(SIZE, store.readHashes);
		const short = tileHashReader({ tree: { size: SIZE, root }, fetchTile: async (p) => files.get(p)!.subarray(32) });
		await expect(short([0])).rejects.toMatchObject({ code: 'bad-read' });
		const reader = tileHashReader({ tree: { size: SIZE, root }, fetchTile: server(files) });
		await expect(reader([storedHashCount(SIZE)])).rejects.toThrow(RangeError);
		await expect(reader([-1])).rejects.toThrow(RangeError);
		expect(await reader([])).toEqual([]);
		const empty = tileHashReader({ tree: { size: 0, root: await treeHash(0, store.readHashes) }, fetchTile: server(files) });
		await expect(empty([0])).rejects.toThrow(RangeError);
		expect(toHex(await treeHash(0, empty))).toBe(toHex(await treeHash(0, store.readHashes)));
	});

	it('authenticates through two tile levels (65,836 leaves)', async () => {
		const big = new MemoryHashStore();
		// Any distinct 32-byte values serve as leaf hashes here, and cost no hashing.
		for (let i = 0; i < 65536 + 300; i++) big.appendLeafHash(new Uint8Array(32).fill(i & 0xff, 0, 16).fill(i >> 8, 16));
		const size = big.size;
		const root = await treeHash(size, big.readHashes);
		const fetched: string[] = [];
		const serve = (tamper?: string): FetchTile => async (path) => {
			const r = parseTilePath(path);
			if (!r.ok || r.value.kind !== 'hashes') throw new Error(`bad path ${path}`);
			fetched.push(path);
			const data = await readTileData(r.value.tile, big.readHashes);
			if (path === tamper) data[100] ^= 1;
			return data;
		};
		const reader = tileHashReader({ tree: { size, root }, fetchTile: serve() });
		const proof = await proveRecord(size, 1000, reader);
		expect(proof.map(toHex)).toEqual((await proveRecord(size, 1000, big.readHashes)).map(toHex));
		// The leaf's tile hangs off a full level-1 tile, which hangs off the partial level-2 tile.
		expect(fetched).toContain('tile/0/003');
		expect(fetched).toContain('tile/1/000');
		expect(fetched).toContain('tile/2/000.p/1');
		const consistency = await proveTree(size, 65536, reader);
		expect(consistency.map(toHex)).toEqual((await proveTree(size, 65536, big.readHashes)).map(toHex));
		for (const tamper of ['tile/1/000', 'tile/0/003']) {
			const bad = tileHashReader({ tree: { size, root }, fetchTile: serve(tamper) });
			await expect(proveRecord(size, 1000, bad), tamper).rejects.toMatchObject({ code: 'inconsistent-tile' });
		}
	});
});
