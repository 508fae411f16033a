// SQLite projection, in the log's own database file (the Database the SqliteLogStore opened, so
// WAL with synchronous=FULL applies here too). Search: FTS5 over the words of core/record/summary.ts
// `searchWords`, queried word by word as quoted prefix terms; rowids follow parcel-id order
// (sqlite-order.ts), so text searches read pages off the index in order; bbox: an R*Tree for
// candidates, then the exact REAL columns, because R*Tree keeps 32-bit floats rounded outwards.
import type Database from 'better-sqlite3';
import { queryWords, searchWords } from '../../core/record/summary';
import { RidAllocator, upgradeLayout } from './sqlite-order';
import { hitFromDb, JSON_TEXT, parcelFromDb, parcelToDb, PARCEL_COLUMNS, SUMMARY_COLUMNS, type DbRow } from './rows';
import { SqliteRegistryTables } from './sqlite-registry';
import { SqliteClaimTables } from './sqlite-claims';
import type { ClaimQueueQuery } from './claims-types';
import type { ListQuery, ProjectionExtras, RefusalRow, SpatialIssueRow } from './registry-types';
import { checkLimit, checkSearchQuery, MAX_LIST_LIMIT, type BBox, type ParcelRow, type ProjectionStore, type SearchQuery, type SearchResult } from './types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS parcels (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  district TEXT NOT NULL,
  apn TEXT NOT NULL,
  status TEXT NOT NULL,
  address_line TEXT NOT NULL,
  locality TEXT NOT NULL,
  postcode TEXT NOT NULL,
  land_use TEXT NOT NULL,
  zoning TEXT NOT NULL,
  recorded_area REAL,
  owners TEXT NOT NULL,
  total_value REAL,
  value_year TEXT,
  geometry TEXT,
  min_lon REAL, min_lat REAL, max_lon REAL, max_lat REAL,
  record TEXT NOT NULL,
  last_index INTEGER NOT NULL,
  edit_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS parcels_by_district ON parcels (district, id);
