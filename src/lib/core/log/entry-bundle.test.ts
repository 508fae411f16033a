import { describe, expect, it } from 'vitest';
import { equalBytes, fromHex, toHex, utf8 } from '../bytes';
import { checkEntryBundle, decodeEntryBundle, encodeEntryBundle } from './entry-bundle';
import { readTileData } from './tiles';
import { MemoryHashStore } from './tree';

describe('entry bundles', () => {
	it('encodes each entry as a big-endian uint16 length and its bytes', () => {
		const bundle = encodeEntryBundle([utf8('ab'), new Uint8Array(0), new Uint8Array(300).fill(7)]);
		expect(toHex(bundle.subarray(0, 8))).toBe('000261620000012c');
		expect(bundle.length).toBe(2 + 2 + 2 + 2 + 300);
		expect(decodeEntryBundle(bundle)).toEqual({ ok: true, value: [utf8('ab'), new Uint8Array(0), new Uint8Array(300).fill(7)] });
		expect(decodeEntryBundle(bundle, 3).ok).toBe(true);
	});

	it('round-trips full bundles and the largest entry', () => {
		const entries = Array.from({ length: 256 }, (_, i) => utf8(`entry ${i}`));
		expect(decodeEntryBundle(encodeEntryBundle(entries), 256)).toEqual({ ok: true, value: entries });
		const big = new Uint8Array(0xffff).fill(1);
		const decoded = decodeEntryBundle(encodeEntryBundle([big, utf8('x')]));
		expect(decoded.ok && decoded.value.map((e) => e.length)).toEqual([0xffff, 1]);
		expect(decoded.ok && equalBytes(decoded.value[0], big)).toBe(true);
	});

	it('refuses to encode what the format cannot hold', () => {
		expect(() => encodeEntryBundle([])).toThrow(RangeError);
		expect(() => encodeEntryBundle(Array(257).fill(utf8('x')))).toThrow(RangeError);
		expect(() => encodeEntryBundle([new Uint8Array(0x10000)])).toThrow(RangeError);
	});

	it('rejects truncation, trailing bytes, emptiness and the wrong count', () => {
		const bundle = encodeEntryBundle([utf8('abc'), utf8('de')]);
		for (let cut = 0; cut < bundle.length; cut++) {
			const r = decodeEntryBundle(bundle.subarray(0, cut), 2);
			expect(r, `cut at ${cut}`).toMatchObject({ ok: false, code: 'malformed-entry-bundle' });
		}
		expect(decodeEntryBundle(fromHex('0001'))).toMatchObject({ ok: false });
		expect(decodeEntryBundle(fromHex('000161ff'))).toMatchObject({ ok: false });
		expect(decodeEntryBundle(bundle, 3)).toMatchObject({ ok: false });
		expect(decodeEntryBundle(fromHex('0000'.repeat(257)))).toMatchObject({ ok: false });
		expect(decodeEntryBundle(fromHex('0000'.repeat(256))).ok).toBe(true);
	});

	it('checks entries against the level-0 tile beside them', async () => {
		const entries = Array.from({ length: 5 }, (_, i) => utf8(`entry ${i}`));
		const store = new MemoryHashStore();
		entries.forEach((e) => store.append(e));
		const tile = await readTileData({ level: 0, n: 0, width: 5 }, store.readHashes);
		expect(checkEntryBundle(entries, tile)).toEqual({ ok: true });
		expect(checkEntryBundle(entries.slice(1), tile)).toMatchObject({ ok: false, code: 'entry-bundle-mismatch' });
		expect(checkEntryBundle([...entries.slice(0, 4), utf8('forged')], tile)).toMatchObject({ ok: false, code: 'entry-bundle-mismatch' });
	});
});
