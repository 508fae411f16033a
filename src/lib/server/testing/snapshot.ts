// Test support: every row of every table of a store's database (log, projection, anything else
// in it), as one string, so a test can assert that an operation left the store byte-identical.
import { createHash } from 'node:crypto';
import type { LogStore } from '../store/types';
import { SqliteLogStore } from '../store/sqlite/log-store';
import { PostgresLogStore } from '../store/postgres/log-store';

const cell = (v: unknown): string =>
	v instanceof Uint8Array ? `x'${Buffer.from(v).toString('hex')}'` : v === null ? 'NULL' : JSON.stringify(v);

/** Table name → its rows in primary order, each row's cells as text; and a digest of it all. */
export async function databaseSnapshot(store: LogStore): Promise<{ tables: Record<string, string[]>; digest: string }> {
	const tables: Record<string, string[]> = {};
	if (store instanceof SqliteLogStore) {
		const names = store.db
			.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
			.pluck()
			.all() as string[];
		for (const name of names) {
			// Virtual tables' shadow tables are listed too, so FTS and R*Tree contents are covered.
			const rows = store.db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][];
			tables[name] = rows.map((r) => r.map(cell).join(',')).sort();
		}
	} else if (store instanceof PostgresLogStore) {
		const { rows: names } = await store.pool.query(
			`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
		);
		for (const { table_name: name } of names as { table_name: string }[]) {
			const { rows } = await store.pool.query({ text: `SELECT * FROM "${name}"`, rowMode: 'array' });
			tables[name] = (rows as unknown[][]).map((r) => r.map(cell).join(',')).sort();
		}
	} else {
		throw new Error(`no snapshot for a ${store.kind} store of this class`);
	}
	const digest = createHash('sha256').update(JSON.stringify(tables)).digest('hex');
	return { tables, digest };
}
