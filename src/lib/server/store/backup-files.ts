// Files in a backup (issue 17): after the log's records, each complete file whose naming change is
// in the snapshot — a `file` record (hash, size, type, the refs within the snapshot), then its
// bytes as `file-chunk` records of at most CHUNK_ROW_BYTES, in order. The tally hashes the chunks
// as they pass, so a backup is written, and a restore commits, only when every file's bytes hash
// to its name and add up to its size.
import { createHash, type Hash } from 'node:crypto';
import { fromBase64, toBase64 } from '../../core/bytes';
import type { PartName } from '../../core/log/entry';
import { FILE_TYPES, type FileType } from '../../core/files/sniff';
import type { FileRef } from '../files/types';

export interface FileBackupRecord {
	t: 'file';
	hash: string;
	size: number;
	type: FileType;
	refs: FileRef[];
}

export interface FileChunkBackupRecord {
	t: 'file-chunk';
	hash: string;
	off: number;
	data: Uint8Array;
}

export type FileBackupLine = FileBackupRecord | FileChunkBackupRecord;

export function encodeFileRecord(r: FileBackupLine): string {
	if (r.t === 'file') {
		return JSON.stringify({ t: 'file', hash: r.hash, size: r.size, type: r.type, refs: r.refs.map((x) => ({ changeHash: toBase64(x.changeHash), parcel: x.parcel, part: x.part })) });
	}
	return JSON.stringify({ t: 'file-chunk', hash: r.hash, off: r.off, data: toBase64(r.data) });
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a `file` or `file-chunk` line's object; throws on anything unexpected. */
export function decodeFileRecord(o: Record<string, unknown>): FileBackupLine {
	if (typeof o.hash !== 'string' || !HEX64.test(o.hash)) throw new Error('hash must be a SHA-256 in hex');
	if (o.t === 'file-chunk') {
		if (!Number.isSafeInteger(o.off) || (o.off as number) < 0) throw new Error('off must be a non-negative integer');
		if (typeof o.data !== 'string') throw new Error('data must be base64');
		return { t: 'file-chunk', hash: o.hash, off: o.off as number, data: fromBase64(o.data) };
	}
	if (!Number.isSafeInteger(o.size) || (o.size as number) < 0) throw new Error('size must be a non-negative integer');
	if (!(FILE_TYPES as readonly string[]).includes(o.type as string)) throw new Error(`type must be one of ${FILE_TYPES.join(', ')}`);
	if (!Array.isArray(o.refs) || !o.refs.length) throw new Error('a file needs the refs that name it');
	const refs = o.refs.map((x: Record<string, unknown>) => {
		if (typeof x?.changeHash !== 'string' || typeof x.parcel !== 'string' || typeof x.part !== 'string') throw new Error('a ref is { changeHash, parcel, part }');
		return { changeHash: fromBase64(x.changeHash), parcel: x.parcel, part: x.part as PartName };
	});
	return { t: 'file', hash: o.hash, size: o.size as number, type: o.type as FileType, refs };
}

/** Checks the file records of a stream: chunks contiguous from 0, each file whole and hashing to its name. */
export class FileTally {
	files = 0;
	fileBytes = 0;
	#open: { record: FileBackupRecord; at: number; hash: Hash } | null = null;

	accept(r: FileBackupLine): void {
		if (r.t === 'file') {
			this.finish();
			this.#open = { record: r, at: 0, hash: createHash('sha256') };
			this.files++;
			return;
		}
		const open = this.#open;
		if (!open || open.record.hash !== r.hash) throw new Error(`backup: a chunk of ${r.hash} outside its file`);
		if (r.off !== open.at) throw new Error(`backup: file ${r.hash} has a chunk at ${r.off} where ${open.at} was expected`);
		if (open.at + r.data.length > open.record.size) throw new Error(`backup: file ${r.hash} is longer than its ${open.record.size} bytes`);
		open.hash.update(r.data);
		open.at += r.data.length;
		this.fileBytes += r.data.length;
	}

	/** Closes the open file, if any: it must be whole and hash to its name. */
	finish(): void {
		const open = this.#open;
		this.#open = null;
		if (!open) return;
		if (open.at !== open.record.size) throw new Error(`backup: file ${open.record.hash} holds ${open.at} of its ${open.record.size} bytes`);
		const actual = open.hash.digest('hex');
		if (actual !== open.record.hash) throw new Error(`backup: the bytes of file ${open.record.hash} hash to ${actual}`);
	}
}
