import { runFileStoreConformance } from '../conformance';
import { createTestDatabase, skipPostgres, testPool } from '../../store/postgres/test-database';
import { PostgresFileStore } from './file-store';

runFileStoreConformance(
	'postgres',
	async () => {
		const db = await createTestDatabase();
		const pool = testPool(db.url, 4);
		return {
			store: new PostgresFileStore(pool),
			async cleanup() {
				await pool.end();
				await db.drop();
			}
		};
	},
	skipPostgres()
);
