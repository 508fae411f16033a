// SQLite tables of claims and notices (claims-types.ts), beside the parcels table in the log's
// database. `saveInTransaction` runs inside SqliteProjectionStore.saveParcels.
import type Database from 'better-sqlite3';
import { checkQueueQuery, claimToDb, noticeToDb, queueSql, type ClaimQueueQuery, type ClaimQueueRow, type ClaimRecord, type ClaimsExtras, type ClaimTables, type NoticeRecord } from './claims-types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS claims (
  idx INTEGER PRIMARY KEY, parcel_id TEXT NOT NULL, district TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
  deadline INTEGER, as_of INTEGER NOT NULL, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS claims_parcel ON claims (parcel_id, idx);
CREATE INDEX IF NOT EXISTS claims_district ON claims (district, idx);
CREATE TABLE IF NOT EXISTS notices (idx INTEGER PRIMARY KEY, parcel_id TEXT NOT NULL, as_of INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notices_parcel ON notices (parcel_id, idx);
`;

type Body = { body: string };

export class SqliteClaimTables implements ClaimTables {
	readonly #db: Database.Database;
	#s: ReturnType<typeof prepare> | null = null;

	constructor(db: Database.Database) {
		this.#db = db;
	}

	migrate(): void {
		const existed = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'claims'").get() !== undefined;
		this.#db.transaction(() => {
			this.#db.exec(SCHEMA);
			// A projection made before these tables existed is projected again once, to fill them.
			if (!existed) this.#db.exec('UPDATE projection_state SET size = 0 WHERE EXISTS (SELECT 1 FROM parcels)');
		})();
		this.#s = prepare(this.#db);
	}

	get #stmts() {
		if (!this.#s) throw new Error('SqliteClaimTables: call migrate() first');
		return this.#s;
	}

	/** Inside saveParcels' transaction; `asOf` is the projected size it records. */
	saveInTransaction(extras: ClaimsExtras | undefined, asOf: number): void {
		if (!extras) return;
		const s = this.#stmts;
		const deadlines = new Map(extras.notices.map((n) => [n.index, n.deadline]));
		for (const c of extras.claims) {
			const deadline = c.notice === null ? null : (deadlines.get(c.notice) ?? (s.noticeDeadline.get(c.notice) as number | undefined) ?? null);
			s.upsertClaim.run(claimToDb(c, deadline, asOf));
		}
		for (const n of extras.notices) s.upsertNotice.run(noticeToDb(n, asOf));
	}

	async claimsOfParcel(parcelId: string): Promise<{ claims: ClaimRecord[]; notices: NoticeRecord[] }> {
		const s = this.#stmts;
		return {
			claims: (s.claimsOf.all(parcelId) as Body[]).map((r) => JSON.parse(r.body)),
			notices: (s.noticesOf.all(parcelId) as Body[]).map((r) => JSON.parse(r.body))
		};
	}

	async claimQueue(q: ClaimQueueQuery): Promise<{ rows: ClaimQueueRow[]; total: number }> {
		checkQueueQuery(q);
		const { where, values, order } = queueSql(q, () => '?', "json_extract(body, '$.filedAt')");
		const rows = this.#db.prepare(`SELECT district, deadline, body FROM claims ${where} ${order} LIMIT ? OFFSET ?`).all(...values, q.limit, q.offset) as (Body & { district: string; deadline: number | null })[];
		const total = this.#db.prepare(`SELECT count(*) FROM claims ${where}`).pluck().get(...values) as number;
		return { rows: rows.map((r) => ({ claim: JSON.parse(r.body), district: r.district, deadline: r.deadline })), total };
	}

	async disputedAmong(ids: string[]): Promise<Set<string>> {
		if (ids.length === 0) return new Set();
		return new Set(this.#stmts.disputed.all(JSON.stringify(ids)) as string[]);
	}
}

function prepare(db: Database.Database) {
	return {
		upsertClaim: db.prepare(
			`INSERT INTO claims (idx, parcel_id, district, kind, state, deadline, as_of, body) VALUES (@idx, @parcel_id, @district, @kind, @state, @deadline, @as_of, @body)
			 ON CONFLICT (idx) DO UPDATE SET state = excluded.state, deadline = excluded.deadline, as_of = excluded.as_of, body = excluded.body
			 WHERE excluded.as_of >= claims.as_of`
		),
		upsertNotice: db.prepare(
			`INSERT INTO notices (idx, parcel_id, as_of, body) VALUES (@idx, @parcel_id, @as_of, @body)
			 ON CONFLICT (idx) DO UPDATE SET as_of = excluded.as_of, body = excluded.body WHERE excluded.as_of >= notices.as_of`
		),
		noticeDeadline: db.prepare(`SELECT json_extract(body, '$.deadline') FROM notices WHERE idx = ?`).pluck(),
		claimsOf: db.prepare('SELECT body FROM claims WHERE parcel_id = ? ORDER BY idx'),
		noticesOf: db.prepare('SELECT body FROM notices WHERE parcel_id = ? ORDER BY idx'),
		disputed: db.prepare(`SELECT DISTINCT parcel_id FROM claims WHERE state = 'open' AND parcel_id IN (SELECT value FROM json_each(?))`).pluck()
	};
}
