// The projection lives beside the log in the same database (same SQLite file or PostgreSQL pool).
import type { LogStore } from '../store/types';
import { SqliteLogStore } from '../store/sqlite/log-store';
import { PostgresLogStore } from '../store/postgres/log-store';
import { SqliteProjectionStore } from './sqlite';
import { PostgresProjectionStore } from './postgres';
import type { ProjectionStore } from './types';

export async function openProjection(store: LogStore): Promise<ProjectionStore> {
	const projection =
		store instanceof SqliteLogStore
			? new SqliteProjectionStore(store.db)
			: store instanceof PostgresLogStore
				? new PostgresProjectionStore(store.pool)
				: null;
	if (!projection) throw new Error(`no projection for a ${store.kind} store`);
	await projection.migrate();
	return projection;
}
