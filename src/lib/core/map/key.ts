// Keys of the parcel map: 33 bytes = district (8, zero-padded) ‖ local id (24, zero-padded) ‖ part
// code (1). Raw rather than hashed so that a district's keys share a 64-bit prefix and a parcel's
// leaves (four parts and its claims) share a 256-bit one: each is one subtree of the trie, proven whole by one proof.
// Districts and local ids are [A-Z0-9] only, so the zero padding is unambiguous.
// Keys are held as 33-character binary strings (one char per byte): far cheaper than a
// Uint8Array per key when a server holds a map of millions of keys.
import { PARCEL_ID_PATTERN, DISTRICT_PATTERN } from '../record/ids';
import { MAP_PART_CODES, mapPartFromCode, type MapPart } from './parts';

export const MAP_KEY_BYTES = 33;
export const MAP_KEY_BITS = MAP_KEY_BYTES * 8;
export const DISTRICT_BITS = 64;
export const PARCEL_BITS = 256;

/** A key prefix: the first `bits` bits of `key` (a binary string of at least bits/8 chars). */
export interface MapPrefix {
	key: string;
	bits: number;
}

const pad = (s: string, n: number) => s + '\u0000'.repeat(n - s.length);

export function districtPrefix(district: string): MapPrefix {
	if (!DISTRICT_PATTERN.test(district)) throw new RangeError(`not a district: ${JSON.stringify(district)}`);
	return { key: pad(district, 8), bits: DISTRICT_BITS };
}

export function parcelPrefix(parcelId: string): MapPrefix {
	const m = PARCEL_ID_PATTERN.exec(parcelId);
	if (!m) throw new RangeError(`not a parcel id: ${JSON.stringify(parcelId)}`);
	return { key: pad(m[1], 8) + pad(m[2], 24), bits: PARCEL_BITS };
}

export function mapKey(parcelId: string, part: MapPart): string {
	return parcelPrefix(parcelId).key + String.fromCharCode(MAP_PART_CODES[part]);
}

/** The parcel id and part a key names (inverse of mapKey). */
export function parseMapKey(key: string): { parcelId: string; part: MapPart } | null {
	if (key.length !== MAP_KEY_BYTES) return null;
	const part = mapPartFromCode(key.charCodeAt(32));
	const parcelId = `${key.slice(0, 8).replace(/\u0000+$/, '')}-${key.slice(8, 32).replace(/\u0000+$/, '')}`;
	if (!part || !PARCEL_ID_PATTERN.test(parcelId) || mapKey(parcelId, part) !== key) return null;
	return { parcelId, part };
}

/** Bit `i` of a key, most significant bit of the first byte first. */
export const keyBit = (key: string, i: number): number => (key.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;

/** The first bit at which two keys differ, or `limit` when their first `limit` bits agree. */
export function firstDifference(a: string, b: string, limit: number = MAP_KEY_BITS): number {
	const bytes = Math.ceil(limit / 8);
	for (let i = 0; i < bytes; i++) {
		const x = (a.charCodeAt(i) ^ b.charCodeAt(i)) & 0xff;
		if (x) return Math.min(limit, i * 8 + Math.clz32(x) - 24);
	}
	return limit;
}

/** Whether `key` starts with the prefix. */
export const hasPrefix = (key: string, p: MapPrefix): boolean => firstDifference(key, p.key, p.bits) === p.bits;

export const keyToBytes = (key: string): Uint8Array => Uint8Array.from(key, (c) => c.charCodeAt(0));
