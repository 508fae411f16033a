// PUT /api/files logic against a real ledger: only files a logged change names are taken, and
// every refusal (wrong hash, oversize, wrong type, not named, out of order) keeps nothing.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changeHash } from '../../core/log/entry';
import { toHex } from '../../core/bytes';
import { sampleParcel, samplePrivate } from '../../core/record/samples';
import { genesisChange, ledgerFixture, ORIGIN, type Fixture } from '../testing/fixture';
import { signClaim } from '../../core/claims/sign';
import { SqliteLogStore } from '../store/sqlite/log-store';
import { SqliteFileStore } from './sqlite/file-store';
import { checkFileAccess } from './serve';
import { NamedFilesCache } from './named-cache';
import { receiveChunk, parseContentRange, type UploadInput } from './upload';
import type { FileStore } from './types';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const jpeg = (n: number) => {
	const b = new Uint8Array(randomBytes(n));
	b.set([0xff, 0xd8, 0xff, 0xe0]);
	return b;
};
const stream = (b: Uint8Array) => new Blob([new Uint8Array(b)]).stream();

describe('file upload', () => {
	let f: Fixture;
	let files: FileStore;
	const photo = jpeg(300_000);
	const hash = sha(photo);
	let change: string;
	beforeEach(async () => {
		f = await ledgerFixture('sqlite');
		files = new SqliteFileStore((f.store as SqliteLogStore).db);
		await files.migrate();
		const p = sampleParcel('RIV-000900');
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000900', { ...p, photos: { [hash]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: photo.length } } });
		const [r] = await f.ledger.submit([await f.edit(f.assessor, 'RIV-000900', 'parcel', g.change)]);
		expect(r.status).toBe('accepted');
		change = toHex(changeHash(g.change));
	});
	afterEach(async () => f.cleanup());

	const put = (bytes: Uint8Array, first: number, o: { hash?: string; size?: number; change?: string; maxBytes?: number } = {}) =>
		receiveChunk({
			files,
			log: f.store,
			hash: o.hash ?? hash,
			changeHash: o.change ?? change,
			range: parseContentRange(`bytes ${first}-${first + bytes.length - 1}/${o.size ?? photo.length}`, bytes.length),
			body: stream(bytes),
			maxBytes: o.maxBytes
		});
	const nothingKept = async () => expect(await files.usage()).toEqual({ files: 0, bytes: 0, pendingBytes: 0 });

	it('takes a named file in chunks, resumable from what arrived', async () => {
		expect((await put(photo.subarray(0, 100_000), 0)).received).toBe(100_000);
		await expect(put(photo.subarray(200_000), 200_000)).rejects.toMatchObject({ code: 'out-of-order', status: 409 });
		const done = await put(photo.subarray(100_000), 100_000);
		expect(done).toMatchObject({ complete: true, type: 'image/jpeg', received: photo.length });
		expect(checkFileAccess(await files.refs(hash), null).privateParcels).toEqual([]);
	});

	it('refuses bytes whose hash differs, and keeps none', async () => {
		const bad = photo.slice();
		bad[1000] ^= 1;
		await expect(put(bad, 0)).rejects.toMatchObject({ code: 'hash-mismatch', status: 422 });
		await nothingKept();
	});

	it('refuses an oversize file', async () => {
		await expect(put(photo, 0, { maxBytes: 100_000 })).rejects.toMatchObject({ code: 'too-large', status: 413 });
		await nothingKept();
		expect(await files.status(hash)).toBeNull();
	});

	it('refuses a file of another type (by its magic bytes)', async () => {
		const gif = new TextEncoder().encode('GIF89a' + 'x'.repeat(500));
		const p = sampleParcel('RIV-000901');
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000901', { ...p, photos: { [sha(gif)]: { caption: 'x', takenAt: '2026-01-01T00:00:00Z', width: 1, height: 1, bytes: gif.length } } });
		await f.ledger.submit([await f.edit(f.assessor, 'RIV-000901', 'parcel', g.change)]);
		await expect(put(gif, 0, { hash: sha(gif), size: gif.length, change: toHex(changeHash(g.change)) })).rejects.toMatchObject({ code: 'unsupported-type', status: 415 });
		await nothingKept();
		expect(await files.status(sha(gif))).toBeNull();
	});

	it('refuses a file the named change does not name, and a change not in the log', async () => {
		const other = jpeg(1000);
		await expect(put(other, 0, { hash: sha(other), size: 1000 })).rejects.toMatchObject({ code: 'not-named', status: 422 });
		await expect(put(photo, 0, { change: '0'.repeat(64) })).rejects.toMatchObject({ code: 'change-not-logged', status: 409 });
		await expect(put(photo, 0, { size: photo.length + 1 })).rejects.toMatchObject({ code: 'size-mismatch' });
		await nothingKept();
	});

	it('once the naming change is erased, its files are refused, though what it named was decoded before', async () => {
		const named = new NamedFilesCache();
		const half = (log: UploadInput['log']) =>
			receiveChunk({ files, log, hash, changeHash: change, range: parseContentRange(`bytes 0-99999/${photo.length}`, 100_000), body: stream(photo.subarray(0, 100_000)), named });
		expect((await half(f.store)).received).toBe(100_000);
		expect(named.size).toBe(1);
		const erased: UploadInput['log'] = { readChange: async (h) => ({ ...(await f.store.readChange(h))!, body: new Uint8Array(0), erased: true }), readEntries: (a, b) => f.store.readEntries(a, b) };
		await expect(half(erased)).rejects.toMatchObject({ code: 'not-named', status: 422 });
	});

	it("takes a claim's evidence named by the claim entry (x-claim), public; refuses what the claim does not attach", async () => {
		const deed = jpeg(50_000);
		const c = await signClaim({ origin: ORIGIN, signer: f.assessor.signer, parcelId: 'RIV-000900', text: 'My deed', claimedTime: f.clock.now, claimKind: 'ownership', contested: [], files: [{ hash: sha(deed), size: deed.length }] });
		const [r] = await f.ledger.submit([c]);
		if (r.status !== 'accepted') throw new Error(r.code);
		const evidence = (bytes: Uint8Array, claimIndex: string, size = bytes.length) =>
			receiveChunk({ files, log: f.store, hash: sha(bytes), changeHash: null, claimIndex, range: parseContentRange(`bytes 0-${bytes.length - 1}/${size}`, bytes.length), body: stream(bytes) });
		await expect(evidence(photo, String(r.index))).rejects.toMatchObject({ code: 'not-named', status: 422 });
		await expect(evidence(deed, String(r.index - 1))).rejects.toMatchObject({ code: 'claim-not-logged', status: 409 });
		await expect(evidence(deed, 'x1')).rejects.toMatchObject({ status: 400 });
		await expect(evidence(deed, String(r.index), deed.length + 1)).rejects.toMatchObject({ code: 'size-mismatch', status: 422 });
		await nothingKept();
		expect(await evidence(deed, String(r.index))).toMatchObject({ complete: true, size: deed.length });
		expect(checkFileAccess(await files.refs(sha(deed)), null).privateParcels).toEqual([]);
	});

	it('a file only the private part names needs a signed-in editor of the district', async () => {
		const scan = jpeg(2000);
		const g = genesisChange(f.registrar, 'private', 'RIV-000900', { ...samplePrivate('RIV-000900'), documents: { [sha(scan)]: { kind: 'national id', title: 'ID card', size: scan.length } } });
		const [r] = await f.ledger.submit([await f.edit(f.registrar, 'RIV-000900', 'private', g.change)]);
		expect(r.status).toBe('accepted');
		expect((await put(scan, 0, { hash: sha(scan), size: scan.length, change: toHex(changeHash(g.change)) })).complete).toBe(true);
		const refs = await files.refs(sha(scan));
		expect(() => checkFileAccess(refs, null)).toThrow(expect.objectContaining({ code: 'not-signed-in', status: 401 }));
		const outsider = { ...f.ledger.sequencer.registry.get(f.assessor.signer.publicKey)!, districts: ['ELM'] };
		expect(() => checkFileAccess(refs, outsider)).toThrow(expect.objectContaining({ code: 'forbidden', status: 403 }));
	});
});
