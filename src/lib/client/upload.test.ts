// uploadFiles against a fake server and a stand-in for the device's tables: files go
// UPLOADS_IN_FLIGHT at a time, progress adds up to the total, a refusal is noted on its row and
// the rest go on, and going offline stops taking files and is reported.
import { describe, expect, it } from 'vitest';
import type { BlobRow, FieldDatabase } from './db';
import { UPLOADS_IN_FLIGHT, uploadFiles } from './upload';

function blobRow(n: number, size = 1000 + n): BlobRow {
	return { hash: String(n).padStart(64, '0'), blob: new Blob([new Uint8Array(size)]), type: 'image/jpeg', width: 1, height: 1, bytes: size, parcelId: 'RIV-1', createdAt: 0, uploadedAt: null, changeHash: 'c'.repeat(64) };
}

/** The two tables uploadFiles reads and writes, in memory. */
function fakeDb(rows: BlobRow[]) {
	const byHash = new Map(rows.map((r) => [r.hash, { ...r }]));
	const db = {
		blobs: {
			filter: (f: (b: BlobRow) => boolean) => ({ toArray: async () => [...byHash.values()].filter(f) }),
			update: async (hash: string, patch: Partial<BlobRow>) => void Object.assign(byHash.get(hash)!, patch)
		},
		synced: { get: async () => ({}) }
	};
	return { db: db as unknown as FieldDatabase, byHash };
}

/** A server answering each PUT after a turn of the event loop, counting how many it holds at once. */
function fakeServer(answer: (hash: string, size: number) => Response | 'offline') {
	let open = 0;
	const seen = { most: 0, puts: 0 };
	const fetch = async (url: string, init?: RequestInit) => {
		open++;
		seen.most = Math.max(seen.most, open);
		seen.puts++;
		await new Promise((r) => setTimeout(r, 5));
		open--;
		const size = Number(/\/(\d+)$/.exec(new Headers(init?.headers).get('content-range') ?? '')?.[1]);
		const a = answer(url.split('/').pop()!, size);
		if (a === 'offline') throw new TypeError('Failed to fetch');
		return a;
	};
	return { fetch, seen };
}

const whole = (size: number) => Response.json({ received: size, complete: true });

describe('uploadFiles', () => {
	it(`sends ${UPLOADS_IN_FLIGHT} files at a time, reports progress up to the total, and marks each uploaded`, async () => {
		const rows = [1, 2, 3, 4, 5].map((n) => blobRow(n));
		const { db, byHash } = fakeDb(rows);
		const server = fakeServer((_, size) => whole(size));
		const progress: number[] = [];
		const out = await uploadFiles({ db, fetch: server.fetch, onProgress: (done) => progress.push(done) });
		expect(out).toEqual({ uploaded: 5, failed: 0, waiting: 0 });
		expect(server.seen.most).toBe(UPLOADS_IN_FLIGHT);
		const total = rows.reduce((n, r) => n + r.blob.size, 0);
		expect(progress.at(-1)).toBe(total);
		expect(Math.max(...progress)).toBe(total);
		for (const r of byHash.values()) expect(r.uploadedAt).not.toBeNull();
	});

	it('notes a refused file on its row and goes on with the others', async () => {
		const { db, byHash } = fakeDb([1, 2, 3].map((n) => blobRow(n)));
		const refused = blobRow(2).hash;
		const server = fakeServer((hash, size) => (hash === refused ? Response.json({ error: { code: 'not-named', message: 'not named' } }, { status: 422 }) : whole(size)));
		expect(await uploadFiles({ db, fetch: server.fetch })).toEqual({ uploaded: 2, failed: 1, waiting: 0 });
		expect(byHash.get(refused)).toMatchObject({ uploadedAt: null, uploadError: 'not named' });
	});

	it('going offline stops taking files and is reported; files not sent stay queued', async () => {
		const { db, byHash } = fakeDb([1, 2, 3, 4, 5, 6].map((n) => blobRow(n)));
		let answered = 0;
		const server = fakeServer((_, size) => (++answered > 2 ? 'offline' : whole(size)));
		await expect(uploadFiles({ db, fetch: server.fetch })).rejects.toMatchObject({ code: 'offline' });
		// Two arrived; each worker then met the lost connection once and took nothing more.
		expect(server.seen.puts).toBe(2 + UPLOADS_IN_FLIGHT);
		expect([...byHash.values()].filter((r) => r.uploadedAt !== null)).toHaveLength(2);
	});
});
