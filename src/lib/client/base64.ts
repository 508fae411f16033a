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
