import pg from 'pg';
import { runFileStoreConformance } from '../conformance';
import { createTestDatabase, skipPostgres } from '../../store/postgres/test-database';
import { PostgresFileStore } from './file-store';

runFileStoreConformance(
	'postgres',
	async () => {
		const db = await createTestDatabase();
		const pool = new pg.Pool({ connectionString: db.url, max: 4 });
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
