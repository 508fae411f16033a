// Base64 for large payloads: the browser's native decoder where it exists (Chromium 140+), the
// core's strict decoder otherwise.
import { fromBase64, toBase64 } from '../core/bytes';

type NativeBase64 = { fromBase64?: (s: string) => Uint8Array };
type NativeToBase64 = { toBase64?: () => string };

export function decodeBase64(s: string): Uint8Array {
	const native = (Uint8Array as unknown as NativeBase64).fromBase64;
	return native ? native(s) : fromBase64(s);
}

export function encodeBase64(b: Uint8Array): string {
	const native = (b as unknown as NativeToBase64).toBase64;
	return native ? native.call(b) : toBase64(b);
}

type NativeSetFromBase64 = { setFromBase64?: (s: string) => { read: number; written: number } };

/**
 * Decodes `s` into the start of `target` (at least ⌈len/4⌉·3 bytes) and returns the bytes written:
 * many parts decoded into one buffer instead of an array each (the snapshot check decodes every
 * part of a page only to hash it). Native `setFromBase64` where the browser has it.
 */
export function decodeBase64Into(s: string, target: Uint8Array): number {
	const native = (target as unknown as NativeSetFromBase64).setFromBase64;
	if (native) {
		const r = native.call(target, s);
		if (r.read !== s.length) throw new RangeError('the target is too small for the decoded bytes');
		return r.written;
	}
	const bytes = decodeBase64(s);
	target.set(bytes);
	return bytes.length;
}
