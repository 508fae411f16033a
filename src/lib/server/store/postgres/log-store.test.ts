import { runLogStoreConformance } from '../conformance';
import { PostgresLogStore } from './log-store';
import { createTestDatabase, skipPostgres } from './test-database';

runLogStoreConformance(
	'postgres',
	async () => {
		const db = await createTestDatabase();
		const fixture = {
			store: new PostgresLogStore(db.url),
			async reopen() {
				const s = new PostgresLogStore(db.url);
				await s.migrate();
				return s;
			},
			async cleanup() {
				await fixture.store.close().catch(() => {});
				await db.drop();
			}
		};
		return fixture;
	},
	skipPostgres()
);
