// Splitting concatenated Automerge changes (a snapshot's `parts.<part>`, docs/protocol.md
// "Snapshot") into the raw bytes of each change, without loading a document: each change is one
// Automerge chunk,
//   magic 85 6f 4a 83 ‖ checksum[4] ‖ u8 type ‖ uLEB128 body length ‖ body
// and a change's name in the log is SHA-256 of exactly those bytes. Loading 300,000 documents
// to learn their changes would cost minutes on a tablet; this costs a few reads per change.
// The checksum is not checked here: the caller hashes every chunk and compares with the log.

export const CHUNK_MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const;
/** Chunk types a change may be stored as: 1 = change, 2 = deflate-compressed change. 0 is a whole saved doc. */
export const CHANGE_CHUNK_TYPES: readonly number[] = [1, 2];
/** Larger than any change the log accepts (512 KiB, docs/protocol.md "Submitting edits"). */
const MAX_BODY = 64 * 1024 * 1024;

export type SplitChanges = { ok: true; changes: Uint8Array[] } | { ok: false; message: string };

/**
 * The changes in `bytes`, as views into it (no copies), in order. Refuses anything that is not a
 * whole number of change chunks: a bad magic number, another chunk type (e.g. a saved document),
 * a length that runs past the end, a malformed or overlong length.
 */
export function splitChanges(bytes: Uint8Array): SplitChanges {
	const changes: Uint8Array[] = [];
	let at = 0;
	while (at < bytes.length) {
		const start = at;
		const where = `change ${changes.length + 1} (byte ${start})`;
		if (bytes.length - at < 10) return { ok: false, message: `${where} is cut short` };
		for (let i = 0; i < 4; i++) {
			if (bytes[at + i] !== CHUNK_MAGIC[i]) return { ok: false, message: `${where} does not start with the Automerge magic number` };
		}
		at += 8; // magic, checksum
		const type = bytes[at++];
		if (!CHANGE_CHUNK_TYPES.includes(type)) return { ok: false, message: `${where} is a chunk of type ${type}, not a change` };
		// uLEB128, at most 4 bytes for lengths below 2^28; minimal encoding only.
		let length = 0;
		let shift = 0;
		for (let i = 0; ; i++) {
			if (at >= bytes.length) return { ok: false, message: `${where} is cut short in its length` };
			if (i === 4) return { ok: false, message: `${where} has an overlong length` };
			const b = bytes[at++];
			length += (b & 0x7f) * 2 ** shift;
			shift += 7;
			if (!(b & 0x80)) {
				if (b === 0 && i > 0) return { ok: false, message: `${where} has a non-minimal length` };
				break;
			}
		}
		if (length > MAX_BODY) return { ok: false, message: `${where} claims ${length} bytes` };
		if (at + length > bytes.length) return { ok: false, message: `${where} claims ${length} bytes, ${bytes.length - at} remain` };
		at += length;
		changes.push(bytes.subarray(start, at));
	}
	return { ok: true, changes };
}
