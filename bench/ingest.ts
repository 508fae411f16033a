// bench/ingest: durable signed edits per second through the real ledger (stateless checks,
// sequencer, store commit with fsync), beside raw node:crypto Ed25519 verifications per second
// on one core, measured in the same run. Target: ratio ≥ 0.8 on SQLite, ≥ 0.5 on PostgreSQL.
// Also (issue 22) what the change check costs: ingest of follow-up edits, whose parts the check
// workers load from the stored changes, and the check alone per change beside decodeChange.
//   node --import tsx bench/ingest.ts [--edits N] [--pg URL] [--only check,followup,new,map,pg]
import * as Automerge from '@automerge/automerge';
import { randomBytes, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createPartDoc } from '../src/lib/core/crdt/document';
import { editPart } from '../src/lib/core/crdt/edit';
import { contentCheck, fitChanges } from '../src/lib/core/crdt/change-check.js';
import { makeActor } from '../src/lib/core/crdt/actors';
import { sampleParcel } from '../src/lib/core/record/samples';
import { signEdit, signKeyEntry } from '../src/lib/core/signing/submit';
import type { Submission } from '../src/lib/core/log/submission';
import type { Signer } from '../src/lib/core/signing/ed25519';
import { nodeSigner } from '../src/lib/server/ed25519';
import { CheckPool } from '../src/lib/server/check-pool';
import { initLog } from '../src/lib/server/init-log';
import { logIdentity } from '../src/lib/server/log-identity';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import { PostgresLogStore } from '../src/lib/server/store/postgres/log-store';
import type { LogStore } from '../src/lib/server/store/types';
import { markdownTable, type BenchRow } from './table';
import { ingestInServerProcess } from './ingest-server';
// @ts-expect-error: plain ES module
import { startThrowawayPostgres } from '../scripts/lib/postgres.mjs';

const ORIGIN = 'bench.parcel-ledger.example/log';

export function rawVerifyRate(n = 20_000): number {
	const { publicKey, privateKey } = generateKeyPairSync('ed25519');
	const msgs = Array.from({ length: 256 }, () => randomBytes(150));
	const sigs = msgs.map((m) => sign(null, m, privateKey));
	const t = performance.now();
	for (let i = 0; i < n; i++) verify(null, msgs[i & 255], publicKey, sigs[i & 255]);
	return n / ((performance.now() - t) / 1000);
}

export async function makeEdits(n: number) {
	const registrarSeed = randomBytes(32); // bench/ingest-server.ts signs the log's genesis with it
	const registrar = nodeSigner(registrarSeed);
	const assessor = nodeSigner(randomBytes(32));
	const actor = makeActor(assessor.publicKey, randomBytes(8));
	const subs: Submission[] = [];
	for (let i = 0; i < n; i++) {
		const id = `RIV-${String(i).padStart(7, '0')}`;
		const g = createPartDoc('parcel', id, sampleParcel(id), { actor, time: 1_767_225_600 });
		if (!g.ok) throw new Error(g.message);
		Automerge.free(g.doc); // only the change is needed; held documents slow every wasm growth
		subs.push(await signEdit({ origin: ORIGIN, signer: assessor, parcelId: id, part: 'parcel', change: g.change, claimedTime: Date.now() }));
	}
	return { registrarSeed, registrar, assessor, subs };
}

export async function ingestRate(
	store: LogStore,
	edits: Awaited<ReturnType<typeof makeEdits>>,
	o: { withoutMap?: boolean } = {}
): Promise<{ rate: number; rssMb: number }> {
	let at = 0;
	const next = () => (at < edits.subs.length ? edits.subs.slice(at, (at += BATCH)) : undefined);
	return ingestBatches(store, { registrar: edits.registrar, assessorKey: edits.assessor.publicKey, count: edits.subs.length, next }, o);
}

/** Clients send batches of 500; several are in flight at once, as several tablets would be. */
export const BATCH = 500;

