// bench/public-search: latency of the public search at country scale. Generates N synthetic parcel
// rows (bench/synthetic-parcels.ts, deterministic) and writes them straight into the SQLite
// projection with saveParcels in large transactions — not through the log, which would take hours
// of signing and sequencing for a figure about the read side. Then times ProjectionStore.search
// (limit 20, the public page size, including its exact total) for a realistic mix of queries:
// parcel numbers and APN prefixes, address words, owner name prefixes, 1–2 words; and the public
// search (publicSearch: with the typo retry) for misspelled queries. Target: p95 ≤ 20 ms.
//   node --import tsx bench/public-search.ts [--parcels 1000000] [--queries 3000] [--keep FILE] [--pg URL]
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { prng } from '../src/lib/server/demo/generate';
import { SqliteProjectionStore } from '../src/lib/server/projection/sqlite';
import { PostgresProjectionStore } from '../src/lib/server/projection/postgres';
import type { ParcelRow, ProjectionStore } from '../src/lib/server/projection/types';
import { publicSearch } from '../src/lib/server/public/search';
import { syntheticCounty, type SyntheticCounty } from './synthetic-parcels';
import { markdownTable, percentile, type BenchRow } from './table';

const TARGET_MS = 20;
const BATCH = 20_000;

const log = (s: string) => process.stderr.write(s);

async function load(store: ProjectionStore, county: SyntheticCounty, count: number): Promise<void> {
	const t = performance.now();
	let batch: ParcelRow[] = [];
	let done = 0;
	for (const row of county.rows()) {
		batch.push(row);
		if (batch.length === BATCH) {
			done += batch.length;
			await store.saveParcels(batch, done);
			batch = [];
			const rate = done / ((performance.now() - t) / 1000);
			log(`\r[public-search] loading ${done.toLocaleString('en')}/${count.toLocaleString('en')} rows (${Math.round(rate).toLocaleString('en')}/s, ~${Math.round((count - done) / rate)} s left)   `);
		}
	}
	if (batch.length) await store.saveParcels(batch, done + batch.length);
	log(`\n[public-search] loaded ${count.toLocaleString('en')} rows in ${((performance.now() - t) / 1000).toFixed(0)} s\n`);
}

/** Queries a visitor would type, drawn from the data so that most find something. */
export function queryMix(county: SyntheticCounty, count: number, n: number, seed = 7): { kind: string; text: string }[] {
	const r = prng(seed);
	const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
	const district = () => pick(county.districts.slice(0, Math.ceil(count / 25_000)));
	const local = () => 1 + Math.floor(r() * Math.min(count, 25_000));
	const given = ['Ada', 'Ben', 'Maya', 'Hugo', 'Sofia', 'Karl'];
	const kinds: [string, number, () => string][] = [
		['parcel number', 15, () => `${district().code}-${String(local()).padStart(6, '0')}`],
		['parcel number prefix', 5, () => `${district().code}-${String(local()).padStart(6, '0').slice(0, 4)}`],
		['APN prefix', 15, () => `${district().code.slice(1)}${String(Math.floor(r() * 1000)).padStart(4, '0')}-0${Math.floor(r() * 3)}`],
		['house number + street', 15, () => `${1 + Math.floor(r() * 240)} ${pick(county.streets)}`],
		['street word prefix', 10, () => pick(county.streets).split(' ')[0].slice(0, 5)],
		['street + town', 5, () => `${pick(county.streets)} ${district().town}`],
		['owner family name', 10, () => pick(county.families)],
		['owner family prefix', 10, () => pick(county.families).slice(0, 4)],
		['owner given + family', 10, () => `${pick(given)} ${pick(county.families)}`],
		['common single word', 5, () => pick(['road', 'lane', 'street', 'hill', 'way'])]
	];
	const weights = kinds.reduce((a, [, w]) => a + w, 0);
	const out: { kind: string; text: string }[] = [];
	for (let i = 0; i < n; i++) {
		let x = r() * weights;
		const [kind, , make] = kinds.find(([, w]) => (x -= w) < 0) ?? kinds[0];
		out.push({ kind, text: make() });
	}
	return out;
}

/** A wrong last letter, as people type: publicSearch finds nothing, then retries shorter words. */
const misspell = (text: string) => `${text}x`;

