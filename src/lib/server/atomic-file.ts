// A file replaced so that a crash leaves either the old or the new one, never a mix: a temporary
// file beside it, fsync, rename, fsync the folder (the rename itself must reach the disk).
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Durable when it returns. `mode` applies to a newly written file (0o600 for secrets). */
export function writeAtomically(path: string, data: Uint8Array | string, mode = 0o644): void {
	const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
	const fd = openSync(tmp, 'w', mode);
	try {
		writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	renameSync(tmp, path);
	fsyncPath(dirname(path));
}

/** fsync of a file or a folder by its path (a folder's, so that a rename or unlink in it is durable). */
export function fsyncPath(path: string): void {
	const fd = openSync(path, 'r');
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}
