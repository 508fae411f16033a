// What one chunk write adds, decided the same way by every store: bytes below `received` are
// skipped (a resent chunk), a gap or bytes past the size are refused.
import { FileError, type FileStatus } from './types';

export interface WritePlan {
	offset: number;
	bytes: Uint8Array;
	received: number;
}

/** Null when nothing is to be written (complete already, or every byte is already held). */
export function planWrite(current: FileStatus | null, hash: string, offset: number, bytes: Uint8Array): WritePlan | null {
	if (!current) throw new FileError('unknown-file', `no logged change names the file ${hash}`);
	if (current.complete) return null;
	if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('a chunk offset is a non-negative integer');
	if (offset > current.received) {
		throw new FileError('out-of-order', `the server holds bytes [0, ${current.received}) of this file; send from ${current.received}`);
	}
	if (offset + bytes.length > current.size) {
		throw new FileError('size-mismatch', `the file is ${current.size} bytes; this chunk ends at ${offset + bytes.length}`);
	}
	const skip = current.received - offset;
	if (skip >= bytes.length) return null;
	return { offset: current.received, bytes: bytes.subarray(skip), received: offset + bytes.length };
}
