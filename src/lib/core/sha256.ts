// SHA-256 (FIPS 180-4) in plain JavaScript, for the many small inputs of Merkle trees and the
// parcel map (a leaf, a branch, a digest-chain step: one or two blocks each). noble's hasher is a
// general streaming object: per call it makes DataViews, copies its state out and zeroes its
// message schedule, and for inputs this small that costs more than the compression itself
// (measured in Chromium, best of 10 interleaved: 67 bytes 3.4 → 1.2 µs, 88 bytes 6.8 → 1.5 µs,
// 600 bytes 12.9 → 3.9 µs; docs/performance.md). Here the schedule and the state are module-level
// typed arrays, words are read with shifts, and the only allocation is the 32-byte result.
// Synchronous, so no two calls can interleave. Checked against node:crypto and noble for every
// length up to 2,100 bytes and on random inputs (sha256.test.ts).
const K = Int32Array.from([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);
const H = new Int32Array(8);
/** The last one or two blocks: the message's tail, the 0x80 byte, zeros and the bit length. */
const TAIL = new Uint8Array(128);

/** Compresses the 64-byte block at `at` of `b` into H. */
function block(b: Uint8Array, at: number): void {
	for (let i = 0; i < 16; i++, at += 4) W[i] = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
	for (let i = 16; i < 64; i++) {
		const x = W[i - 15];
		const y = W[i - 2];
		const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
		const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
		W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
	}
	let a = H[0];
	let b1 = H[1];
	let c = H[2];
	let d = H[3];
	let e = H[4];
	let f = H[5];
	let g = H[6];
	let h = H[7];
	for (let i = 0; i < 64; i++) {
		const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
		const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
		const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
		const t2 = (S0 + ((a & b1) ^ (a & c) ^ (b1 & c))) | 0;
		h = g;
		g = f;
		f = e;
		e = (d + t1) | 0;
		d = c;
		c = b1;
		b1 = a;
		a = (t1 + t2) | 0;
	}
	H[0] = (H[0] + a) | 0;
	H[1] = (H[1] + b1) | 0;
	H[2] = (H[2] + c) | 0;
	H[3] = (H[3] + d) | 0;
	H[4] = (H[4] + e) | 0;
	H[5] = (H[5] + f) | 0;
	H[6] = (H[6] + g) | 0;
	H[7] = (H[7] + h) | 0;
}
/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
	return sha256Into(data, new Uint8Array(32), 0);
}

/**
 * SHA-256 of `data`, written to `out` at `outAt` (returns `out`): a chain of hashes, each the input of
 * the next, needs no array a step. `out` may be `data` itself (its bytes are read before).
 */
export function sha256Into(data: Uint8Array, out: Uint8Array, outAt: number): Uint8Array {
	H.set(IV);
	const n = data.length;
	let at = 0;
	for (; at + 64 <= n; at += 64) block(data, at);
	const rest = n - at;
	const tailLen = rest < 56 ? 64 : 128;
	TAIL.fill(0, 0, tailLen);
	TAIL.set(data.subarray(at), 0);
	TAIL[rest] = 0x80;
	const bits = n * 8;
	const hi = Math.floor(bits / 0x100000000);
	const lo = bits >>> 0;
	TAIL[tailLen - 8] = hi >>> 24;
	TAIL[tailLen - 7] = hi >>> 16;
	TAIL[tailLen - 6] = hi >>> 8;
	TAIL[tailLen - 5] = hi;
	TAIL[tailLen - 4] = lo >>> 24;
	TAIL[tailLen - 3] = lo >>> 16;
	TAIL[tailLen - 2] = lo >>> 8;
	TAIL[tailLen - 1] = lo;
	block(TAIL, 0);
	if (tailLen === 128) block(TAIL, 64);
	for (let i = 0, j = outAt; i < 8; i++, j += 4) {
		const v = H[i];
		out[j] = v >>> 24;
		out[j + 1] = v >>> 16;
		out[j + 2] = v >>> 8;
		out[j + 3] = v;
	}
	return out;
}
