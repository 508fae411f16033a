// Backups carry the files (issue 17): a backup of either store, in either format, restores into an
// empty store of either kind whose file store serves the same bytes; a backup whose file bytes
// were altered is refused and nothing is restored.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64, toBase64, toHex } from '../../core/bytes';
import { changeHash } from '../../core/log/entry';
import { sampleParcel, samplePrivate } from '../../core/record/samples';
import { backupLog, restoreLog, type BackupFileFormat } from '../backup';
import { skipPostgres } from '../store/postgres/test-database';
import type { LogStore } from '../store/types';
import { emptyStore as emptyStoreIn } from '../testing/empty-store';
import { genesisChange, ledgerFixture, type Fixture, type StoreKind } from '../testing/fixture';
import { openFileStore } from './open';
import { checkFileAccess } from './serve';
import { parseContentRange, receiveChunk } from './upload';

const kinds: StoreKind[] = ['sqlite', ...(skipPostgres() ? [] : ['postgres' as const])];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cleanups: (() => Promise<void>)[] = [];
let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'pl-file-backup-'));
});
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
	rmSync(dir, { recursive: true, force: true });
});

/** A photo of 600 kB (three chunk rows) named by a public part, a PDF named by a private one. */
const photo = new Uint8Array(randomBytes(600_000));
photo.set([0xff, 0xd8, 0xff, 0xe0]);
const pdf = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]));

async function withFiles(kind: StoreKind): Promise<Fixture> {
	const f = await ledgerFixture(kind);
	cleanups.push(() => f.cleanup());
	const id = 'RIV-F1';
	const pub = genesisChange(f.assessor, 'parcel', id, { ...sampleParcel(id), photos: { [sha(photo)]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: photo.length } } });
	const priv = genesisChange(f.assessor, 'private', id, { ...samplePrivate(id), documents: { [sha(pdf)]: { kind: 'deed', title: 'Scan', size: pdf.length } } });
	const results = await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', pub.change), await f.edit(f.assessor, id, 'private', priv.change)]);
	for (const r of results) expect(r.status).toBe('accepted');
	const files = await openFileStore(f.store);
	for (const [bytes, change] of [
		[photo, pub.change],
		[pdf, priv.change]
	] as const) {
		const status = await receiveChunk({
			files,
			log: f.store,
			hash: sha(bytes),
			changeHash: toHex(changeHash(change)),
			range: parseContentRange(`bytes 0-${bytes.length - 1}/${bytes.length}`, bytes.length),
			body: new Blob([new Uint8Array(bytes)]).stream()
		});
		expect(status.complete).toBe(true);
	}
	return f;
}

const emptyStore = (kind: StoreKind) => emptyStoreIn(kind, dir, cleanups);

async function served(store: LogStore, hash: string): Promise<string> {
	const files = await openFileStore(store);
	const pieces = await files.read(hash);
	if (!pieces) throw new Error(`${hash} is not served`);
	const parts: Uint8Array[] = [];
	for await (const p of pieces) parts.push(p);
	return sha(Buffer.concat(parts));
}

describe.each(kinds)('backup of a %s log with files', (kind) => {
	const formats: BackupFileFormat[] = kind === 'sqlite' ? ['sqlite', 'ndjson'] : ['ndjson'];

	it.each(formats)('as %s, restores into every store, which serves the same file bytes to the same readers', async (format) => {
		const f = await withFiles(kind);
		const out = join(dir, `log.${format}`);
		await backupLog({ store: f.store, out, identity: f.ledger.identity, format });
		for (const target of kinds) {
			const store = await emptyStore(target);
			await restoreLog({ store, from: out, identity: f.ledger.identity });
			expect(await served(store, sha(photo))).toBe(sha(photo));
			expect(await served(store, sha(pdf))).toBe(sha(pdf));
			const files = await openFileStore(store);
			expect(await files.usage()).toEqual({ files: 2, bytes: photo.length + pdf.length, pendingBytes: 0 });
			// The private document stays private after the restore: no session, no bytes.
			await expect(files.refs(sha(pdf)).then((refs) => checkFileAccess(refs, null))).rejects.toMatchObject({ status: 401 });
			expect(checkFileAccess(await files.refs(sha(photo)), null).privateParcels).toEqual([]);
		}
	});

	it('refuses a dump whose file bytes were altered, and restores nothing', async () => {
		const f = await withFiles(kind);
		const out = join(dir, 'log.ndjson');
		await backupLog({ store: f.store, out, identity: f.ledger.identity, format: 'ndjson' });
		const lines = readFileSync(out, 'utf8').split('\n');
		const i = lines.findIndex((l) => l.includes('"file-chunk"'));
		const rec = JSON.parse(lines[i]);
		const data = fromBase64(rec.data);
		data[100] ^= 1;
		lines[i] = JSON.stringify({ ...rec, data: toBase64(data) });
		writeFileSync(out, lines.join('\n'));
		const store = await emptyStore(kind);
		await expect(restoreLog({ store, from: out, identity: f.ledger.identity })).rejects.toThrow(/hash to/);
		expect(await store.head()).toBeNull();
		expect(await (await openFileStore(store)).usage()).toMatchObject({ files: 0, bytes: 0 });
	});
});
