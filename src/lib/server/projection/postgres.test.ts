import { runProjectionConformance } from './conformance';
import { PostgresProjectionStore } from './postgres';
import { createTestDatabase, skipPostgres, testPool } from '../store/postgres/test-database';

runProjectionConformance(
	'postgres',
	async () => {
		const db = await createTestDatabase();
		const pools = [testPool(db.url)];
		return {
			projection: new PostgresProjectionStore(pools[0]),
			async reopen() {
				const pool = testPool(db.url);
				pools.push(pool);
				const p = new PostgresProjectionStore(pool);
				await p.migrate();
				return p;
			},
			async cleanup() {
				for (const pool of pools) await pool.end();
				await db.drop();
			}
		};
	},
	skipPostgres()
);
