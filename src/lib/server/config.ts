// Server configuration from the environment, read in one place.
import { join, resolve } from 'node:path';

export interface ServerConfig {
	/** Folder for the SQLite log, the log key and blobs. */
	dataDir: string;
	/** PostgreSQL connection string; the SQLite file in dataDir is used when absent. */
	databaseUrl: string | null;
	/** Where the other app servers reach this one, to forward submissions when it sequences. */
	selfUrl: string;
	/** The witness policy with the witnesses' URLs (docs/protocol.md "Witnesses"); absent file: none. */
	witnessPolicyFile: string;
	/** Longest wait before retrying a witness that is down (ms; WITNESS_RETRY_MAX_MS). */
	witnessRetryMaxMs: number;
}

export function readConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
	return {
		dataDir: resolve(env.DATA_DIR ?? 'data'),
		databaseUrl: env.DATABASE_URL || null,
		selfUrl: env.SEQUENCER_URL || `http://127.0.0.1:${env.PORT ?? '3000'}`,
		witnessPolicyFile: resolve(env.WITNESS_POLICY ?? join(env.DATA_DIR ?? 'data', 'witnesses.txt')),
		witnessRetryMaxMs: Number(env.WITNESS_RETRY_MAX_MS) > 0 ? Number(env.WITNESS_RETRY_MAX_MS) : 30_000
	};
}
