// Which files a signed Automerge change names: a file is named by a map key that is its SHA-256
// (the parcel part's `photos`, the title part's `sources`, any part's `documents`), with its
// size in that entry's `bytes` or `size` field. The server accepts a file's bytes only when a
// logged change names it this way (docs/protocol.md "Files").
import { decodeChange } from '@automerge/automerge';

export interface NamedFile {
	/** SHA-256 of the file, lower-case hex. */
	hash: string;
	/** Bytes, as the change declares them (null when the change does not say). */
	size: number | null;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The files a change names: every map created under a SHA-256 key, with its declared size. */
export function filesNamedBy(change: Uint8Array): NamedFile[] {
	const decoded = decodeChange(change);
	const byObj = new Map<string, NamedFile>();
	decoded.ops.forEach((op, i) => {
		if (op.action === 'makeMap' && typeof op.key === 'string' && SHA256_HEX.test(op.key)) {
			// An op's ID is its counter (startOp + position) at the change's actor.
			byObj.set(`${decoded.startOp + i}@${decoded.actor}`, { hash: op.key, size: null });
		}
	});
	for (const op of decoded.ops) {
		const f = byObj.get(op.obj);
		if (f && op.action === 'set' && (op.key === 'bytes' || op.key === 'size') && typeof op.value === 'number') f.size = op.value;
	}
	return [...byObj.values()];
}
