// The file store: photos and scanned documents, addressed by SHA-256, kept beside the log in the
// same database. Two implementations (SQLite, PostgreSQL) pass one conformance suite.
//
// Contract:
// - A file is first `expect`ed (its hash, size and type, and the logged change that names it),
//   then written in chunks, each at the offset where the received bytes end (`received`), so an
//   interrupted upload resumes from `status`. No chunk is ever held beyond one call.
// - A chunk is ONE durable transaction (one fsync): its rows, `received`, the expectation when
//   the first chunk brings it (`writeChunk`'s `first`), and — for the last chunk — the hash check
//   and `complete`. When the last byte arrives the store hashes every stored byte, in order and
//   incrementally; the file is complete only when that hash is its name. Otherwise every byte is
//   dropped and `writeChunk` throws a FileError 'hash-mismatch'.
// - One file per hash: a complete file takes no more bytes (deduplicated); refs accumulate.
// - Every method may be called concurrently; a chunk's write is atomic.
import type { PartName } from '../../core/log/entry';
import type { FileType } from '../../core/files/sniff';

export interface FileRef {
	/** SHA-256 of the logged change that names the file. */
	changeHash: Uint8Array;
	parcel: string;
	part: PartName;
}

export interface FileStatus {
	hash: string;
	size: number;
	type: FileType;
	/** Bytes [0, received) are stored. */
	received: number;
	complete: boolean;
}

/** A complete file as a backup holds it. */
export interface FileRecord {
	hash: string;
	size: number;
	type: FileType;
	refs: FileRef[];
}

/** What `expect` records: the file as the change names it, and the change. */
export interface Expectation {
	file: { hash: string; size: number; type: FileType };
	ref: FileRef;
}

export interface FileStore {
	migrate(): Promise<void>;
	/** Records `ref` and the file's expected size and type (kept from the first expectation). Idempotent. */
	expect(file: { hash: string; size: number; type: FileType }, ref: FileRef): Promise<FileStatus>;
	/** Null when no change has named this file yet. */
	status(hash: string): Promise<FileStatus | null>;
	/**
	 * Stores `bytes` at `offset`. Bytes below `received` are skipped (a resent chunk); an offset
	 * past `received` is refused (FileError 'out-of-order'), as are bytes past the size. With
	 * `first`, the file is `expect`ed in the same transaction (a refused chunk records nothing).
	 */
	writeChunk(hash: string, offset: number, bytes: Uint8Array, first?: Expectation): Promise<FileStatus>;
	/** The bytes of a complete file, in pieces (never the whole file at once); null if not complete. */
	read(hash: string): Promise<AsyncIterable<Uint8Array> | null>;
	refs(hash: string): Promise<FileRef[]>;
	/**
	 * Drops the refs made by these (erased) changes, and the bytes of every file no other change
	 * still names. Returns the hashes of the files whose bytes were dropped.
	 */
	forgetChanges(changeHashes: Uint8Array[]): Promise<string[]>;
	/** Every complete file, for backups; `read` gives its bytes. */
	list(): AsyncIterable<FileRecord>;
	/** Usage figures: files and bytes complete, bytes waiting in unfinished uploads. */
	usage(): Promise<{ files: number; bytes: number; pendingBytes: number }>;
}

export type FileErrorCode = 'hash-mismatch' | 'out-of-order' | 'too-large' | 'unknown-file' | 'size-mismatch';

export class FileError extends Error {
	constructor(
		readonly code: FileErrorCode,
		message: string
	) {
		super(message);
		this.name = 'FileError';
	}
}

/** Chunk rows are at most this large: a request body is split into pieces of this size. */
export const CHUNK_ROW_BYTES = 256 * 1024;
