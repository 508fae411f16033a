// One conformance suite for every FileStore (SQLite, PostgreSQL), after automerge-repo's
// runStorageAdapterTests: each implementation runs it with a setup function.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileError, type FileRef, type FileStore } from './types';

export interface FileStoreFixture {
	store: FileStore;
	cleanup(): Promise<void>;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ref = (n: number, part: FileRef['part'] = 'parcel'): FileRef => ({ changeHash: new Uint8Array(32).fill(n), parcel: 'RIV-000001', part });
/** A fake JPEG of n bytes (the store does not sniff: the HTTP layer does). */
const jpeg = (n: number) => {
	const b = new Uint8Array(randomBytes(n));
	b.set([0xff, 0xd8, 0xff]);
	return b;
};
/** The file's bytes read back, as hex (vitest compares long byte arrays slowly). */
async function collect(it: AsyncIterable<Uint8Array> | null): Promise<string> {
	if (!it) throw new Error('not readable');
	const parts: Uint8Array[] = [];
	for await (const p of it) parts.push(p);
	return Buffer.concat(parts).toString('hex');
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function runFileStoreConformance(name: string, setup: () => Promise<FileStoreFixture>, skip = false): void {
	describe.skipIf(skip)(`FileStore conformance: ${name}`, () => {
		let f: FileStoreFixture;
		beforeEach(async () => {
			f = await setup();
			await f.store.migrate();
		});
		afterEach(async () => f.cleanup());

		it('stores a file in chunks, resumes from status, and reads the same bytes back', async () => {
			const bytes = jpeg(700_000);
			const hash = sha(bytes);
			const s0 = await f.store.expect({ hash, size: bytes.length, type: 'image/jpeg' }, ref(1));
			expect(s0).toMatchObject({ hash, size: bytes.length, received: 0, complete: false });
			await f.store.writeChunk(hash, 0, bytes.subarray(0, 300_000));
			// An interrupted upload asks what arrived and goes on from there.
			expect((await f.store.status(hash))!.received).toBe(300_000);
			// A resent chunk is skipped where it overlaps.
			await f.store.writeChunk(hash, 200_000, bytes.subarray(200_000, 500_000));
			expect((await f.store.status(hash))!.received).toBe(500_000);
			expect(await f.store.read(hash)).toBeNull();
			const done = await f.store.writeChunk(hash, 500_000, bytes.subarray(500_000));
			expect(done.complete).toBe(true);
			expect(await collect(await f.store.read(hash))).toBe(hex(bytes));
			expect((await f.store.usage()).bytes).toBe(bytes.length);
		});

		it('a first chunk records its file in the same write; a refused one records nothing', async () => {
			const bytes = jpeg(2000);
			const hash = sha(bytes);
			const first = { file: { hash, size: 2000, type: 'image/jpeg' as const }, ref: ref(3) };
			await expect(f.store.writeChunk(hash, 5, bytes.subarray(5), first)).rejects.toMatchObject({ code: 'out-of-order' });
			expect(await f.store.status(hash)).toBeNull();
			expect(await f.store.refs(hash)).toEqual([]);
			expect(await f.store.writeChunk(hash, 0, bytes.subarray(0, 1000), first)).toMatchObject({ received: 1000, complete: false });
			expect((await f.store.writeChunk(hash, 1000, bytes.subarray(1000))).complete).toBe(true);
			expect(await f.store.refs(hash)).toHaveLength(1);
			expect(await collect(await f.store.read(hash))).toBe(hex(bytes));
		});

		it('refuses a gap, bytes past the size, and a file no change named', async () => {
			const bytes = jpeg(1000);
			const hash = sha(bytes);
			await f.store.expect({ hash, size: 1000, type: 'image/jpeg' }, ref(1));
			await expect(f.store.writeChunk(hash, 10, bytes.subarray(10))).rejects.toMatchObject({ code: 'out-of-order' });
			await expect(f.store.writeChunk(hash, 0, jpeg(1001))).rejects.toMatchObject({ code: 'size-mismatch' });
			await expect(f.store.writeChunk('00'.repeat(32), 0, bytes)).rejects.toMatchObject({ code: 'unknown-file' });
			expect((await f.store.status(hash))!.received).toBe(0);
		});

		it('checks every byte against the hash and keeps nothing when it differs', async () => {
			const bytes = jpeg(400_000);
			const hash = sha(bytes);
			await f.store.expect({ hash, size: bytes.length, type: 'image/jpeg' }, ref(1));
			await f.store.writeChunk(hash, 0, bytes.subarray(0, 100_000));
			const bad = bytes.slice(100_000);
			bad[5000] ^= 1;
			const e = await f.store.writeChunk(hash, 100_000, bad).catch((x) => x);
			expect(e).toBeInstanceOf(FileError);
			expect(e.code).toBe('hash-mismatch');
			expect(await f.store.status(hash)).toMatchObject({ received: 0, complete: false });
			expect((await f.store.usage()).pendingBytes).toBe(0);
			// The right bytes are still taken afterwards.
			expect((await f.store.writeChunk(hash, 0, bytes)).complete).toBe(true);
		});

		it('deduplicates by hash: a second change naming the same file adds a ref, not bytes', async () => {
			const bytes = jpeg(5000);
			const hash = sha(bytes);
			await f.store.expect({ hash, size: 5000, type: 'image/jpeg' }, ref(1));
			await f.store.writeChunk(hash, 0, bytes);
			const again = await f.store.expect({ hash, size: 5000, type: 'image/jpeg' }, ref(2));
			expect(again.complete).toBe(true);
			expect((await f.store.writeChunk(hash, 0, bytes)).complete).toBe(true);
			expect((await f.store.refs(hash)).length).toBe(2);
			expect(await f.store.usage()).toMatchObject({ files: 1, bytes: 5000 });
			const listed = [];
			for await (const r of f.store.list()) listed.push(r);
			expect(listed).toMatchObject([{ hash, size: 5000, type: 'image/jpeg' }]);
			expect(listed[0].refs.length).toBe(2);
		});

		it('concurrent writers of one chunk store it once', async () => {
			const bytes = jpeg(50_000);
			const hash = sha(bytes);
			await f.store.expect({ hash, size: bytes.length, type: 'image/jpeg' }, ref(1));
			const results = await Promise.allSettled([f.store.writeChunk(hash, 0, bytes), f.store.writeChunk(hash, 0, bytes)]);
			expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
			expect(await collect(await f.store.read(hash))).toBe(hex(bytes));
		});

		it('forgetting erased changes drops the bytes of files only they named', async () => {
			const secret = jpeg(3000);
			const shared = jpeg(2000);
			const hs = sha(secret);
			const hp = sha(shared);
			await f.store.expect({ hash: hs, size: 3000, type: 'image/jpeg' }, ref(7, 'private'));
			await f.store.expect({ hash: hp, size: 2000, type: 'image/jpeg' }, ref(7, 'private'));
			await f.store.expect({ hash: hp, size: 2000, type: 'image/jpeg' }, ref(8, 'parcel'));
			await f.store.writeChunk(hs, 0, secret);
			await f.store.writeChunk(hp, 0, shared);
			expect(await f.store.forgetChanges([new Uint8Array(32).fill(7)])).toEqual([hs]);
			expect(await f.store.status(hs)).toBeNull();
			expect(await f.store.read(hs)).toBeNull();
			expect(await collect(await f.store.read(hp))).toBe(hex(shared));
			expect(await f.store.refs(hp)).toHaveLength(1);
		});
	});
}
