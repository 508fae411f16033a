// Opens the file store beside the log store, in the same database.
import { PostgresLogStore } from '../store/postgres/log-store';
import { SqliteLogStore } from '../store/sqlite/log-store';
import type { LogStore } from '../store/types';
import { PostgresFileStore } from './postgres/file-store';
import { SqliteFileStore } from './sqlite/file-store';
import type { FileStore } from './types';

export async function openFileStore(log: LogStore): Promise<FileStore> {
	const files =
		log instanceof SqliteLogStore
			? new SqliteFileStore(log.db)
			: log instanceof PostgresLogStore
				? new PostgresFileStore(log.pool)
				: null;
	if (!files) throw new Error(`no file store for a ${log.kind} log store`);
	await files.migrate();
	return files;
}