export interface IngestSource {
	registrar: Signer;
	assessorKey: Uint8Array;
	count: number;
	/** The next batch of signed edits, or undefined when all were handed out. */
	next(): Submission[] | undefined;
}

/** The timed ingest: a fresh log on `store`, a grant for the assessor, then every batch. */
export async function ingestBatches(store: LogStore, source: IngestSource, o: { withoutMap?: boolean } = {}): Promise<{ rate: number; rssMb: number }> {
	const identity = logIdentity(ORIGIN, nodeSigner(randomBytes(32)));
	const checkPool = new CheckPool();
	const ledger = await initLog({ store, identity, registrar: source.registrar, registrarName: 'Bench Registrar', checkPool, benchWithoutMap: o.withoutMap });
	const grant = await signKeyEntry({ origin: ORIGIN, signer: source.registrar, body: { kind: 'grant', grantee: source.assessorKey, role: 'assessor', name: 'Bench Assessor', districts: ['RIV'] }, claimedTime: Date.now() });
	await ledger.submit([grant]);
	let peak = process.memoryUsage().rss;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const t = performance.now();
	const worker = async () => {
		for (let batch = source.next(); batch; batch = source.next()) {
			const results = await ledger.submit(batch);
			for (const r of results) if (r.status !== 'accepted') throw new Error(`refused: ${r.code}: ${r.message}`);
		}
	};
	await Promise.all([worker(), worker(), worker(), worker()]);
	const seconds = (performance.now() - t) / 1000;
	clearInterval(timer);
	await ledger.sequencer.drain();
	await store.close();
	await checkPool.close();
	return { rate: source.count / seconds, rssMb: peak / 2 ** 20 };
}

/**
 * Follow-up edits: `parcels` parts created (not timed), then `rounds` rounds of one edit to each
 * (timed), so each edit's part holds 1 … rounds changes when it is checked: the check workers get
 * the part's stored changes and apply the edit to them (ledger #fit), by both Automerge paths.
 */
export async function followUpRate(store: LogStore, parcels: number, rounds: number): Promise<{ rate: number; edits: number }> {
	const registrar = nodeSigner(randomBytes(32));
	const assessor = nodeSigner(randomBytes(32));
	const actor = makeActor(assessor.publicKey, randomBytes(8));
	const byRound: Submission[][] = Array.from({ length: rounds + 1 }, () => []);
	for (let i = 0; i < parcels; i++) {
		const id = `RIV-${String(i).padStart(7, '0')}`;
		const g = createPartDoc('parcel', id, sampleParcel(id), { actor, time: 1_767_225_600 });
		if (!g.ok) throw new Error(g.message);
		let doc = g.doc;
		byRound[0].push(await signEdit({ origin: ORIGIN, signer: assessor, parcelId: id, part: 'parcel', change: g.change, claimedTime: Date.now() }));
		for (let r = 1; r <= rounds; r++) {
			const e = editPart(doc, 'parcel', { addressLine: `${r} Follow-up Street`, 'buildings.b1.floors': r }, { actor, time: 1_767_225_600 + r });
			if (!e.ok || !e.change) throw new Error('no edit');
			doc = e.doc;
			byRound[r].push(await signEdit({ origin: ORIGIN, signer: assessor, parcelId: id, part: 'parcel', change: e.change, claimedTime: Date.now() }));
		}
		Automerge.free(doc); // held documents slow every wasm growth
	}
	const identity = logIdentity(ORIGIN, nodeSigner(randomBytes(32)));
	const checkPool = new CheckPool();
	const ledger = await initLog({ store, identity, registrar, registrarName: 'Bench Registrar', checkPool });
	const grant = await signKeyEntry({ origin: ORIGIN, signer: registrar, body: { kind: 'grant', grantee: assessor.publicKey, role: 'assessor', name: 'Bench Assessor', districts: ['RIV'] }, claimedTime: Date.now() });
	await ledger.submit([grant]);
	const send = async (subs: Submission[]) => {
		const chunks: Submission[][] = [];
		for (let i = 0; i < subs.length; i += 500) chunks.push(subs.slice(i, i + 500));
		let next = 0;
		const client = async () => {
			while (next < chunks.length) {
				for (const r of await ledger.submit(chunks[next++])) if (r.status !== 'accepted') throw new Error(`refused: ${r.code}: ${r.message}`);
			}
		};
		await Promise.all([client(), client(), client(), client()]);
	};
	await send(byRound[0]);
	const t = performance.now();
	for (let r = 1; r <= rounds; r++) await send(byRound[r]);
	const seconds = (performance.now() - t) / 1000;
	await ledger.sequencer.drain();
	await store.close();
	await checkPool.close();
	return { rate: (parcels * rounds) / seconds, edits: parcels * rounds };
}

