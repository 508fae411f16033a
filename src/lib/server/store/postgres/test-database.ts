// Test support: a fresh PostgreSQL database per suite on the cluster that `npm test` provisions
// (PG_TEST_URL). Under CI a missing PostgreSQL is a failure, never a skip.
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const PG_TEST_URL = process.env.PG_TEST_URL ?? '';
const CI = !!process.env.CI && process.env.CI !== 'false';

/** True when PostgreSQL tests must be skipped (only outside CI, and only without a cluster). */
export function skipPostgres(): boolean {
	if (PG_TEST_URL) return false;
	if (CI) throw new Error('PG_TEST_URL is not set under CI: PostgreSQL tests are required (run them through npm test)');
	return true;
}

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
	const name = `pl_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: PG_TEST_URL });
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	await admin.end();
	const url = new URL(PG_TEST_URL);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		async drop() {
			const c = new pg.Client({ connectionString: PG_TEST_URL });
			await c.connect();
			await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await c.end();
		}
	};
}

/**
 * A pool for a test database. Dropping the database (WITH FORCE) terminates any connection still
 * open, and an idle pool client then emits 'error': with no listener that is an uncaught exception
 * in whatever test file the worker runs next. The stores' own pools listen (log-store.ts).
 */
export function testPool(url: string, max?: number): pg.Pool {
	const pool = new pg.Pool({ connectionString: url, ...(max ? { max } : {}) });
	pool.on('error', () => {});
	pool.on('connect', (client) => client.on('error', () => {}));
	return pool;
}
