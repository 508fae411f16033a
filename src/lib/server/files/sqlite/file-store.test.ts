import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFileStoreConformance } from '../conformance';
import { SqliteFileStore } from './file-store';

runFileStoreConformance('sqlite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-files-'));
	const db = new Database(join(dir, 'ledger.db'));
	db.pragma('journal_mode = WAL');
	return {
		store: new SqliteFileStore(db),
		async cleanup() {
			db.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
});
