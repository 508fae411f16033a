import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256, sha256Into } from './sha256';
import { sha256 as coreSha256 } from './hash';

const node = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

describe('sha256 (plain JS)', () => {
	it('is SHA-256 for every length up to 2,100 bytes (each padding case, one block to many)', () => {
		for (let n = 0; n <= 2100; n++) {
			const b = new Uint8Array(n);
			for (let i = 0; i < n; i++) b[i] = (i * 131 + n * 7 + 255) & 0xff;
			expect(sha256(b), `length ${n}`).toEqual(node(b));
		}
	});

	it('matches node:crypto and noble on random inputs, views into larger buffers included', () => {
		let x = 12345;
		const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
		for (let k = 0; k < 2000; k++) {
			const big = new Uint8Array(300);
			for (let i = 0; i < big.length; i++) big[i] = rnd() & 0xff;
			const from = rnd() % 100;
			const view = big.subarray(from, from + (rnd() % 200));
			const want = node(view);
			expect(sha256(view)).toEqual(want);
			expect(nobleSha256(view)).toEqual(want);
		}
	});

	it('gives the FIPS 180-4 examples, is the core hash, and each result is a new array', () => {
		const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
		expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		expect(hex(sha256(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
			'248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'
		);
		expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(coreSha256).toBe(sha256);
		const a = coreSha256(new Uint8Array([1]));
		const b = coreSha256(new Uint8Array([2]));
		expect(a).not.toBe(b);
		expect(hex(a)).toBe(hex(node(new Uint8Array([1]))));
	});

	it('writes into a given array at an offset, and may read and write the same array (a hash chain)', () => {
		const out = new Uint8Array(40).fill(7);
		expect(sha256Into(new TextEncoder().encode('abc'), out, 4)).toBe(out);
		expect(out.subarray(4, 36)).toEqual(node(new TextEncoder().encode('abc')));
		expect([...out.subarray(0, 4), ...out.subarray(36)]).toEqual(Array(8).fill(7));
		// Chained in place: the digest is written over the input it was computed from.
		const buf = new Uint8Array(64);
		let want = new Uint8Array(64);
		for (let k = 0; k < 5; k++) {
			buf[63] = k;
			want[63] = k;
			want = new Uint8Array([...node(want), ...want.subarray(32)]);
			sha256Into(buf, buf, 0);
			expect(buf).toEqual(want);
		}
	});
});
