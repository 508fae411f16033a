// Byte helpers shared by the core: hex, base64, UTF-8, concatenation, comparison.
import { bytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = (s: string): Uint8Array => encoder.encode(s);
/** Decodes UTF-8, throwing on invalid sequences (never silently replaces bytes). */
export const fromUtf8 = (b: Uint8Array): string => decoder.decode(b);

export const toHex = (b: Uint8Array): string => bytesToHex(b);
export function fromHex(hex: string): Uint8Array {
	if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new Error(`not lower-case hex: ${hex.slice(0, 16)}…`);
	return nobleHexToBytes(hex.toLowerCase());
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Standard base64 with padding (RFC 4648 §4), as C2SP signed notes use. */
export function toBase64(b: Uint8Array): string {
	let out = '';
	let i = 0;
	for (; i + 2 < b.length; i += 3) {
		const n = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
		out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
	}
	if (i < b.length) {
		const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8);
		out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < b.length ? B64[(n >> 6) & 63] : '=') + '=';
	}
	return out;
}

/** Strict standard base64: rejects bad characters, missing padding and non-canonical tails. */
export function fromBase64(s: string): Uint8Array {
	if (s.length % 4 !== 0) throw new Error('base64: length is not a multiple of 4');
	const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
	const out = new Uint8Array((s.length / 4) * 3 - pad);
	let o = 0;
	for (let i = 0; i < s.length; i += 4) {
		let n = 0;
		for (let j = 0; j < 4; j++) {
			const c = s[i + j];
			const last = i + 4 === s.length;
			if (c === '=' && last && j >= 4 - pad) {
				n <<= 6;
				continue;
			}
			const v = B64_INDEX.get(c);
			if (v === undefined) throw new Error(`base64: bad character ${JSON.stringify(c)}`);
			n = (n << 6) | v;
		}
		out[o++] = (n >> 16) & 255;
		if (o < out.length) out[o++] = (n >> 8) & 255;
		if (o < out.length) out[o++] = n & 255;
		if (i + 4 === s.length && ((pad === 1 && (n & 0xff) !== 0) || (pad === 2 && (n & 0xffff) !== 0))) {
			throw new Error('base64: non-canonical padding bits');
		}
	}
	return out;
}

/** fromBase64, or null for text that is not base64 (parsers that report their own error). */
export function fromBase64OrNull(s: string): Uint8Array | null {
	try {
		return fromBase64(s);
	} catch {
		return null;
	}
}

export function concat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let d = 0;
	for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
	return d === 0;
}
