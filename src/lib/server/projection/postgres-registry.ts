// PostgreSQL tables of the registry workspace's read model (registry-types.ts), on the log's pool.
// `saveInTransaction` runs inside PostgresProjectionStore.saveParcels, on its client.
import type pg from 'pg';
import { inTransaction } from '../store/postgres/transaction';
import { checkLimit, checkListQuery } from './types';
import { activityFromDb, activityToDb, conflictFromDb, conflictToDb, issueFromDb, issueToDb, JSON_NATIVE, refusalFromDb, refusalToDb, type DbRow } from './rows';
import { MAX_REFUSALS_KEPT, type AuthorActivityRow, type ConflictRow, type ListQuery, type ProjectionExtras, type RefusalRow, type SpatialIssueRow } from './registry-types';

export const REGISTRY_SCHEMA = `
CREATE TABLE IF NOT EXISTS parcel_conflicts (
  parcel_id TEXT COLLATE "C" NOT NULL, district TEXT COLLATE "C" NOT NULL, part TEXT NOT NULL, path TEXT COLLATE "C" NOT NULL,
  last_index BIGINT NOT NULL, vals JSONB NOT NULL,
  PRIMARY KEY (parcel_id, part, path)
);
CREATE INDEX IF NOT EXISTS parcel_conflicts_newest ON parcel_conflicts (last_index DESC);
CREATE INDEX IF NOT EXISTS parcel_conflicts_district ON parcel_conflicts (district, last_index DESC);
CREATE TABLE IF NOT EXISTS spatial_issues (
  parcel_id TEXT COLLATE "C" NOT NULL, other_id TEXT COLLATE "C" NOT NULL, district TEXT COLLATE "C" NOT NULL,
  other_district TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, measure DOUBLE PRECISION NOT NULL, idx BIGINT NOT NULL,
  PRIMARY KEY (parcel_id, other_id, kind)
);
CREATE INDEX IF NOT EXISTS spatial_issues_other ON spatial_issues (other_id);
CREATE TABLE IF NOT EXISTS author_activity (
  author TEXT PRIMARY KEY, last_index BIGINT NOT NULL, last_log_time BIGINT NOT NULL, last_parcel TEXT
);
CREATE TABLE IF NOT EXISTS refused_submissions (
  seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, author TEXT NOT NULL, parcel TEXT NOT NULL,
  part TEXT NOT NULL, claimed_time BIGINT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL
);
`;

type Row = DbRow;

const conflictRow = (r: Row) => conflictFromDb(r, JSON_NATIVE);

const ORDER = 'ORDER BY last_index DESC, parcel_id, part, path';

async function replaceIssues(client: pg.PoolClient, parcels: string[], issues: SpatialIssueRow[]): Promise<void> {
	if (parcels.length) await client.query('DELETE FROM spatial_issues WHERE parcel_id = ANY($1::text[]) OR other_id = ANY($1::text[])', [parcels]);
	if (!issues.length) return;
	await client.query(
		`INSERT INTO spatial_issues (parcel_id, other_id, district, other_district, kind, measure, idx)
		 SELECT x.parcel_id, x.other_id, x.district, x.other_district, x.kind, x.measure, x.idx
		 FROM jsonb_to_recordset($1::jsonb) AS x(parcel_id text, other_id text, district text, other_district text, kind text, measure double precision, idx bigint)
		 ON CONFLICT (parcel_id, other_id, kind) DO UPDATE SET measure = excluded.measure, idx = excluded.idx`,
		[JSON.stringify(issues.map(issueToDb))]
	);
}

export class PostgresRegistryTables {
	constructor(private readonly pool: pg.Pool) {}