async function timeAll(fn: (text: string) => Promise<unknown>, queries: { kind: string; text: string }[]) {
	const byKind = new Map<string, number[]>();
	const all: number[] = [];
	for (const [i, q] of queries.entries()) {
		const t = performance.now();
		await fn(q.text);
		const ms = performance.now() - t;
		all.push(ms);
		const list = byKind.get(q.kind) ?? [];
		list.push(ms);
		byKind.set(q.kind, list);
		if (i % 500 === 0) log(`\r[public-search] query ${i}/${queries.length}   `);
	}
	log('\n');
	return { all: all.sort((a, b) => a - b), byKind };
}

export async function benchPublicSearch(o: { parcels: number; queries: number; keep?: string; pg?: string | null }): Promise<BenchRow[]> {
	const county = syntheticCounty(o.parcels);
	const dir = o.keep ? null : mkdtempSync(join(tmpdir(), 'pl-search-'));
	const file = o.keep ?? join(dir!, 'projection.db');
	const reuse = o.keep !== undefined && existsSync(file);
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = OFF'); // loading speed only; reads are what is measured
	const sqlite = new SqliteProjectionStore(db);
	await sqlite.migrate();
	const present = db.prepare('SELECT count(*) FROM parcels').pluck().get() as number;
	if (reuse && present === o.parcels) log(`[public-search] reusing ${file} (${present.toLocaleString('en')} rows)\n`);
	else {
		if (present) throw new Error(`${file} holds ${present} rows, not ${o.parcels}: delete it first`);
		await load(sqlite, county, o.parcels);
	}
	const rows: BenchRow[] = [];
	const stores: [string, ProjectionStore][] = [['SQLite', sqlite]];
	let pool: pg.Pool | null = null;
	if (o.pg) {
		pool = new pg.Pool({ connectionString: o.pg, max: 4 });
		const store = new PostgresProjectionStore(pool);
		await store.migrate();
		const { rows: n } = await pool.query('SELECT count(*)::int AS n FROM parcels');
		if (n[0].n !== o.parcels) {
			await pool.query('TRUNCATE parcels');
			await load(store, county, o.parcels);
			await pool.query('ANALYZE parcels');
		}
		stores.push(['PostgreSQL', store]);
	}
	try {
		for (const [name, store] of stores) {
			const queries = queryMix(county, o.parcels, o.queries);
			const search = (text: string) => store.search({ text, limit: 20, offset: 0 });
			await timeAll(search, queries.slice(0, 300)); // warm the page cache
			const { all, byKind } = await timeAll(search, queries);
			const found = (await Promise.all(queries.slice(0, 200).map((q) => search(q.text)))).filter((r) => r.total > 0).length;
			log(`[public-search] ${name}: ${found}/200 sample queries find parcels\n`);
			const p95 = percentile(all, 95);
			rows.push(
				{ name: `${name} search p50, ${o.parcels.toLocaleString('en')} parcels, ${queries.length} mixed queries`, value: percentile(all, 50), unit: 'ms' },
				{ name: `${name} search p95`, value: p95, unit: 'ms', limit: { value: TARGET_MS, unit: 'ms', what: 'target' }, ratio: p95 / TARGET_MS, target: '≤ 1', ok: p95 <= TARGET_MS },
				{ name: `${name} search p99`, value: percentile(all, 99), unit: 'ms' }
			);
			for (const [kind, ms] of byKind) rows.push({ name: `  ${name} p95 · ${kind}`, value: percentile(ms.sort((a, b) => a - b), 95), unit: 'ms' });
			const typos = queries.filter((q) => q.kind.startsWith('owner family') || q.kind === 'street word prefix').slice(0, 500);
			const relaxed = await timeAll((text) => publicSearch(store, { q: misspell(text), district: null, bbox: null, page: 1, size: 20 }), typos);
			const rp95 = percentile(relaxed.all, 95);
			rows.push({ name: `${name} public search p95, misspelled (typo retry)`, value: rp95, unit: 'ms', limit: { value: TARGET_MS, unit: 'ms', what: 'target' }, ratio: rp95 / TARGET_MS, target: '≤ 1', ok: rp95 <= TARGET_MS });
		}
	} finally {
		db.close();
		await pool?.end();
		if (dir) rmSync(dir, { recursive: true, force: true });
	}
	return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({ options: { parcels: { type: 'string' }, queries: { type: 'string' }, keep: { type: 'string' }, pg: { type: 'string' } } });
	const started = Date.now();
	const rows = await benchPublicSearch({
		parcels: Number(values.parcels ?? 1_000_000),
		queries: Number(values.queries ?? 3000),
		keep: values.keep,
		pg: values.pg ?? null
	});
	console.log(markdownTable(rows));
	console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
}
