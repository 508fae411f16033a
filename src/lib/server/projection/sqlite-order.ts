// Row ids in parcel-id order, so that the FTS5 index (whose rowids are these) yields matches
// already sorted by parcel id: a search reads the first page straight off the index and stops,
// however many parcels match (a million-row county answers "road" in milliseconds instead of
// sorting 100,000 matches). A new parcel takes a rowid between its neighbours'; when there is no
// room left between them (rare: 2^24 apart at first), every row is renumbered in one statement set.
import type Database from 'better-sqlite3';

/** Room between consecutive rows after a renumbering, and the step when appending at either end. */
const STEP = 2 ** 24;
/** Where numbering starts: leaves room for 2^26 rows before the first, 2^29 after (all below 2^53). */
const START = 2 ** 50;
const MAX = Number.MAX_SAFE_INTEGER;

/** Layout 2: order-preserving rids, FTS5 with a district column and 4-character prefixes. */
export const FTS_SCHEMA = `CREATE VIRTUAL TABLE IF NOT EXISTS parcels_fts USING fts5(words, district, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4')`;

export class RidAllocator {
	readonly #db: Database.Database;
	readonly #prev: Database.Statement;
	readonly #next: Database.Statement;

	constructor(db: Database.Database) {
		this.#db = db;
		this.#prev = db.prepare('SELECT rid FROM parcels WHERE id < ? ORDER BY id DESC LIMIT 1').pluck();
		this.#next = db.prepare('SELECT rid FROM parcels WHERE id > ? ORDER BY id LIMIT 1').pluck();
	}

	/** A free rid between the rows around `id` (which must be new), renumbering first if none is. Call inside a transaction. */
	allocate(id: string): number {
		const rid = this.#between(id);
		if (rid !== null) return rid;
		renumber(this.#db);
		return this.#between(id)!;
	}

	#between(id: string): number | null {
		const prev = this.#prev.get(id) as number | undefined;
		const next = this.#next.get(id) as number | undefined;
		if (prev === undefined && next === undefined) return START;
		if (next === undefined) return prev! + STEP <= MAX ? prev! + STEP : null;
		if (prev === undefined) return next - STEP >= 1 ? next - STEP : null;
		const gap = next - prev;
		return gap >= 2 ? prev + Math.min(STEP, Math.floor(gap / 2)) : null;
	}
}

/**
 * Gives every row a new rid, in id order and STEP apart, in parcels, the FTS index and the R*Tree.
 * The FTS table is rebuilt in the layout-2 schema (whatever layout it had) from its stored words.
 */
export function renumber(db: Database.Database): void {
	db.exec(`
		DROP TABLE IF EXISTS temp.pl_renumber;
		CREATE TEMP TABLE pl_renumber (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
		INSERT INTO pl_renumber SELECT rid, ${START} + (row_number() OVER (ORDER BY id) - 1) * ${STEP} FROM parcels;
		DROP TABLE IF EXISTS temp.pl_words;
		CREATE TEMP TABLE pl_words AS
		  SELECT r.new AS rid, f.words, p.district FROM parcels_fts f JOIN pl_renumber r ON r.old = f.rowid JOIN parcels p ON p.rid = f.rowid
		  ORDER BY r.new;
		DROP TABLE parcels_fts;
		${FTS_SCHEMA};
		INSERT INTO parcels_fts (rowid, words, district) SELECT rid, words, district FROM pl_words;
		DROP TABLE IF EXISTS temp.pl_boxes;
		CREATE TEMP TABLE pl_boxes AS SELECT r.new AS rid, b.min_lon, b.max_lon, b.min_lat, b.max_lat FROM parcels_rtree b JOIN pl_renumber r ON r.old = b.rid;
		DELETE FROM parcels_rtree;
		INSERT INTO parcels_rtree (rid, min_lon, max_lon, min_lat, max_lat) SELECT rid, min_lon, max_lon, min_lat, max_lat FROM pl_boxes;
		UPDATE parcels SET rid = -(SELECT new FROM pl_renumber WHERE old = parcels.rid);
		UPDATE parcels SET rid = -rid;
		DROP TABLE pl_renumber; DROP TABLE pl_words; DROP TABLE pl_boxes;
	`);
}

/**
 * Brings a projection written by layout 1 (autoincrement rids, one FTS column) to layout 2 in one
 * transaction: every row renumbered in id order, the FTS table rebuilt with a district column.
 * Idempotent; a new database is created in layout 2 directly. About 4 minutes per million rows
 * on a small shared machine; a county of a few thousand parcels takes no time.
 */
export function upgradeLayout(db: Database.Database): void {
	const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'parcels_fts'").pluck().get() as string | undefined;
	if (sql === undefined) {
		db.exec(FTS_SCHEMA);
		return;
	}
	if (/\bdistrict\b/.test(sql)) return;
	db.transaction(() => renumber(db))();
}
