// Uploading the files edits name (issue 17, docs/protocol.md "Files"): after the edits are pushed,
// each blob whose recording edit the log accepted goes to PUT /api/files/<sha256> in chunks, from
// what the device last heard the server holds (`received` on its row; the server skips bytes it
// already has and answers 409 for a gap, and only then is GET …/status asked), so a dropped
// connection resumes and nothing is sent twice and a photo costs one request; four files are sent
// at once (UPLOADS_IN_FLIGHT). The blob stays on the device; a failure is noted on its row and retried next sync.
import type { BlobRow, FieldDatabase } from './db';
import { RequestError, type Fetch } from './http';

/** One request, one server transaction: a downscaled photo fits in one; a scanned PDF takes several. */
export const UPLOAD_CHUNK = 1024 * 1024;
/**
 * Files sent at once: while the server makes photos durable (fsyncs, off its event loop, shared by
 * the photos in flight: group commit) it takes the next ones' bytes. Four, measured against two on a
 * quiet machine: ≈ 15 % more MiB/s (docs/performance.md "Files"); browsers open up to six
 * connections to a host, so four leave room for sync and page requests.
 */
export const UPLOADS_IN_FLIGHT = 4;

export interface UploadDeps {
	db: FieldDatabase;
	fetch: Fetch;
	/** Bytes the server holds of all files to send, and their total. */
	onProgress?: (done: number, total: number, detail: string) => void;
	chunkSize?: number;
}

export interface UploadOutcome {
	uploaded: number;
	/** Files whose edit is accepted but that did not arrive this time (they stay queued). */
	failed: number;
	/** Files whose edit is not in the log yet. */
	waiting: number;
}

interface FileStatus {
	received: number;
	complete: boolean;
}

async function errorOf(res: Response): Promise<RequestError> {
	try {
		const body = (await res.json()) as { error?: { code?: string; message?: string } };
		return new RequestError(body.error?.code ?? `http-${res.status}`, body.error?.message ?? `${res.status}`, res.status);
	} catch {
		return new RequestError(`http-${res.status}`, `${res.status} ${res.statusText}`, res.status);
	}
}

async function call(f: Fetch, url: string, init?: RequestInit): Promise<Response> {
	try {
		return await f(url, { credentials: 'same-origin', cache: 'no-store', ...init });
	} catch (e) {
		throw new RequestError('offline', `the server cannot be reached (${(e as Error).message})`);
	}
}

async function serverHolds(f: Fetch, hash: string): Promise<FileStatus> {
	const res = await call(f, `/api/files/${hash}/status`);
	if (res.status === 404) return { received: 0, complete: false };
	if (!res.ok) throw await errorOf(res);
	return (await res.json()) as FileStatus;
}

/** Blobs not yet uploaded whose recording edit (or attaching claim) the log accepted, and how many wait for it. */
export async function uploadQueue(db: FieldDatabase): Promise<{ ready: BlobRow[]; waiting: number }> {
	const rows = await db.blobs.filter((b) => b.uploadedAt === null).toArray();
	const ready: BlobRow[] = [];
	let waiting = 0;
	for (const b of rows) {
		if (b.changeHash && (await db.synced.get(b.changeHash))) ready.push(b);
		else if (b.claimId !== undefined && (await db.claims.get(b.claimId))?.status === 'logged') ready.push(b);
		else waiting++;
	}
	return { ready, waiting };
}

/**
 * Sends `blob` (SHA-256 `hash`) to PUT /api/files/<hash> in chunks from `from`, named by `names`
 * (`x-change` or `x-claim`), until the server holds it whole; `onChunk` hears what it holds after each.
 */
export async function sendFile(
	f: Fetch,
	o: { hash: string; blob: Blob; names: Record<string, string>; from?: number; chunkSize?: number; onChunk?: (received: number) => unknown }
): Promise<void> {
	const size = o.blob.size;
	const chunk = o.chunkSize ?? UPLOAD_CHUNK;
	let received = o.from ?? 0;
	let complete = false;
	while (!complete) {
		const end = Math.min(size, received + chunk);
		const res = await call(f, `/api/files/${o.hash}`, {
			method: 'PUT',
			headers: { 'content-range': `bytes ${received}-${end - 1}/${size}`, ...o.names, 'content-type': 'application/octet-stream' },
			body: o.blob.slice(received, end)
		});
		if (res.status === 409) {
			const e = await errorOf(res);
			if (e.code !== 'out-of-order') throw e;
			({ received, complete } = await serverHolds(f, o.hash)); // the server holds less than we thought: resume from it
			continue;
		}
		if (!res.ok) throw await errorOf(res);
		({ received, complete } = (await res.json()) as FileStatus);
		await o.onChunk?.(received);
	}
}

/** Sends one blob of the device's queue from what the server holds, noting progress on its row. */
async function uploadOne(deps: UploadDeps, b: BlobRow, progress: (received: number) => void): Promise<void> {
	const { db, fetch: f } = deps;
	// What names the file: the logged edit that records it, or the logged claim that attaches it.
	const claimIndex = b.claimId !== undefined ? (await db.claims.get(b.claimId))?.index : undefined;
	const names: Record<string, string> = claimIndex !== undefined ? { 'x-claim': String(claimIndex) } : { 'x-change': b.changeHash! };
	const from = b.received ?? 0;
	progress(from);
	await sendFile(f, {
		hash: b.hash,
		blob: b.blob,
		names,
		from,
		chunkSize: deps.chunkSize,
		onChunk: async (received) => {
			progress(received);
			await db.blobs.update(b.hash, { received });
		}
	});
	await db.blobs.update(b.hash, { received: b.blob.size, uploadedAt: Date.now(), uploadError: null });
}

export async function uploadFiles(deps: UploadDeps): Promise<UploadOutcome> {
	const { db } = deps;
	const { ready, waiting } = await uploadQueue(db);
	const total = ready.reduce((n, b) => n + b.blob.size, 0);
	const outcome: UploadOutcome = { uploaded: 0, failed: 0, waiting };
	// Progress: bytes of the files done, plus what the server holds of each file in flight.
	let done = 0;
	const inFlight = new Map<string, number>();
	const report = (detail: string) => deps.onProgress?.(done + [...inFlight.values()].reduce((a, b) => a + b, 0), total, detail);
	const queue = ready.entries();
	let offline: RequestError | null = null;
	const worker = async () => {
		for (let next = queue.next(); !next.done && !offline; next = queue.next()) {
			const [i, b] = next.value;
			const detail = `file ${i + 1} of ${ready.length}`;
			try {
				await uploadOne(deps, b, (received) => {
					inFlight.set(b.hash, received);
					report(detail);
				});
				outcome.uploaded++;
			} catch (e) {
				// Offline: stop taking files (the sync reports it); the blob and what the server holds stay for next time.
				if (e instanceof RequestError && e.code === 'offline') offline = e;
				else {
					outcome.failed++;
					await db.blobs.update(b.hash, { uploadError: (e as Error).message });
				}
			}
			inFlight.delete(b.hash);
			done += b.blob.size;
			report(detail);
		}
	};
	await Promise.all(Array.from({ length: UPLOADS_IN_FLIGHT }, worker));
	if (offline) throw offline;
	return outcome;
}