	async #q(text: string, values: unknown[] = []): Promise<Row[]> {
		return (await this.pool.query(text, values)).rows;
	}

	/**
	 * Inside saveParcels' transaction, after the upsert: a parcel's conflicts are replaced only when
	 * its stored row is the one just written (same last_index), as the monotonic contract asks.
	 */
	async saveInTransaction(client: pg.PoolClient, saved: { id: string; lastIndex: number }[], extras: ProjectionExtras | undefined): Promise<void> {
		if (extras?.conflicts && saved.length) {
			const won = await client.query(
				`SELECT p.id FROM parcels p JOIN jsonb_to_recordset($1::jsonb) AS x(id text, last_index bigint)
				   ON p.id = x.id AND p.last_index = x.last_index`,
				[JSON.stringify(saved.map((r) => ({ id: r.id, last_index: r.lastIndex })))]
			);
			const ids = new Set(won.rows.map((r) => r.id as string));
			if (ids.size) {
				await client.query('DELETE FROM parcel_conflicts WHERE parcel_id = ANY($1::text[])', [[...ids]]);
				const rows = extras.conflicts.filter((c) => ids.has(c.parcelId));
				if (rows.length) {
					await client.query(
						`INSERT INTO parcel_conflicts (parcel_id, district, part, path, last_index, vals)
						 SELECT x.parcel_id, x.district, x.part, x.path, x.last_index, x.vals
						 FROM jsonb_to_recordset($1::jsonb) AS x(parcel_id text, district text, part text, path text, last_index bigint, vals jsonb)
						 ON CONFLICT (parcel_id, part, path) DO UPDATE SET last_index = excluded.last_index, vals = excluded.vals`,
						[JSON.stringify(rows.map((c) => conflictToDb(c, JSON_NATIVE)))]
					);
				}
			}
		}
		const activity = extras?.activity ?? [];
		if (activity.length) {
			await client.query(
				`INSERT INTO author_activity (author, last_index, last_log_time, last_parcel)
				 SELECT x.author, x.last_index, x.last_log_time, x.last_parcel
				 FROM jsonb_to_recordset($1::jsonb) AS x(author text, last_index bigint, last_log_time bigint, last_parcel text)
				 ORDER BY x.author
				 ON CONFLICT (author) DO UPDATE SET last_index = excluded.last_index, last_log_time = excluded.last_log_time,
				   last_parcel = excluded.last_parcel WHERE excluded.last_index > author_activity.last_index`,
				[JSON.stringify(activity.map(activityToDb))]
			);
		}
		if (extras?.spatial) await replaceIssues(client, extras.spatial.parcels, extras.spatial.issues);
	}

	async conflicts(q: ListQuery): Promise<{ rows: ConflictRow[]; total: number }> {
		checkListQuery(q);
		const where = q.district === undefined ? '' : 'WHERE district = $3';
		const params = q.district === undefined ? [q.limit, q.offset] : [q.limit, q.offset, q.district];
		const rows = await this.#q(`SELECT * FROM parcel_conflicts ${where} ${ORDER} LIMIT $1 OFFSET $2`, params);
		const [{ n }] = await this.#q(`SELECT count(*) AS n FROM parcel_conflicts ${q.district === undefined ? '' : 'WHERE district = $1'}`, q.district === undefined ? [] : [q.district]);
		return { rows: rows.map(conflictRow), total: Number(n) };
	}

	async conflictsOf(parcelId: string): Promise<ConflictRow[]> {
		return (await this.#q('SELECT * FROM parcel_conflicts WHERE parcel_id = $1 ORDER BY part, path', [parcelId])).map(conflictRow);
	}

	async spatialIssues(q: ListQuery): Promise<{ rows: SpatialIssueRow[]; total: number }> {
		checkListQuery(q);
		const where = q.district === undefined ? '' : 'WHERE district = $1 OR other_district = $1';
		const base = q.district === undefined ? [] : [q.district];
		const rows = await this.#q(
			`SELECT * FROM spatial_issues ${where} ORDER BY idx DESC, parcel_id, other_id, kind LIMIT $${base.length + 1} OFFSET $${base.length + 2}`,
			[...base, q.limit, q.offset]
		);
		const [{ n }] = await this.#q(`SELECT count(*) AS n FROM spatial_issues ${where}`, base);
		return { rows: rows.map(issueFromDb), total: Number(n) };
	}

	async spatialIssuesOf(ids: string[]): Promise<SpatialIssueRow[]> {
		if (!ids.length) return [];
		const rows = await this.#q('SELECT * FROM spatial_issues WHERE parcel_id = ANY($1::text[]) OR other_id = ANY($1::text[])', [ids]);
		return rows.map(issueFromDb);
	}

	async replaceSpatialIssues(parcels: string[], issues: SpatialIssueRow[]): Promise<void> {
		await inTransaction(this.pool, (client) => replaceIssues(client, parcels, issues));
	}

	async authorActivity(): Promise<AuthorActivityRow[]> {
		const rows = await this.#q('SELECT * FROM author_activity ORDER BY author COLLATE "C"');
		return rows.map(activityFromDb);
	}

	async recordRefusals(rows: RefusalRow[]): Promise<void> {
		if (!rows.length) return;
		await this.#q(
			`WITH added AS (
			   INSERT INTO refused_submissions (at, author, parcel, part, claimed_time, code, message)
			   SELECT x.at, x.author, x.parcel, x.part, x.claimed_time, x.code, x.message
			   FROM jsonb_to_recordset($1::jsonb) AS x(at bigint, author text, parcel text, part text, claimed_time bigint, code text, message text)
			   RETURNING seq)
			 DELETE FROM refused_submissions WHERE seq <= (SELECT max(seq) FROM added) - $2`,
			[JSON.stringify(rows.map(refusalToDb)), MAX_REFUSALS_KEPT]
		);
	}

	async refusals(limit: number): Promise<RefusalRow[]> {
		checkLimit(limit, MAX_REFUSALS_KEPT);
		const rows = await this.#q('SELECT * FROM refused_submissions ORDER BY seq DESC LIMIT $1', [limit]);
		return rows.map(refusalFromDb);
	}
}
