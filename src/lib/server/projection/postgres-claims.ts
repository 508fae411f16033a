// PostgreSQL tables of claims and notices (claims-types.ts), on the log's pool.
// `saveInTransaction` runs inside PostgresProjectionStore.saveParcels, on its client.
import type pg from 'pg';
import { checkQueueQuery, claimToDb, noticeToDb, queueSql, type ClaimQueueQuery, type ClaimQueueRow, type ClaimRecord, type ClaimsExtras, type ClaimTables, type NoticeRecord } from './claims-types';

export const CLAIMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS claims (
  idx BIGINT PRIMARY KEY, parcel_id TEXT COLLATE "C" NOT NULL, district TEXT COLLATE "C" NOT NULL, kind TEXT NOT NULL,
  state TEXT NOT NULL, deadline BIGINT, as_of BIGINT NOT NULL, body JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_parcel ON claims (parcel_id, idx);
CREATE INDEX IF NOT EXISTS claims_district ON claims (district, idx);
CREATE TABLE IF NOT EXISTS notices (idx BIGINT PRIMARY KEY, parcel_id TEXT COLLATE "C" NOT NULL, as_of BIGINT NOT NULL, body JSONB NOT NULL);
CREATE INDEX IF NOT EXISTS notices_parcel ON notices (parcel_id, idx);
`;

type Row = Record<string, unknown>;

export class PostgresClaimTables implements ClaimTables {
	constructor(private readonly pool: pg.Pool) {}

	async #q(text: string, values: unknown[] = []): Promise<Row[]> {
		return (await this.pool.query(text, values)).rows;
	}

	/** Inside saveParcels' transaction; `asOf` is the projected size it records. */
	async saveInTransaction(client: pg.PoolClient, extras: ClaimsExtras | undefined, asOf: number): Promise<void> {
		if (!extras) return;
		if (extras.notices.length) {
			await client.query(
				`INSERT INTO notices (idx, parcel_id, as_of, body)
				 SELECT x.idx, x.parcel_id, x.as_of, x.body::jsonb FROM jsonb_to_recordset($1::jsonb) AS x(idx bigint, parcel_id text, as_of bigint, body text)
				 ON CONFLICT (idx) DO UPDATE SET as_of = excluded.as_of, body = excluded.body WHERE excluded.as_of >= notices.as_of`,
				[JSON.stringify(extras.notices.map((n) => noticeToDb(n, asOf)))]
			);
		}
		if (!extras.claims.length) return;
		const objected = [...new Set(extras.claims.flatMap((c) => (c.notice === null ? [] : [c.notice])))];
		const deadlines = new Map<number, number>();
		if (objected.length) {
			const r = await client.query(`SELECT idx, (body->>'deadline')::bigint AS deadline FROM notices WHERE idx = ANY($1::bigint[])`, [objected]);
			for (const row of r.rows) deadlines.set(Number(row.idx), Number(row.deadline));
		}
		await client.query(
			`INSERT INTO claims (idx, parcel_id, district, kind, state, deadline, as_of, body)
			 SELECT x.idx, x.parcel_id, x.district, x.kind, x.state, x.deadline, x.as_of, x.body::jsonb
			 FROM jsonb_to_recordset($1::jsonb) AS x(idx bigint, parcel_id text, district text, kind text, state text, deadline bigint, as_of bigint, body text)
			 ON CONFLICT (idx) DO UPDATE SET state = excluded.state, deadline = excluded.deadline, as_of = excluded.as_of, body = excluded.body
			 WHERE excluded.as_of >= claims.as_of`,
			[JSON.stringify(extras.claims.map((c) => claimToDb(c, c.notice === null ? null : (deadlines.get(c.notice) ?? null), asOf)))]
		);
	}

	async claimsOfParcel(parcelId: string): Promise<{ claims: ClaimRecord[]; notices: NoticeRecord[] }> {
		const [claims, notices] = await Promise.all([
			this.#q('SELECT body FROM claims WHERE parcel_id = $1 ORDER BY idx', [parcelId]),
			this.#q('SELECT body FROM notices WHERE parcel_id = $1 ORDER BY idx', [parcelId])
		]);
		return { claims: claims.map((r) => r.body as ClaimRecord), notices: notices.map((r) => r.body as NoticeRecord) };
	}

	async claimQueue(q: ClaimQueueQuery): Promise<{ rows: ClaimQueueRow[]; total: number }> {
		checkQueueQuery(q);
		const { where, values, order } = queueSql(q, (n) => `$${n}`, "(body->>'filedAt')::bigint");
		const n = values.length;
		const [rows, [count]] = await Promise.all([
			this.#q(`SELECT district, deadline, body FROM claims ${where} ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...values, q.limit, q.offset]),
			this.#q(`SELECT count(*) AS n FROM claims ${where}`, values)
		]);
		return {
			rows: rows.map((r) => ({ claim: r.body as ClaimRecord, district: r.district as string, deadline: r.deadline === null ? null : Number(r.deadline) })),
			total: Number(count.n)
		};
	}

	async disputedAmong(ids: string[]): Promise<Set<string>> {
		if (ids.length === 0) return new Set();
		const rows = await this.#q(`SELECT DISTINCT parcel_id FROM claims WHERE state = 'open' AND parcel_id = ANY($1::text[])`, [ids]);
		return new Set(rows.map((r) => r.parcel_id as string));
	}
}