/**
 * The change check alone, in this thread (one core), µs a change: a part's first change
 * (contentCheck: chunk and checksum, text rule, id, applied and loaded) and an edit of a part of
 * `history` changes (fitChanges), beside decodeChange of the same change — the check the server
 * made before (docs/performance.md).
 */
export function checkCost(n = 300, history = 20): BenchRow[] {
	const actor = makeActor(nodeSigner(randomBytes(32)).publicKey, randomBytes(8));
	const firsts = Array.from({ length: n }, (_, i) => {
		const g = createPartDoc('parcel', `RIV-${i}`, sampleParcel(`RIV-${i}`), { actor, time: 1_767_225_600 });
		if (!g.ok) throw new Error(g.message);
		Automerge.free(g.doc);
		return g.change;
	});
	const g = createPartDoc('parcel', 'RIV-1', sampleParcel('RIV-1'), { actor, time: 1_767_225_600 });
	if (!g.ok) throw new Error(g.message);
	let doc = g.doc;
	const part = [g.change];
	for (let r = 1; r <= history; r++) {
		const e = editPart(doc, 'parcel', { addressLine: `${r} Check Street`, 'buildings.b1.floors': r }, { actor, time: 1_767_225_600 + r });
		if (!e.ok || !e.change) throw new Error('no edit');
		doc = e.doc;
		part.push(e.change);
	}
	Automerge.free(doc);
	const base = part.slice(0, history);
	const last = part[history];
	const lastHash = Automerge.decodeChange(last).hash;
	const time = (f: (i: number) => void, count: number) => {
		for (let i = 0; i < Math.min(count, 20); i++) f(i);
		const t = performance.now();
		for (let i = 0; i < count; i++) f(i);
		return ((performance.now() - t) * 1000) / count;
	};
	const decode = time((i) => Automerge.decodeChange(firsts[i % n]), n);
	const first = time((i) => {
		const c = firsts[i % n];
		const r = contentCheck(c, Automerge.decodeChange(c), `RIV-${i % n}`);
		if (!r.fitted) throw new Error(r.refusal?.message ?? 'not fitted');
	}, n);
	const followUp = time(() => {
		const [r] = fitChanges(base, [last], [lastHash]);
		if (!r.ok) throw new Error(r.message);
	}, Math.max(20, Math.floor(n / 3)));
	const limit = { value: decode, unit: 'µs', what: 'decodeChange alone, the check before, one core' };
	return [
		{ name: "change check, a part's first change (decode, checksum, text, id, applied and loaded)", value: first, unit: 'µs', limit, ratio: first / decode },
		{ name: `change check, an edit of a part of ${history} changes (decode + fitChanges in a worker)`, value: followUp + decode, unit: 'µs', limit, ratio: (followUp + decode) / decode }
	];
}

async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `pl_bench_${randomBytes(5).toString('hex')}`;
	const admin = new pg.Client({ connectionString: url });
	await admin.connect();
	await admin.query(`CREATE DATABASE ${name}`);
	await admin.end();
	const u = new URL(url);
	u.pathname = `/${name}`;
	return {
		url: u.toString(),
		async drop() {
			const c = new pg.Client({ connectionString: url });
			await c.connect();
			await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			await c.end();
		}
	};
}

