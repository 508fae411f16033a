// Incremental SHA-256 over a file's stored pieces, in order: the whole file is never in memory.
import { createHash } from 'node:crypto';

export async function sha256OfPieces(pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
	const h = createHash('sha256');
	for await (const p of pieces) h.update(p);
	return h.digest('hex');
}
