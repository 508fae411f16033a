import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../bytes';
import { LogError } from './result';
import {
	entriesPath,
	hashFromTile,
	parseTilePath,
	readTileData,
	tileForIndex,
	tilePath,
	tilesForSize,
	TILE_WIDTH,
	type Tile
} from './tiles';
import { MemoryHashStore, storedHashCount, storedHashIndex } from './tree';

describe('tile paths', () => {
	const table: [Tile, string][] = [
		[{ level: 0, n: 0, width: 256 }, 'tile/0/000'],
		[{ level: 0, n: 1, width: 5 }, 'tile/0/001.p/5'],
		[{ level: 1, n: 999, width: 255 }, 'tile/1/999.p/255'],
		[{ level: 2, n: 1000, width: 256 }, 'tile/2/x001/000'],
		[{ level: 3, n: 1234067, width: 256 }, 'tile/3/x001/x234/067'],
		[{ level: 3, n: 123456078, width: 2 }, 'tile/3/x123/x456/078.p/2'],
		[{ level: 63, n: 2 ** 53 - 1, width: 1 }, 'tile/63/x009/x007/x199/x254/x740/991.p/1']
	];

	it('encodes and parses the canonical form', () => {
		for (const [tile, path] of table) {
			expect(tilePath(tile)).toBe(path);
			expect(parseTilePath(path)).toEqual({ ok: true, value: { kind: 'hashes', tile } });
		}
		expect(entriesPath(1234067)).toBe('tile/entries/x001/x234/067');
		expect(entriesPath(0, 17)).toBe('tile/entries/000.p/17');
		expect(parseTilePath('tile/entries/x001/x234/067.p/9')).toEqual({ ok: true, value: { kind: 'entries', n: 1234067, width: 9 } });
	});

	it('rejects everything else', () => {
		for (const path of [
			'',
			'tile',
			'tile/0',
			'tile/0/',
			'/tile/0/000',
			'tile/0/000/',
			'tiles/0/000',
			'tile/00/000',
			'tile/01/000',
			'tile/64/000',
			'tile/-1/000',
			'tile/data/000',
			'tile/0/00',
			'tile/0/0000',
			'tile/0/1',
			'tile/0/x000/001', // leading zero group
			'tile/0/x001',
			'tile/0/001/002', // missing x
			'tile/0/x001/x002',
			'tile/0/X001/002',
			'tile/0/x01/002',
			'tile/0/000.p/0',
			'tile/0/000.p/256',
			'tile/0/000.p/05',
			'tile/0/000.p/',
			'tile/0/000.p',
			'tile/0/000.p/5/6',
			'tile/0/000.q/5',
			'tile/0/0a0',
			'tile/0/x009/x007/x199/x254/x740/992', // 2^53
			'tile/entries/000.p/256',
			'tile/entries/x000/000',
			'tile/entries'
		]) {
			expect(parseTilePath(path), path).toMatchObject({ ok: false, code: 'malformed-tile-path' });
		}
	});

	it('refuses to format impossible tiles', () => {
		expect(() => tilePath({ level: 0, n: 0, width: 0 })).toThrow(RangeError);
		expect(() => tilePath({ level: 0, n: 0, width: 257 })).toThrow(RangeError);
		expect(() => tilePath({ level: 64, n: 0, width: 1 })).toThrow(RangeError);
		expect(() => entriesPath(-1)).toThrow(RangeError);
	});
});

describe('tilesForSize', () => {
	const count = (a: number, b: number) => tilesForSize(a, b).length;

	it('lists the tiles that change', () => {
		expect(count(1, 1)).toBe(0);
		expect(tilesForSize(0, 0)).toEqual([]);
		expect(tilesForSize(100, 101)).toEqual([{ level: 0, n: 0, width: 101 }]);
		expect(tilesForSize(0, 256)).toEqual([
			{ level: 0, n: 0, width: 256 },
			{ level: 1, n: 0, width: 1 }
		]);
		expect(tilesForSize(255, 257)).toEqual([
			{ level: 0, n: 0, width: 256 },
			{ level: 0, n: 1, width: 1 },
			{ level: 1, n: 0, width: 1 }
		]);
		expect(count(256, 300)).toBe(1);
		expect(count(300, 2000)).toBe(6 + 1 + 1); // level 0: 001…006 and 007.p/208; level 1: 000.p/7
	});

	it("matches tlog-tiles' example: a tree of 70,000", () => {
		const tiles = tilesForSize(0, 70000);
		const l0 = tiles.filter((t) => t.level === 0);
		expect(l0.filter((t) => t.width === 256)).toHaveLength(273);
		expect(l0.filter((t) => t.width !== 256)).toEqual([{ level: 0, n: 273, width: 112 }]);
		expect(tiles.filter((t) => t.level === 1)).toEqual([
			{ level: 1, n: 0, width: 256 },
			{ level: 1, n: 1, width: 17 }
		]);
		expect(tiles.filter((t) => t.level === 2)).toEqual([{ level: 2, n: 0, width: 1 }]);
		expect(tiles).toHaveLength(277);
	});
});

describe('tile data', () => {
	const store = new MemoryHashStore();
	for (let i = 0; i < 1000; i++) store.append(utf8(`entry ${i}`));

	it('places every stored hash in a tile that can recompute it', async () => {
		const cache = new Map<string, Uint8Array>();
		for (const t of tilesForSize(0, 1000)) cache.set(`${t.level}/${t.n}`, await readTileData(t, store.readHashes));
		for (let i = 0; i < storedHashCount(1000); i++) {
			const t = tileForIndex(i);
			const data = cache.get(`${t.level}/${t.n}`);
			expect(data, `tile for ${i}`).toBeDefined();
			const wider = { ...t, width: data!.length / 32 };
			expect(toHex(hashFromTile(wider, data!, i))).toBe(toHex(store.hash(i)));
		}
	});

	it('lays level-L tiles over tree level 8·L', async () => {
		const data = await readTileData({ level: 1, n: 0, width: 3 }, store.readHashes);
		expect(toHex(data.subarray(32, 64))).toBe(toHex(store.hash(storedHashIndex(8, 1))));
		expect(tileForIndex(storedHashIndex(8, 2))).toEqual({ level: 1, n: 0, width: 3 });
		expect(tileForIndex(storedHashIndex(9, 0))).toEqual({ level: 1, n: 0, width: 2 });
		// A level-7 hash is the root of half a level-0 tile.
		expect(tileForIndex(storedHashIndex(7, 1))).toEqual({ level: 0, n: 0, width: 256 });
		expect(tileForIndex(storedHashIndex(7, 2))).toEqual({ level: 0, n: 1, width: 128 });
	});

	it('refuses a tile that does not hold the index', async () => {
		const data = await readTileData({ level: 0, n: 0, width: 256 }, store.readHashes);
		expect(() => hashFromTile({ level: 0, n: 1, width: 256 }, data, 0)).toThrow(RangeError);
		expect(() => hashFromTile({ level: 0, n: 0, width: 4 }, data, storedHashIndex(0, 4))).toThrow(RangeError);
		expect(() => hashFromTile({ level: 0, n: 0, width: 256 }, data.subarray(1), 0)).toThrow(RangeError);
		await expect(readTileData({ level: 0, n: 3, width: 256 }, store.readHashes)).rejects.toThrow(RangeError);
		await expect(readTileData({ level: 0, n: 0, width: 2 }, async () => [])).rejects.toThrow(LogError);
		expect(TILE_WIDTH).toBe(256);
	});
});
