// PUT /api/files/<sha256> (docs/protocol.md "Files"): a chunk of a file that a logged change
// names, or that a logged claim attaches as evidence (docs/protocol.md "Claims and notices"). Everything that can be refused is refused before a byte is kept: the change must be in
// the log and name the file, the size within the limit and as the change declares, the type one
// of FILE_TYPES by its magic bytes. The body is streamed into transactions of at most
// CHUNK_TXN_BYTES (the first one also records the file); never held whole.
import { fromHex, toHex } from '../../core/bytes';
import { sha256 } from '../../core/hash';
import { decodeEntry } from '../../core/log/entry';
import { SNIFF_BYTES, sniffType } from '../../core/files/sniff';
import { HttpError } from '../http/respond';
import type { LogStore } from '../store/types';
import { NamedFilesCache } from './named-cache';
import { FileError, type Expectation, type FileStatus, type FileStore } from './types';

/**
 * A request body is stored in transactions of up to this many bytes (one fsync each): a device's
 * whole chunk (UPLOAD_CHUNK, 1 MiB) in one, while a larger body is never held whole.
 */
export const CHUNK_TXN_BYTES = 1024 * 1024;

/** Largest file taken, bytes (FILES_MAX_BYTES). */
export const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;
export const maxFileBytes = (): number => Number(process.env.FILES_MAX_BYTES) || DEFAULT_MAX_FILE_BYTES;

const HEX64 = /^[0-9a-f]{64}$/;

export interface ChunkRange {
	first: number;
	/** Exclusive end. */
	end: number;
	size: number;
}

/** `content-range: bytes <first>-<last>/<size>` (RFC 9110 §14.4), the last byte inclusive. */
export function parseContentRange(header: string | null, bodyLength: number | null): ChunkRange {
	const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header?.trim() ?? '');
	if (!m) throw new HttpError('bad-request', 'send content-range: bytes <first>-<last>/<size> with each chunk', 400);
	const [first, last, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
	if (last < first || last >= size) throw new HttpError('bad-request', `content-range ${header} is not a range inside the file`, 400);
	if (bodyLength !== null && bodyLength !== last - first + 1) throw new HttpError('bad-request', 'content-length differs from the content-range', 400);
	return { first, end: last + 1, size };
}

const FILE_ERROR_STATUS: Record<FileError['code'], number> = {
	'hash-mismatch': 422,
	'out-of-order': 409,
	'size-mismatch': 400,
	'unknown-file': 404,
	'too-large': 413
};
export const fileHttpError = (e: FileError): HttpError => new HttpError(e.code, e.message, FILE_ERROR_STATUS[e.code]);

export interface UploadInput {
	files: FileStore;
	log: Pick<LogStore, 'readChange' | 'readEntries'>;
	hash: string;
	changeHash: string | null;
	/** Instead of a change: the index of a logged claim entry that attaches the file (x-claim). */
	claimIndex?: string | null;
	range: ChunkRange;
	body: ReadableStream<Uint8Array> | null;
	maxBytes?: number;
	/** What logged changes name (the process's own unless given). */
	named?: NamedFilesCache;
}

const namedFiles = new NamedFilesCache();

/** The logged change naming the file (x-change), and the size it records. */
async function changeNaming(o: UploadInput): Promise<{ ref: Expectation['ref']; size: number | null }> {
	if (!o.changeHash || !HEX64.test(o.changeHash)) {
		throw new HttpError('bad-request', 'name the logged change that records the file: x-change: <SHA-256 of the change, hex> (or x-claim: <claim entry index>)', 400);
	}
	const change = await o.log.readChange(fromHex(o.changeHash));
	if (!change) throw new HttpError('change-not-logged', 'that change is not in the log: push the edit before its file', 409);
	// Its files were forgotten with it (FileStore.forgetChanges); what it once named is not taken again.
	if (change.erased) throw new HttpError('not-named', 'that change was erased: the files it named are no longer taken', 422);
	const named = (o.named ?? namedFiles).of(o.changeHash, change.body).find((f) => f.hash === o.hash);
	if (!named) throw new HttpError('not-named', 'the change does not name this file: only files recorded by a logged edit are taken', 422);
	return { ref: { changeHash: change.hash, parcel: change.parcel, part: change.part }, size: named.size };
}

