// PostgreSQL projection (node-postgres), on the log's pool. Search: a `search` column holding
// ' w1 w2 …' (the words of core/record/summary.ts `searchWords`), each query word matched as LIKE '% word%'
// and served by a pg_trgm GIN index; bbox: a GiST index on box(...) for candidates, then exact
// comparisons, because box && tolerates 1e-6 (PostgreSQL's FPle) and SQLite does not.
import type pg from 'pg';
import { queryWords, searchWords } from '../../core/record/summary';
import { checkLimit, checkSearchQuery, MAX_LIST_LIMIT, type BBox, type ParcelRow, type ProjectionStore, type SearchQuery, type SearchResult } from './types';
import { inTransaction } from '../store/postgres/transaction';
import { PostgresRegistryTables, REGISTRY_SCHEMA } from './postgres-registry';
import { CLAIMS_SCHEMA, PostgresClaimTables } from './postgres-claims';
import type { ClaimQueueQuery } from './claims-types';
import { hitFromDb, JSON_NATIVE, parcelFromDb, parcelToDb, PARCEL_COLUMNS, SUMMARY_COLUMNS, type DbRow } from './rows';
import type { ListQuery, ProjectionExtras, RefusalRow, SpatialIssueRow } from './registry-types';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS parcels (
  id TEXT COLLATE "C" PRIMARY KEY,
  district TEXT COLLATE "C" NOT NULL,
  apn TEXT NOT NULL,
  status TEXT NOT NULL,
  address_line TEXT NOT NULL,
  locality TEXT NOT NULL,
  postcode TEXT NOT NULL,
  land_use TEXT NOT NULL,
  zoning TEXT NOT NULL,
  recorded_area DOUBLE PRECISION,
  owners JSONB NOT NULL,
  total_value DOUBLE PRECISION,
  value_year TEXT,
  geometry JSONB,
  min_lon DOUBLE PRECISION, min_lat DOUBLE PRECISION, max_lon DOUBLE PRECISION, max_lat DOUBLE PRECISION,
  record JSONB NOT NULL,
  last_index BIGINT NOT NULL,
  edit_count INTEGER NOT NULL,
  search TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS parcels_by_district ON parcels (district, id);
CREATE INDEX IF NOT EXISTS parcels_search ON parcels USING gin (search gin_trgm_ops);
CREATE INDEX IF NOT EXISTS parcels_bbox ON parcels USING gist (box(point(min_lon, min_lat), point(max_lon, max_lat)))
  WHERE min_lon IS NOT NULL;
CREATE TABLE IF NOT EXISTS projection_state (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL);
INSERT INTO projection_state (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
`;

const TYPES: Partial<Record<string, string>> = {
	recorded_area: 'double precision',
	owners: 'jsonb',
	total_value: 'double precision',
	geometry: 'jsonb',
	min_lon: 'double precision',
	min_lat: 'double precision',
	max_lon: 'double precision',
	max_lat: 'double precision',
	record: 'jsonb',
	last_index: 'bigint',
	edit_count: 'integer'
};
const COLUMNS: [string, string][] = [...PARCEL_COLUMNS, 'search'].map((c) => [c, TYPES[c] ?? 'text']);

// One statement per batch: the rows travel as one JSON array.
const UPSERT = `
INSERT INTO parcels (${COLUMNS.map(([c]) => c).join(', ')})
SELECT ${COLUMNS.map(([c, t]) => (t === 'jsonb' ? `NULLIF(x.${c}, 'null'::jsonb)` : `x.${c}`)).join(', ')}
FROM jsonb_to_recordset($1::jsonb) AS x(${COLUMNS.map(([c, t]) => `${c} ${t}`).join(', ')})
ON CONFLICT (id) DO UPDATE SET ${COLUMNS.filter(([c]) => c !== 'id').map(([c]) => `${c} = excluded.${c}`).join(', ')}
WHERE parcels.last_index <= excluded.last_index`;

const FULL_COLUMNS = `${SUMMARY_COLUMNS}, geometry, record`;

type Row = DbRow;

/** A LIKE pattern for "some word starts with `word`"; backslash is LIKE's default escape. */
export const likeWordPrefix = (word: string): string => `% ${word.replace(/[\\%_]/g, '\\$&')}%`;

const hit = (r: Row) => hitFromDb(r, JSON_NATIVE);
const fullRow = (r: Row) => parcelFromDb(r, JSON_NATIVE);
const dbRow = (row: ParcelRow): Row => ({ ...parcelToDb(row, JSON_NATIVE), search: ` ${searchWords(row).join(' ')}` });

/** One row per id (the largest lastIndex, the later on a tie: what sequential upserts give), sorted by id. */
function latestPerId(rows: ParcelRow[]): ParcelRow[] {
	const byId = new Map<string, ParcelRow>();
	for (const row of rows) {
		const kept = byId.get(row.id);
		if (!kept || row.lastIndex >= kept.lastIndex) byId.set(row.id, row);
	}
	// Sorted, so that concurrent batches lock rows in one order and cannot deadlock.
	return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export class PostgresProjectionStore implements ProjectionStore {
	readonly kind = 'postgres';
	readonly pool: pg.Pool;
	/** The registry workspace's tables (postgres-registry.ts). */
	readonly #registry: PostgresRegistryTables;
	/** Claims and notices (postgres-claims.ts). */
	readonly #claims: PostgresClaimTables;

	constructor(pool: pg.Pool) {
		this.pool = pool;
		this.#registry = new PostgresRegistryTables(pool);
		this.#claims = new PostgresClaimTables(pool);
	}

	async #q(text: string, values: unknown[] = []): Promise<Row[]> {
		return (await this.pool.query(text, values)).rows;
	}

	async migrate(): Promise<void> {
		const client = await this.pool.connect();
		try {
			// Serialize concurrent migrations from several app servers.
			await client.query('SELECT pg_advisory_lock(7240002)');
			try {
				await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
			} catch (e) {
				const db = (await client.query('SELECT current_database() AS db')).rows[0].db as string;
				throw new Error(
					`cannot enable pg_trgm (${(e as Error).message}): as a superuser, run \`CREATE EXTENSION pg_trgm;\` in database ${db}`
				);
			}
			await client.query(SCHEMA);
			const [{ existed }] = (await client.query("SELECT to_regclass('parcel_conflicts') IS NOT NULL AS existed")).rows;
			await client.query(REGISTRY_SCHEMA);
			const [{ claims }] = (await client.query("SELECT to_regclass('claims') IS NOT NULL AS claims")).rows;
			await client.query(CLAIMS_SCHEMA);
			// A projection made before the registry (or claims) tables existed is projected again once, to fill them.
			if (!existed || !claims) await client.query('UPDATE projection_state SET size = 0 WHERE EXISTS (SELECT 1 FROM parcels)');
		} finally {
			await client.query('SELECT pg_advisory_unlock(7240002)').catch(() => {});
			client.release();
		}
	}

	async projectedSize(): Promise<number> {
		const [r] = await this.#q('SELECT size FROM projection_state WHERE id = 1');
		return Number(r.size);
	}

	async saveParcels(rows: ParcelRow[], projectedSize: number, extras?: ProjectionExtras): Promise<void> {
		if (!Number.isSafeInteger(projectedSize) || projectedSize < 0) throw new RangeError('projectedSize must be a whole number ≥ 0');
		await inTransaction(this.pool, async (client) => {
			const unique = latestPerId(rows);
			if (unique.length > 0) await client.query(UPSERT, [JSON.stringify(unique.map(dbRow))]);
			await this.#registry.saveInTransaction(client, unique, extras);
			await this.#claims.saveInTransaction(client, extras?.claims, projectedSize);
			await client.query('UPDATE projection_state SET size = GREATEST(size, $1) WHERE id = 1', [projectedSize]);
		});
	}

	// Registry workspace (postgres-registry.ts).
	conflicts = (q: ListQuery) => this.#registry.conflicts(q);
	conflictsOf = (parcelId: string) => this.#registry.conflictsOf(parcelId);
	spatialIssues = (q: ListQuery) => this.#registry.spatialIssues(q);
	spatialIssuesOf = (ids: string[]) => this.#registry.spatialIssuesOf(ids);
	replaceSpatialIssues = (parcels: string[], issues: SpatialIssueRow[]) => this.#registry.replaceSpatialIssues(parcels, issues);
	authorActivity = () => this.#registry.authorActivity();
	recordRefusals = (rows: RefusalRow[]) => this.#registry.recordRefusals(rows);
	refusals = (limit: number) => this.#registry.refusals(limit);
	// Claims and notices (postgres-claims.ts).
	claimsOfParcel = (parcelId: string) => this.#claims.claimsOfParcel(parcelId);
	claimQueue = (q: ClaimQueueQuery) => this.#claims.claimQueue(q);
	disputedAmong = (ids: string[]) => this.#claims.disputedAmong(ids);

	async getParcel(id: string): Promise<ParcelRow | null> {
		const [r] = await this.#q(`SELECT ${FULL_COLUMNS} FROM parcels WHERE id = $1`, [id]);
		return r ? fullRow(r) : null;
	}

	async extent(): Promise<BBox | null> {
		const [r] = await this.#q('SELECT min(min_lon) a, min(min_lat) b, max(max_lon) c, max(max_lat) d FROM parcels WHERE min_lon IS NOT NULL');
		return r?.a == null ? null : [Number(r.a), Number(r.b), Number(r.c), Number(r.d)];
	}

	async getParcels(ids: string[]): Promise<ParcelRow[]> {
		checkLimit(Math.max(1, ids.length), MAX_LIST_LIMIT);
		if (!ids.length) return [];
		const rows = await this.#q(`SELECT ${FULL_COLUMNS} FROM parcels WHERE id = ANY($1::text[])`, [ids]);
		const byId = new Map(rows.map((r) => [r.id as string, fullRow(r)]));
		return ids.flatMap((id) => byId.get(id) ?? []);
	}

	async search(q: SearchQuery): Promise<SearchResult> {
		checkSearchQuery(q);
		const text = queryWords(q.text);
		if (text !== null && text.length === 0) return { rows: [], total: 0 };
		const where = ['TRUE'];
		const params: unknown[] = [];
		const param = (v: unknown) => `$${params.push(v)}`;
		for (const word of text ?? []) where.push(`search LIKE ${param(likeWordPrefix(word))}`);
		if (q.district !== undefined) where.push(`district = ${param(q.district)}`);
		if (q.bbox) {
			const [minLon, minLat, maxLon, maxLat] = q.bbox.map(param);
			where.push(
				'min_lon IS NOT NULL',
				`box(point(min_lon, min_lat), point(max_lon, max_lat)) && box(point(${minLon}, ${minLat}), point(${maxLon}, ${maxLat}))`,
				`min_lon <= ${maxLon} AND max_lon >= ${minLon} AND min_lat <= ${maxLat} AND max_lat >= ${minLat}`
			);
		}
		const filter = where.join(' AND ');
		const [{ n }] = await this.#q(`SELECT count(*) AS n FROM parcels WHERE ${filter}`, params);
		const total = Number(n);
		if (total === 0) return { rows: [], total };
		const rows = await this.#q(
			`SELECT ${SUMMARY_COLUMNS} FROM parcels WHERE ${filter} ORDER BY id LIMIT ${param(q.limit)} OFFSET ${param(q.offset)}`,
			params
		);
		return { rows: rows.map(hit), total };
	}

	async districts(): Promise<{ district: string; parcels: number }[]> {
		const rows = await this.#q('SELECT district, count(*) AS n FROM parcels GROUP BY district ORDER BY district');
		return rows.map((r) => ({ district: r.district as string, parcels: Number(r.n) }));
	}

	async listParcels(district: string, afterId: string | null, limit: number): Promise<ParcelRow[]> {
		checkLimit(limit, MAX_LIST_LIMIT);
		const rows = await this.#q(
			`SELECT ${FULL_COLUMNS} FROM parcels WHERE district = $1 AND id > $2 ORDER BY id LIMIT $3`,
			[district, afterId ?? '', limit]
		);
		return rows.map(fullRow);
	}
}
