// Opens the configured log store: PostgreSQL when DATABASE_URL is set, else SQLite in dataDir.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from './config';
import { PostgresLogStore } from './store/postgres/log-store';
import { SqliteLogStore } from './store/sqlite/log-store';
import type { LogStore } from './store/types';

export const LOG_KEY_FILE = 'log-key.json';
export const SQLITE_FILE = 'ledger.db';

export async function openStore(config: ServerConfig): Promise<LogStore> {
	mkdirSync(config.dataDir, { recursive: true });
	const store = config.databaseUrl
		? new PostgresLogStore(config.databaseUrl)
		: new SqliteLogStore(join(config.dataDir, SQLITE_FILE));
	await store.migrate();
	return store;
}

export const logKeyPath = (config: ServerConfig): string => join(config.dataDir, LOG_KEY_FILE);
