// Tampered changes, for the tests that check a device or the server refuses them: a bit flipped,
// and the checksum recomputed afterwards as a careful attacker would (so only the content is wrong).
import { sha256 } from '../hash';

/** A copy of `c` with `bit` of byte `at` flipped. */
export const flipBit = (c: Uint8Array, at: number, bit = 0x10): Uint8Array => Uint8Array.from(c, (b, i) => (i === at ? b ^ bit : b));

/** A copy of `c` whose checksum (bytes 4–7) matches its chunk again. */
export function fixChecksum(c: Uint8Array): Uint8Array {
	const out = Uint8Array.from(c);
	// The chunk is type (byte 8) and a LEB128 length from byte 9, then that many bytes.
	let at = 9;
	let len = 0;
	for (let shift = 0; ; shift += 7) {
		const b = out[at++];
		len += (b & 0x7f) * 2 ** shift;
		if (!(b & 0x80)) break;
	}
	out.set(sha256(out.subarray(8, at + len)).subarray(0, 4), 4);
	return out;
}
