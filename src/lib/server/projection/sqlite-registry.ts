// SQLite tables of the registry workspace's read model (registry-types.ts), beside the parcels
// table in the log's database. `saveInTransaction` runs inside SqliteProjectionStore.saveParcels.
import type Database from 'better-sqlite3';
import { checkLimit, checkListQuery } from './types';
import { activityFromDb, activityToDb, conflictFromDb, conflictToDb, issueFromDb, issueToDb, JSON_TEXT, refusalFromDb, refusalToDb, type DbRow } from './rows';
import { MAX_REFUSALS_KEPT, type AuthorActivityRow, type ConflictRow, type ListQuery, type ProjectionExtras, type RefusalRow, type SpatialIssueRow } from './registry-types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS parcel_conflicts (
  parcel_id TEXT NOT NULL, district TEXT NOT NULL, part TEXT NOT NULL, path TEXT NOT NULL,
  last_index INTEGER NOT NULL, vals TEXT NOT NULL,
  PRIMARY KEY (parcel_id, part, path)
);
CREATE INDEX IF NOT EXISTS parcel_conflicts_newest ON parcel_conflicts (last_index DESC);
CREATE INDEX IF NOT EXISTS parcel_conflicts_district ON parcel_conflicts (district, last_index DESC);
CREATE TABLE IF NOT EXISTS spatial_issues (
  parcel_id TEXT NOT NULL, other_id TEXT NOT NULL, district TEXT NOT NULL, other_district TEXT NOT NULL,
  kind TEXT NOT NULL, measure REAL NOT NULL, idx INTEGER NOT NULL,
  PRIMARY KEY (parcel_id, other_id, kind)
);
CREATE INDEX IF NOT EXISTS spatial_issues_other ON spatial_issues (other_id);
CREATE TABLE IF NOT EXISTS author_activity (
  author TEXT PRIMARY KEY, last_index INTEGER NOT NULL, last_log_time INTEGER NOT NULL, last_parcel TEXT
);
CREATE TABLE IF NOT EXISTS refused_submissions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, author TEXT NOT NULL, parcel TEXT NOT NULL,
  part TEXT NOT NULL, claimed_time INTEGER NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL
);
`;

type Row = DbRow;

const conflictRow = (r: Row) => conflictFromDb(r, JSON_TEXT);

export class SqliteRegistryTables {
	readonly #db: Database.Database;
	#s: ReturnType<typeof prepare> | null = null;

	constructor(db: Database.Database) {
		this.#db = db;
	}

	migrate(): void {
		const existed = this.#db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'parcel_conflicts'").get() !== undefined;
		this.#db.transaction(() => {
			this.#db.exec(SCHEMA);
			// A projection made before these tables existed is projected again once, to fill them.
			if (!existed) this.#db.exec('UPDATE projection_state SET size = 0 WHERE EXISTS (SELECT 1 FROM parcels)');
		})();
		this.#s = prepare(this.#db);
	}

	get #stmts() {
		if (!this.#s) throw new Error('SqliteRegistryTables: call migrate() first');
		return this.#s;
	}

	/** Inside saveParcels' transaction: `saved` are the parcels whose rows were written. */
	saveInTransaction(saved: Set<string>, extras: ProjectionExtras | undefined): void {
		const s = this.#stmts;
		if (extras?.conflicts) {
			for (const id of saved) s.deleteConflicts.run(id);
			for (const c of extras.conflicts) {
				if (!saved.has(c.parcelId)) continue;
				s.insertConflict.run(conflictToDb(c, JSON_TEXT));
			}
		}
		for (const a of extras?.activity ?? []) s.upsertActivity.run(activityToDb(a));
		if (extras?.spatial) this.#replaceIssues(extras.spatial.parcels, extras.spatial.issues);
	}

	#replaceIssues(parcels: string[], issues: SpatialIssueRow[]): void {
		const s = this.#stmts;
		for (const id of parcels) s.deleteIssues.run(id, id);
		for (const i of issues) s.insertIssue.run(issueToDb(i));
	}

	conflicts(q: ListQuery): { rows: ConflictRow[]; total: number } {
		checkListQuery(q);
		const s = this.#stmts;
		if (q.district === undefined) {
			return { rows: (s.conflictsAll.all(q.limit, q.offset) as Row[]).map(conflictRow), total: s.countAll.get() as number };
		}
		const rows = (s.conflictsIn.all(q.district, q.limit, q.offset) as Row[]).map(conflictRow);
		return { rows, total: s.countIn.get(q.district) as number };
	}

	conflictsOf(parcelId: string): ConflictRow[] {
		return (this.#stmts.conflictsOf.all(parcelId) as Row[]).map(conflictRow);
	}

	spatialIssues(q: ListQuery): { rows: SpatialIssueRow[]; total: number } {
		checkListQuery(q);
		const where = q.district === undefined ? '' : 'WHERE district = @d OR other_district = @d';
		const params = q.district === undefined ? {} : { d: q.district };
		const rows = this.#db.prepare(`SELECT * FROM spatial_issues ${where} ORDER BY idx DESC, parcel_id, other_id, kind LIMIT @limit OFFSET @offset`);
		const count = this.#db.prepare(`SELECT count(*) FROM spatial_issues ${where}`).pluck();
		return { rows: (rows.all({ ...params, limit: q.limit, offset: q.offset }) as Row[]).map(issueFromDb), total: count.get(params) as number };
	}

	spatialIssuesOf(ids: string[]): SpatialIssueRow[] {
		const s = this.#stmts;
		const seen = new Map<string, SpatialIssueRow>();
		for (const id of ids) {
			for (const r of [...(s.issuesOf.all(id) as Row[]), ...(s.issuesOther.all(id) as Row[])]) {
				const row = issueFromDb(r);
				seen.set(`${row.parcelId}|${row.otherId}|${row.kind}`, row);
			}
		}
		return [...seen.values()];
	}

	replaceSpatialIssues(parcels: string[], issues: SpatialIssueRow[]): void {
		this.#db.transaction(() => this.#replaceIssues(parcels, issues))();
	}

	authorActivity(): AuthorActivityRow[] {
		return (this.#stmts.activity.all() as Row[]).map(activityFromDb);
	}

	recordRefusals(rows: RefusalRow[]): void {
		const s = this.#stmts;
		this.#db.transaction(() => {
			for (const r of rows) s.insertRefusal.run(refusalToDb(r));
			s.pruneRefusals.run(MAX_REFUSALS_KEPT);
		})();
	}

	refusals(limit: number): RefusalRow[] {
		checkLimit(limit, MAX_REFUSALS_KEPT);
		return (this.#stmts.refusals.all(limit) as Row[]).map(refusalFromDb);
	}
}

function prepare(db: Database.Database) {
	return {
		deleteConflicts: db.prepare('DELETE FROM parcel_conflicts WHERE parcel_id = ?'),
		insertConflict: db.prepare(
			'INSERT OR REPLACE INTO parcel_conflicts (parcel_id, district, part, path, last_index, vals) VALUES (@parcel_id, @district, @part, @path, @last_index, @vals)'
		),
		conflictsAll: db.prepare('SELECT * FROM parcel_conflicts ORDER BY last_index DESC, parcel_id, part, path LIMIT ? OFFSET ?'),
		countAll: db.prepare('SELECT count(*) FROM parcel_conflicts').pluck(),
		conflictsIn: db.prepare(
			'SELECT * FROM parcel_conflicts WHERE district = ? ORDER BY last_index DESC, parcel_id, part, path LIMIT ? OFFSET ?'
		),
		countIn: db.prepare('SELECT count(*) FROM parcel_conflicts WHERE district = ?').pluck(),
		conflictsOf: db.prepare('SELECT * FROM parcel_conflicts WHERE parcel_id = ? ORDER BY part, path'),
		issuesOf: db.prepare('SELECT * FROM spatial_issues WHERE parcel_id = ?'),
		issuesOther: db.prepare('SELECT * FROM spatial_issues WHERE other_id = ?'),
		deleteIssues: db.prepare('DELETE FROM spatial_issues WHERE parcel_id = ? OR other_id = ?'),
		insertIssue: db.prepare(
			'INSERT OR REPLACE INTO spatial_issues (parcel_id, other_id, district, other_district, kind, measure, idx) VALUES (@parcel_id, @other_id, @district, @other_district, @kind, @measure, @idx)'
		),
		upsertActivity: db.prepare(
			`INSERT INTO author_activity (author, last_index, last_log_time, last_parcel) VALUES (@author, @last_index, @last_log_time, @last_parcel)
			 ON CONFLICT (author) DO UPDATE SET last_index = excluded.last_index, last_log_time = excluded.last_log_time,
			   last_parcel = excluded.last_parcel WHERE excluded.last_index > author_activity.last_index`
		),
		activity: db.prepare('SELECT * FROM author_activity ORDER BY author'),
		insertRefusal: db.prepare(
			'INSERT INTO refused_submissions (at, author, parcel, part, claimed_time, code, message) VALUES (@at, @author, @parcel, @part, @claimed_time, @code, @message)'
		),
		pruneRefusals: db.prepare('DELETE FROM refused_submissions WHERE seq <= (SELECT max(seq) FROM refused_submissions) - ?'),
		refusals: db.prepare('SELECT * FROM refused_submissions ORDER BY seq DESC LIMIT ?')
	};
}