CREATE VIRTUAL TABLE IF NOT EXISTS parcels_rtree USING rtree(rid, min_lon, max_lon, min_lat, max_lat);
CREATE TABLE IF NOT EXISTS projection_state (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
INSERT OR IGNORE INTO projection_state (id, size) VALUES (1, 0);
`;

type Row = DbRow;

/** An FTS5 string literal: double quotes doubled (FTS5 §3.1), so no input is ever syntax. */
export const ftsPrefixTerm = (word: string): string => `"${word.replaceAll('"', '""')}"*`;

/** Every word as a prefix of some word in the `words` column, and the district's exact token. */
function ftsMatch(words: string[], district: string | undefined): string {
	const terms = words.map((w) => `words : ${ftsPrefixTerm(w)}`);
	if (district !== undefined) terms.push(`district : "${district.replaceAll('"', '""')}"`);
	return terms.join(' AND ');
}

const hit = (r: Row) => hitFromDb(r, JSON_TEXT);
const fullRow = (r: Row) => parcelFromDb(r, JSON_TEXT);

export class SqliteProjectionStore implements ProjectionStore {
	readonly kind = 'sqlite';
	readonly db: Database.Database;
	#stmts: ReturnType<typeof prepare> | null = null;
	#rids: RidAllocator | null = null;
	#searches = new Map<string, { rows: Database.Statement; count: Database.Statement }>();
	/** The registry workspace's tables (sqlite-registry.ts). */
	readonly #registry: SqliteRegistryTables;
	/** Claims and notices (sqlite-claims.ts). */
	readonly #claims: SqliteClaimTables;

	constructor(db: Database.Database) {
		this.db = db;
		this.#registry = new SqliteRegistryTables(db);
		this.#claims = new SqliteClaimTables(db);
	}

	get #s() {
		if (!this.#stmts) throw new Error('SqliteProjectionStore: call migrate() first');
		return this.#stmts;
	}

	async migrate(): Promise<void> {
		this.db.exec(SCHEMA);
		upgradeLayout(this.db);
		this.#stmts = prepare(this.db);
		this.#rids = new RidAllocator(this.db);
		this.#registry.migrate();
		this.#claims.migrate();
	}

	async projectedSize(): Promise<number> {
		return this.#s.size.get() as number;
	}

	async saveParcels(rows: ParcelRow[], projectedSize: number, extras?: ProjectionExtras): Promise<void> {
		if (!Number.isSafeInteger(projectedSize) || projectedSize < 0) throw new RangeError('projectedSize must be a whole number ≥ 0');
		const s = this.#s;
		const rids = this.#rids!;
		this.db.transaction(() => {
			const saved = new Set<string>();
			for (const row of rows) {
				const known = s.ridOf.get(row.id) !== undefined;
				const stored = s.upsert.get({
					...parcelToDb(row, JSON_TEXT),
					// A new parcel takes its place in id order; a known one keeps its rid (null: the upsert updates).
					rid: known ? null : rids.allocate(row.id)
				}) as { rid: number } | undefined;
				if (!stored) continue; // the stored row is newer (monotonic contract)
				saved.add(row.id);
				s.deleteWords.run(stored.rid);
				s.insertWords.run(stored.rid, searchWords(row).join(' '), row.district);
				s.deleteBox.run(stored.rid);
				if (row.bbox) s.insertBox.run(stored.rid, row.bbox[0], row.bbox[2], row.bbox[1], row.bbox[3]);
			}
			this.#registry.saveInTransaction(saved, extras);
			this.#claims.saveInTransaction(extras?.claims, projectedSize);
			s.advance.run(projectedSize);
		})();
	}

	async getParcel(id: string): Promise<ParcelRow | null> {
		const r = this.#s.get.get(id) as Row | undefined;
		return r ? fullRow(r) : null;
	}

	async extent(): Promise<BBox | null> {
		const r = this.db.prepare('SELECT min(min_lon) a, min(min_lat) b, max(max_lon) c, max(max_lat) d FROM parcels WHERE min_lon IS NOT NULL').get() as Record<string, number | null>;
		return r.a === null ? null : [r.a, r.b!, r.c!, r.d!];
	}

	async getParcels(ids: string[]): Promise<ParcelRow[]> {
		checkLimit(Math.max(1, ids.length), MAX_LIST_LIMIT);
		return ids.flatMap((id) => {
			const r = this.#s.get.get(id) as Row | undefined;
			return r ? [fullRow(r)] : [];
		});
	}

	async search(q: SearchQuery): Promise<SearchResult> {
		checkSearchQuery(q);
		const text = queryWords(q.text);
		if (text !== null && text.length === 0) return { rows: [], total: 0 };
		const key = `${text ? 't' : ''}${q.district !== undefined ? 'd' : ''}${q.bbox ? 'b' : ''}`;
		const stmts = this.#searchStatements(key);
		const [minLon, minLat, maxLon, maxLat] = q.bbox ?? [0, 0, 0, 0];
		const params = {
			...(text ? { match: ftsMatch(text, q.district) } : {}),
			...(q.district !== undefined && !text ? { district: q.district } : {}),
			...(q.bbox ? { minLon, minLat, maxLon, maxLat } : {})
		};
		// Stored districts are upper case (record/ids.ts); the FTS column matches case-insensitively.
		if (text && q.district !== undefined && !/^[A-Z0-9]+$/.test(q.district)) return { rows: [], total: 0 };
		const total = stmts.count.get(params) as number;
		const rows = total === 0 ? [] : (stmts.rows.all({ ...params, limit: q.limit, offset: q.offset }) as Row[]);
		return { rows: rows.map(hit), total };
	}

	async districts(): Promise<{ district: string; parcels: number }[]> {
		return this.#s.districts.all() as { district: string; parcels: number }[];
	}

	async listParcels(district: string, afterId: string | null, limit: number): Promise<ParcelRow[]> {
		checkLimit(limit, MAX_LIST_LIMIT);
		return (this.#s.list.all(district, afterId ?? '', limit) as Row[]).map(fullRow);
	}

	// Registry workspace (sqlite-registry.ts).
	conflicts = async (q: ListQuery) => this.#registry.conflicts(q);
	conflictsOf = async (parcelId: string) => this.#registry.conflictsOf(parcelId);
	spatialIssues = async (q: ListQuery) => this.#registry.spatialIssues(q);
	spatialIssuesOf = async (ids: string[]) => this.#registry.spatialIssuesOf(ids);
	replaceSpatialIssues = async (parcels: string[], issues: SpatialIssueRow[]) => this.#registry.replaceSpatialIssues(parcels, issues);
	authorActivity = async () => this.#registry.authorActivity();
	recordRefusals = async (rows: RefusalRow[]) => this.#registry.recordRefusals(rows);
	refusals = async (limit: number) => this.#registry.refusals(limit);
	// Claims and notices (sqlite-claims.ts).
	claimsOfParcel = (parcelId: string) => this.#claims.claimsOfParcel(parcelId);
	claimQueue = (q: ClaimQueueQuery) => this.#claims.claimQueue(q);
	disputedAmong = (ids: string[]) => this.#claims.disputedAmong(ids);

	/** One prepared pair per combination of filters (at most eight). */
	#searchStatements(key: string) {
		let stmts = this.#searches.get(key);
		if (!stmts && (key === 't' || key === 'td')) {
			// Text (and district, inside the FTS query): matches come in rowid order, which is id
			// order, so the page is read off the index and the count never touches the table.
			stmts = {
				rows: this.db.prepare(
					`SELECT ${SUMMARY_COLUMNS.split(',').map((c) => `p.${c.trim()}`).join(', ')} FROM parcels_fts f JOIN parcels p ON p.rid = f.rowid
					 WHERE parcels_fts MATCH @match ORDER BY f.rowid LIMIT @limit OFFSET @offset`
				),
				count: this.db.prepare('SELECT count(*) FROM parcels_fts WHERE parcels_fts MATCH @match').pluck()
			};
			this.#searches.set(key, stmts);
		}
		if (!stmts) {
			const where = ['1 = 1'];
			if (key.includes('t')) where.push('p.rid IN (SELECT rowid FROM parcels_fts WHERE parcels_fts MATCH @match)');
			if (key.includes('d') && !key.includes('t')) where.push('p.district = @district');
			if (key.includes('b')) {
				where.push(
					`p.rid IN (SELECT rid FROM parcels_rtree
					   WHERE min_lon <= @maxLon AND max_lon >= @minLon AND min_lat <= @maxLat AND max_lat >= @minLat)`,
					'p.min_lon <= @maxLon AND p.max_lon >= @minLon AND p.min_lat <= @maxLat AND p.max_lat >= @minLat'
				);
			}
			const filter = where.join(' AND ');
			stmts = {
				rows: this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM parcels p WHERE ${filter} ORDER BY p.id LIMIT @limit OFFSET @offset`),
				count: this.db.prepare(`SELECT count(*) FROM parcels p WHERE ${filter}`).pluck()
			};
			this.#searches.set(key, stmts);
		}
		return stmts;
	}
}

function prepare(db: Database.Database) {
	const names = PARCEL_COLUMNS;
	return {
		size: db.prepare('SELECT size FROM projection_state WHERE id = 1').pluck(),
		advance: db.prepare('UPDATE projection_state SET size = max(size, ?) WHERE id = 1'),
		upsert: db.prepare(
			`INSERT INTO parcels (rid, ${names.join(', ')}) VALUES (@rid, ${names.map((n) => `@${n}`).join(', ')})
			 ON CONFLICT (id) DO UPDATE SET ${names.filter((n) => n !== 'id').map((n) => `${n} = excluded.${n}`).join(', ')}
			 WHERE excluded.last_index >= parcels.last_index
			 RETURNING rid`
		),
		ridOf: db.prepare('SELECT rid FROM parcels WHERE id = ?').pluck(),
		deleteWords: db.prepare('DELETE FROM parcels_fts WHERE rowid = ?'),
		insertWords: db.prepare('INSERT INTO parcels_fts (rowid, words, district) VALUES (?, ?, ?)'),
		deleteBox: db.prepare('DELETE FROM parcels_rtree WHERE rid = ?'),
		insertBox: db.prepare('INSERT INTO parcels_rtree (rid, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
		get: db.prepare('SELECT * FROM parcels WHERE id = ?'),
		districts: db.prepare('SELECT district, count(*) AS parcels FROM parcels GROUP BY district ORDER BY district'),
		list: db.prepare('SELECT * FROM parcels WHERE district = ? AND id > ? ORDER BY id LIMIT ?')
	};
}