/**
 * The logged claim attaching the file as evidence (x-claim: its entry index). Evidence is public,
 * as the claim is; the file's reference names SHA-256 of the claim entry's bytes.
 */
async function claimNaming(log: UploadInput['log'], index: string, hash: string): Promise<{ ref: Expectation['ref']; size: number }> {
	if (!/^(0|[1-9][0-9]{0,15})$/.test(index)) throw new HttpError('bad-request', 'x-claim is the index of a claim entry', 400);
	const [stored] = await log.readEntries(Number(index), Number(index) + 1);
	const e = stored && decodeEntry(stored.data);
	if (!e || e.kind !== 'claim') throw new HttpError('claim-not-logged', `entry ${index} is not a claim in the log: push the claim before its evidence`, 409);
	const file = e.files.find((f) => toHex(f.hash) === hash);
	if (!file) throw new HttpError('not-named', 'the claim does not attach this file', 422);
	return { ref: { changeHash: sha256(stored.data), parcel: e.parcelId, part: 'parcel' }, size: file.size };
}

/** Checks one chunk and stores it; the file's status afterwards. */
export async function receiveChunk(o: UploadInput): Promise<FileStatus> {
	if (!HEX64.test(o.hash)) throw new HttpError('bad-request', 'a file is named by its SHA-256 in lower-case hex', 400);
	const max = o.maxBytes ?? maxFileBytes();
	if (o.range.size > max) throw new HttpError('too-large', `files are limited to ${max} bytes; this one is ${o.range.size}`, 413);
	const { ref, size } = o.claimIndex ? await claimNaming(o.log, o.claimIndex, o.hash) : await changeNaming(o);
	if (size !== null && size !== o.range.size) {
		throw new HttpError('size-mismatch', `the log records ${size} bytes, the upload says ${o.range.size}`, 422);
	}
	const current = await o.files.status(o.hash);
	if (current && current.size !== o.range.size) throw new HttpError('size-mismatch', `this file is ${current.size} bytes`, 422);
	if (current?.complete) {
		await o.files.expect({ hash: o.hash, size: current.size, type: current.type }, ref);
		return current;
	}
	const received = current?.received ?? 0;
	if (o.range.first > received) {
		throw new HttpError('out-of-order', `the server holds bytes [0, ${received}) of this file; send from ${received}`, 409);
	}
	const reader = o.body?.getReader();
	if (!reader) throw new HttpError('bad-request', 'the chunk has no body', 400);
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	let at = o.range.first;
	let status = current;
	let total = 0;
	const flush = async () => {
		if (!pendingBytes) return;
		// One copy at most: a Buffer is a Uint8Array already (wrapping it in one would copy again).
		const piece: Uint8Array = pending.length === 1 ? pending[0] : Buffer.concat(pending);
		pending = [];
		pendingBytes = 0;
		let first: Expectation | undefined;
		if (!status) {
			// The first bytes decide the type; nothing is recorded before they pass.
			const type = sniffType(piece.subarray(0, SNIFF_BYTES));
			if (!type) throw new HttpError('unsupported-type', 'only JPEG, PNG, WebP, HEIC and PDF files are taken (by their first bytes)', 415);
			first = { file: { hash: o.hash, size: o.range.size, type }, ref };
		}
		status = await o.files.writeChunk(o.hash, at, piece, first);
		at += piece.length;
	};
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			total += value.length;
			if (o.range.first + total > o.range.end) throw new HttpError('bad-request', 'the body is longer than its content-range', 400);
			pending.push(value);
			pendingBytes += value.length;
			if (pendingBytes >= CHUNK_TXN_BYTES) await flush();
		}
		if (o.range.first + total !== o.range.end) throw new HttpError('bad-request', 'the body is shorter than its content-range', 400);
		await flush();
	} catch (e) {
		await reader.cancel().catch(() => {});
		if (e instanceof FileError) throw fileHttpError(e);
		throw e;
	}
	if (!status) throw new HttpError('bad-request', 'the chunk has no body', 400);
	return status;
}
