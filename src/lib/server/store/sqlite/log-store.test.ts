import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLogStoreConformance } from '../conformance';
import { SqliteLogStore } from './log-store';

runLogStoreConformance('sqlite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-sqlite-'));
	const path = join(dir, 'log.db');
	const fixture = {
		store: new SqliteLogStore(path),
		async reopen() {
			const s = new SqliteLogStore(path);
			await s.migrate();
			return s;
		},
		async cleanup() {
			try {
				await fixture.store.close();
			} catch {
				/* already closed by the test */
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
	return fixture;
});
