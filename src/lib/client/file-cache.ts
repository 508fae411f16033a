// The device's files as a cache of what the server holds (issue 17): a file the server holds whole
// (`uploadedAt` set) may be evicted to free space — its bytes dropped, its row kept — and is fetched
// again from /api/files when a page needs it, kept only if its bytes hash to its name. A file not
// yet uploaded is never evicted: the device holds its only copy.
import type { BlobRow, FieldDatabase } from './db';
import { sha256Hex } from './crypto';
import { RequestError, type Fetch } from './http';

export interface FileUsage {
	/** Files whose bytes are on this device, and those bytes. */
	files: number;
	bytes: number;
	/** Of those, bytes the server holds whole: what eviction would free. */
	evictable: number;
	/** Files evicted (on the server only). */
	evicted: number;
}

export const isEvicted = (b: BlobRow): boolean => b.evictedAt != null;

export async function fileUsage(db: FieldDatabase): Promise<FileUsage> {
	const u: FileUsage = { files: 0, bytes: 0, evictable: 0, evicted: 0 };
	await db.blobs.each((b) => {
		if (isEvicted(b)) {
			u.evicted++;
			return;
		}
		u.files++;
		u.bytes += b.blob.size;
		if (b.uploadedAt !== null) u.evictable += b.blob.size;
	});
	return u;
}

/** Drops the bytes of every file the server holds whole; returns the bytes freed. */
export async function evictUploaded(db: FieldDatabase, now = Date.now()): Promise<number> {
	let freed = 0;
	await db.transaction('rw', db.blobs, async () => {
		await db.blobs
			.filter((b) => b.uploadedAt !== null && !isEvicted(b))
			.modify((b) => {
				freed += b.blob.size;
				b.blob = new Blob([], { type: b.type });
				b.evictedAt = now;
			});
	});
	return freed;
}

/** Fetches an evicted file again; its bytes are kept only if they hash to its name. */
export async function refetchFile(db: FieldDatabase, f: Fetch, hash: string): Promise<Blob> {
	let res: Response;
	try {
		res = await f(`/api/files/${hash}`, { credentials: 'same-origin' });
	} catch (e) {
		throw new RequestError('offline', `the server cannot be reached (${(e as Error).message})`);
	}
	if (!res.ok) throw new RequestError(`http-${res.status}`, `the server did not give the file (${res.status})`, res.status);
	const bytes = new Uint8Array(await res.arrayBuffer());
	const actual = await sha256Hex(bytes);
	if (actual !== hash) throw new RequestError('file-mismatch', `the server sent bytes that hash to ${actual}, not ${hash}: not kept`);
	const row = await db.blobs.get(hash);
	const blob = new Blob([bytes], { type: row?.type ?? res.headers.get('content-type') ?? 'application/octet-stream' });
	await db.blobs.update(hash, { blob, evictedAt: null });
	return blob;
}
