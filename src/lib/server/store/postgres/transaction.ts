// One PostgreSQL transaction on a pooled connection: committed when `fn` resolves, rolled back
// (and the error rethrown) when it rejects. Shared by the log store and the file store.
import type pg from 'pg';

export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
	const c = await pool.connect();
	try {
		await c.query('BEGIN');
		const out = await fn(c);
		await c.query('COMMIT');
		return out;
	} catch (e) {
		await c.query('ROLLBACK').catch(() => {});
		throw e;
	} finally {
		c.release();
	}
}