export async function benchIngest(o: { edits: number; pg?: string | null; only?: string[] }): Promise<BenchRow[]> {
	const want = (step: string) => !o.only || o.only.includes(step);
	const verifyRate = rawVerifyRate();
	const limit = { value: verifyRate, unit: '/s', what: 'raw node:crypto Ed25519 verify, one core' };
	const rows: BenchRow[] = [];
	const dir = mkdtempSync(join(tmpdir(), 'pl-bench-'));
	try {
		if (want('check')) rows.push(...checkCost());
		if (want('followup')) {
			const parcels = Math.max(500, Math.floor(o.edits / 10));
			const f = await followUpRate(new SqliteLogStore(join(dir, 'followup.db')), parcels, 5);
			rows.push({ name: `ingest, SQLite, follow-up edits (${f.edits}: parts of 1–5 stored changes)`, value: f.rate, unit: 'edits/s', limit, ratio: f.rate / verifyRate });
		}
		if (!want('new')) return rows;
		const edits = await makeEdits(o.edits);
		// In a process that is only the server, so that its peak RSS is the server's (ingest-server.ts).
		const sqlite = await ingestInServerProcess(edits, join(dir, 'edits.bin'), join(dir, 'bench.db'));
		rows.push({ name: `ingest, SQLite (${o.edits} durable signed edits)`, value: sqlite.rate, unit: 'edits/s', limit, ratio: sqlite.rate / verifyRate, target: '≥ 0.8', ok: sqlite.rate / verifyRate >= 0.8 });
		rows.push({ name: 'server peak RSS during SQLite ingest', value: sqlite.rssMb, unit: 'MiB' });
		if (want('map')) {
			// What maintaining the parcel map costs: the same edits with and without it, alternated
			// twice on fresh databases (the best of each), so load from other work hits both alike.
			const best = { with: sqlite.rate, without: 0 };
			for (let round = 0; round < 2; round++) {
				const without = await ingestRate(new SqliteLogStore(join(dir, `nomap-${round}.db`)), edits, { withoutMap: true });
				best.without = Math.max(best.without, without.rate);
				if (round === 0) continue;
				best.with = Math.max(best.with, (await ingestRate(new SqliteLogStore(join(dir, `map-${round}.db`)), edits)).rate);
			}
			const ratio = best.with / best.without;
			rows.push({ name: 'ingest, SQLite, with the parcel map maintained (best of 2)', value: best.with, unit: 'edits/s', limit: { value: best.without, unit: 'edits/s', what: 'the same ingest without the map, best of 2' }, ratio, target: '≥ 0.9', ok: ratio >= 0.9 });
		}
		if (!want('pg')) return rows;
		// A fresh database: on the given cluster, or on a throwaway cluster of our own.
		let pg: { url: string; stop(): void } | null = null;
		let pgUrl: string;
		if (o.pg) {
			const db = await freshDatabase(o.pg);
			pgUrl = db.url;
			pg = { url: db.url, stop: () => void db.drop() };
		} else {
			pg = await startThrowawayPostgres();
			pgUrl = pg!.url;
		}
		try {
			const p = await ingestRate(new PostgresLogStore(pgUrl!), edits);
			rows.push({ name: `ingest, PostgreSQL (${o.edits} durable signed edits)`, value: p.rate, unit: 'edits/s', limit, ratio: p.rate / verifyRate, target: '≥ 0.5', ok: p.rate / verifyRate >= 0.5 });
		} finally {
			pg?.stop();
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({ options: { edits: { type: 'string' }, pg: { type: 'string' }, only: { type: 'string' } } });
	const rows = await benchIngest({ edits: Number(values.edits ?? 20_000), pg: values.pg ?? process.env.PG_TEST_URL ?? null, only: values.only?.split(',') });
	console.log(markdownTable(rows));
}
