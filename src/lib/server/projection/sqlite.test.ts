import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProjectionConformance } from './conformance';
import { SqliteProjectionStore } from './sqlite';
import { SqliteLogStore } from '../store/sqlite/log-store';

runProjectionConformance('sqlite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-projection-'));
	const path = join(dir, 'log.db');
	// The projection lives in the log's database, on the log store's connection.
	const stores = [new SqliteLogStore(path)];
	return {
		projection: new SqliteProjectionStore(stores[0].db),
		async reopen() {
			const log = new SqliteLogStore(path);
			stores.push(log);
			const p = new SqliteProjectionStore(log.db);
			await p.migrate();
			return p;
		},
		async cleanup() {
			for (const s of stores) await s.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
});
