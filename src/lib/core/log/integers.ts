// Tree arithmetic on plain JS numbers. Sizes and indexes go up to 2^53, past the 32 bits that
// JS bitwise operators handle, so shifts and bit tests are written as exact float arithmetic.

/** A non-negative integer that a JS number holds exactly. */
export const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

export function requireCount(n: number, what: string): void {
	if (!isCount(n)) throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
}

/** n >> k for 0 ≤ n < 2^53. */
export const shr = (n: number, k: number): number => Math.floor(n / 2 ** k);
/** n << k; the caller keeps the result below 2^53. */
export const shl = (n: number, k: number): number => n * 2 ** k;
export const isOdd = (n: number): boolean => n % 2 === 1;

/** Number of trailing zero bits of n > 0. */
export function trailingZeros(n: number): number {
	let z = 0;
	while (n > 0 && n % 2 === 0) {
		n /= 2;
		z++;
	}
	return z;
}

/** The largest power of two ≤ x, for x ≥ 1. */
export function largestPow2AtMost(x: number): number {
	let k = 1;
	while (k * 2 <= x) k *= 2;
	return k;
}

/** RFC 6962 §2.1's k: the largest power of two strictly less than n, for n ≥ 2. */
export const splitPoint = (n: number): number => largestPow2AtMost(n - 1);
