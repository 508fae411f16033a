// The SQLite file store's bytes: plain files in a folder beside the database (`<db>-files/`),
// named by their SHA-256 — `<hash>` when complete, `<hash>.part` while an upload is under way —
// so a photo is written once, not into the WAL and again at every checkpoint. The rows in the
// database say what is complete; a file's bytes are durable (fsync of the file and of the
// folder) before the row that relies on them commits, and bytes no row accounts for are erased
// (`sweep`). Every call but `writeWholeAsync` and `read` is synchronous: the store runs it inside
// its write transaction.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { CHUNK_ROW_BYTES } from '../types';
import { fsyncPath } from '../../atomic-file';
import { GroupCommit } from './group-commit';

const HEX64 = /^[0-9a-f]{64}$/;
/** A `.tmp` file younger than this may be another process's write under way: the sweep leaves it. */
const TMP_GRACE_MS = 10 * 60_000;

/** Where the bytes of the database at `dbPath` live. */
export const filesDirOf = (dbPath: string): string => `${dbPath}-files`;

export class FileDir {
	constructor(readonly path: string) {}

	/** Creates the folder (private: it holds private documents). */
	ensure(): void {
		if (existsSync(this.path)) return;
		mkdirSync(this.path, { recursive: true, mode: 0o700 });
		fsyncPath(join(this.path, '..'));
	}

	complete = (hash: string): string => join(this.path, hash);
	part = (hash: string): string => join(this.path, `${hash}.part`);

	/** Writes a whole file: to `.part`, fsync, rename to its hash, fsync the folder. */
	writeWhole(hash: string, bytes: Uint8Array): void {
		const fd = openSync(this.part(hash), 'w', 0o600);
		try {
			writeSync(fd, bytes);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(this.part(hash), this.complete(hash));
		fsyncPath(this.path);
	}

	/** One folder fsync for every rename made before it started (group-commit.ts). */
	readonly #folderSync = new GroupCommit<null, void>(async (renamed) => {
		const dir = await open(this.path, 'r');
		try {
			await dir.sync();
		} finally {
			await dir.close();
		}
		return renamed.map(() => ({ ok: true, value: undefined }));
	});

	/**
	 * Writes a whole file off the event loop (another upload goes on meanwhile): to a temp file of
	 * its own (concurrent writers of one hash never share one), renamed to its hash, then the file
	 * fsynced while a folder fsync shared with the other photos renamed meanwhile makes the rename
	 * durable. Until both are durable no row says the file is complete (the caller records it
	 * afterwards, and only if `has` still finds it), so a crash in between leaves a file no
	 * complete row relies on: the next upload of it replaces it.
	 */
	async writeWholeAsync(hash: string, bytes: Uint8Array): Promise<void> {
		const tmp = join(this.path, `${hash}.${randomBytes(6).toString('hex')}.tmp`);
		const fh = await open(tmp, 'wx', 0o600);
		try {
			await fh.writeFile(bytes);
			await rename(tmp, this.complete(hash));
			await Promise.all([fh.sync(), this.#folderSync.add(null)]);
		} catch (e) {
			await rm(tmp, { force: true });
			throw e;
		} finally {
			await fh.close();
		}
	}

	has = (hash: string): boolean => existsSync(this.complete(hash));

	/**
	 * Writes `bytes` at `offset` of the `.part` file and cuts it at `end` (a crash may have left
	 * bytes past what the row records), durably. A part that a crash left renamed to its hash
	 * before the row said complete is taken back first.
	 */
	writePart(hash: string, offset: number, bytes: Uint8Array, end: number): void {
		const part = this.part(hash);
		const created = !existsSync(part);
		if (created && offset > 0) {
			if (!existsSync(this.complete(hash))) throw new Error(`the stored bytes of ${hash} are missing from ${this.path}`);
			renameSync(this.complete(hash), part);
		}
		const fd = openSync(part, created && offset === 0 ? 'w' : 'r+', 0o600);
		try {
			writeSync(fd, bytes, 0, bytes.length, offset);
			ftruncateSync(fd, end);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		if (created) fsyncPath(this.path);
	}

	/** SHA-256 of the `.part` file, read a row's worth at a time. */
	hashPart(hash: string): string {
		const h = createHash('sha256');
		const fd = openSync(this.part(hash), 'r');
		try {
			const buf = Buffer.allocUnsafe(CHUNK_ROW_BYTES);
			for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
		} finally {
			closeSync(fd);
		}
		return h.digest('hex');
	}

	/** The `.part` file becomes the complete file. */
	finishPart(hash: string): void {
		renameSync(this.part(hash), this.complete(hash));
		fsyncPath(this.path);
	}

	/** Removes the `.part` file, if any (its bytes are also in the complete file). */
	dropPart(hash: string): void {
		if (existsSync(this.part(hash))) unlinkSync(this.part(hash));
	}

	/** Overwrites the bytes with zeros before unlinking, as SQLite's secure_delete does for rows. */
	erase(hash: string): void {
		for (const path of [this.complete(hash), this.part(hash)]) eraseFile(path);
		fsyncPath(this.path);
	}

	/** Erases the complete file only (a `.part` may still be another upload's). */
	eraseComplete(hash: string): void {
		eraseFile(this.complete(hash));
		fsyncPath(this.path);
	}

	/** A complete file in pieces of at most CHUNK_ROW_BYTES, read as asked for. */
	async *read(hash: string): AsyncGenerator<Uint8Array> {
		const fh = await open(this.complete(hash), 'r');
		try {
			for (;;) {
				const buf = new Uint8Array(CHUNK_ROW_BYTES);
				const { bytesRead } = await fh.read(buf, 0, buf.length, null);
				if (!bytesRead) return;
				yield buf.subarray(0, bytesRead);
			}
		} finally {
			await fh.close();
		}
	}

	/** Erases every file `keep` does not account for (left by a crash between file and row). */
	sweep(keep: (hash: string, partial: boolean) => boolean): void {
		if (!existsSync(this.path)) return;
		let erased = false;
		for (const name of readdirSync(this.path)) {
			if (name.endsWith('.tmp') && Date.now() - statSync(join(this.path, name)).mtimeMs < TMP_GRACE_MS) continue;
			const partial = name.endsWith('.part');
			const hash = partial ? name.slice(0, -5) : name;
			if (HEX64.test(hash) && keep(hash, partial)) continue;
			eraseFile(join(this.path, name));
			erased = true;
		}
		if (erased) fsyncPath(this.path);
	}
}

function eraseFile(path: string): void {
	let fd: number;
	try {
		fd = openSync(path, 'r+');
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw e;
	}
	try {
		const zeros = Buffer.alloc(CHUNK_ROW_BYTES);
		const size = fstatSync(fd).size;
		for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	unlinkSync(path);
}
