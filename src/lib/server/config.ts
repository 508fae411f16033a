// Server configuration from the environment, read in one place.
import { resolve } from 'node:path';

export interface ServerConfig {
	/** Folder for the SQLite log, the log key and blobs. */
	dataDir: string;
	/** PostgreSQL connection string; the SQLite file in dataDir is used when absent. */
	databaseUrl: string | null;
	/** Where the other app servers reach this one, to forward submissions when it sequences. */
	selfUrl: string;
}

export function readConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
	return {
		dataDir: resolve(env.DATA_DIR ?? 'data'),
		databaseUrl: env.DATABASE_URL || null,
		selfUrl: env.SEQUENCER_URL || `http://127.0.0.1:${env.PORT ?? '3000'}`
	};
}
