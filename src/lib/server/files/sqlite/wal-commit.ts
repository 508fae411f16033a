// A write transaction whose WAL fsync leaves the event loop. Under synchronous=FULL, better-sqlite3
// fsyncs the WAL inside COMMIT, blocking the event loop (1.5–3 ms a photo, more under load). Here
// the transaction commits with synchronous=NORMAL — its frames are written to the WAL, not synced —
// and the WAL file is then fdatasync'ed in libuv's threadpool; the caller answers nobody before
// that returns. Once it has, the commit is as durable as under FULL: recovery replays every frame
// up to the last commit frame it finds intact, and ours is on disk. NORMAL still syncs the WAL
// before, and the database after, every checkpoint, and the WAL header after a restart, so a WAL
// restarted meanwhile only holds frames already checkpointed and synced into the database.
// The connection's own level (FULL) is restored at once: the log store's commits keep theirs.
import type Database from 'better-sqlite3';
import { open } from 'node:fs/promises';

export class WalCommit {
	readonly #db: Database.Database;
	readonly #level: number;
	/** Only a WAL database at FULL or EXTRA is changed; any other keeps its own behaviour. */
	readonly #offLoop: boolean;

	constructor(db: Database.Database) {
		this.#db = db;
		this.#level = db.pragma('synchronous', { simple: true }) as number;
		this.#offLoop = db.pragma('journal_mode', { simple: true }) === 'wal' && this.#level >= 2;
	}

	/** Runs `txn` (a better-sqlite3 transaction) and resolves once what it committed is durable. */
	async run<T>(txn: () => T): Promise<T> {
		if (!this.#offLoop) return txn();
		this.#db.pragma('synchronous = NORMAL');
		let out: T;
		try {
			out = txn();
		} finally {
			this.#db.pragma(`synchronous = ${this.#level}`);
		}
		const wal = await open(`${this.#db.name}-wal`, 'r');
		try {
			await wal.datasync();
		} finally {
			await wal.close();
		}
		return out;
	}
}
