import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalCommit } from './wal-commit';

describe('WalCommit', () => {
	let dir: string;
	let db: Database.Database;
	const ran: string[] = [];
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'pl-wal-commit-'));
		ran.length = 0;
		db = new Database(join(dir, 'ledger.db'), { verbose: (sql) => ran.push(String(sql)) });
		db.exec('CREATE TABLE t (x)');
	});
	afterEach(() => {
		db.close();
		rmSync(dir, { recursive: true, force: true });
	});
	const level = () => db.pragma('synchronous', { simple: true });

	it('commits a WAL database at FULL with NORMAL, and gives the connection FULL back, also when the transaction throws', async () => {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = FULL');
		const commit = new WalCommit(db);
		const insert = db.transaction((x: number) => db.prepare('INSERT INTO t VALUES (?)').run(x));
		ran.length = 0;
		await commit.run(() => insert(1));
		expect(ran[0]).toBe('PRAGMA synchronous = NORMAL');
		expect(level()).toBe(2);
		const refused = db.transaction(() => {
			insert(2);
			throw new Error('refused');
		});
		await expect(commit.run(() => refused())).rejects.toThrow('refused');
		expect(level()).toBe(2);
		expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual([1]);
	});

	it('leaves a database not in WAL, or not at FULL, as it is', async () => {
		for (const [journal, sync] of [['DELETE', 'FULL'], ['WAL', 'NORMAL']]) {
			db.pragma(`journal_mode = ${journal}`);
			db.pragma(`synchronous = ${sync}`);
			const commit = new WalCommit(db);
			ran.length = 0;
			await commit.run(() => db.prepare('INSERT INTO t VALUES (1)').run());
			expect(ran).toEqual(['INSERT INTO t VALUES (1)']);
		}
	});
});
