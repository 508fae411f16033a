// An empty, migrated log store of a kind for restore tests: SQLite in a fresh folder under `dir`,
// PostgreSQL in a throwaway database; `cleanups` receives what closes and drops it.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresLogStore } from '../store/postgres/log-store';
import { createTestDatabase } from '../store/postgres/test-database';
import { SqliteLogStore } from '../store/sqlite/log-store';
import type { LogStore } from '../store/types';
import type { StoreKind } from './fixture';

export async function emptyStore(kind: StoreKind, dir: string, cleanups: (() => Promise<void>)[]): Promise<LogStore> {
	let store: LogStore;
	if (kind === 'sqlite') store = new SqliteLogStore(join(mkdtempSync(join(dir, 'target-')), 'ledger.db'));
	else {
		const db = await createTestDatabase();
		store = new PostgresLogStore(db.url, { max: 3 });
		cleanups.push(() => db.drop());
	}
	await store.migrate();
	cleanups.push(() => store.close().catch(() => {}));
	return store;
}
