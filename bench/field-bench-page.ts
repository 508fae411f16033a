// The browser side of bench/bootstrap.ts, bundled with the field client's real modules: our
// bootstrap, a raw Dexie bulkPut of the same rows, offline search and the local save path.
import { FieldDatabase, type DocPackRow, type SearchRow } from '../src/lib/client/db';
import { packDocs, readDoc } from '../src/lib/client/doc-packs';
import { downloadDistrict, pageRows, type SnapshotPage } from '../src/lib/client/bootstrap';
import { verifyPage } from '../src/lib/client/page-verify';
import type { Hasher } from '../src/lib/client/crypto';
import { parseCheckpoint } from '../src/lib/core/log/checkpoint';
import { mapRootOf } from '../src/lib/core/map/log-map';
import { decodeBase64 } from '../src/lib/client/base64';
import { splitChanges } from '../src/lib/core/crdt/change-chunks';
import { sha256All } from '../src/lib/client/crypto';
import { searchParcels } from '../src/lib/client/search';
import { saveEdit, type SaveContext } from '../src/lib/client/save';
import { readParcel } from '../src/lib/client/docs';
import { generateDeviceKey, signerOf } from '../src/lib/client/keys';
import { tabActor } from '../src/lib/client/tab';
import { toHex } from '../src/lib/core/bytes';

const ORIGIN = 'bench.parcel-ledger.example/field';
const fetchJson = (url: string, init?: RequestInit) => fetch(url, init);

async function fresh(name: string): Promise<FieldDatabase> {
	await new FieldDatabase(name).delete();
	const db = new FieldDatabase(name);
	await db.open();
	return db;
}

/** Our bootstrap; `verify: false` is the unverified baseline (pages stored unchecked). */
async function bootstrap(name: string, verifierKey: string, pageSize: number, o: { verify?: boolean; hasher?: Hasher; worker?: boolean } = {}): Promise<number> {
	const db = await fresh(name);
	const t = performance.now();
	await downloadDistrict({ db, fetch: fetchJson, log: { origin: ORIGIN, verifierKey, pinnedAt: 0 }, pageSize, verify: o.verify, hasher: o.hasher, worker: o.worker }, 'BEN');
	const ms = performance.now() - t;
	db.close();
	return ms;
}

/**
 * Raw Dexie: the same rows, already in memory, bulkPut as the device stores them (search rows and
 * packs of documents, doc-packs.ts) in the same chunks, one transaction each.
 */
async function raw(name: string, pageCount: number, pageSize: number): Promise<number> {
	const chunks: { rows: SearchRow[]; packs: DocPackRow[] }[] = [];
	for (let i = 0; i < pageCount; i++) {
		const after = i === 0 ? '' : `&after=BEN-${String(i * pageSize - 1).padStart(6, '0')}`;
		const page = (await (await fetch(`/api/snapshot?district=BEN&limit=${pageSize}${after}`)).json()) as SnapshotPage;
		const { rows, docs } = pageRows(page);
		chunks.push({ rows, packs: packDocs('BEN', docs) });
	}
	const db = await fresh(name);
	const t = performance.now();
	for (const c of chunks) {
		await db.transaction('rw', [db.docPacks, db.parcels], async () => {
			await db.docPacks.bulkPut(c.packs);
			await db.parcels.bulkPut(c.rows);
		});
	}
	const ms = performance.now() - t;
	db.close();
	return ms;
}

/**
 * The verification alone, pages already in memory, no IndexedDB: per hasher, the time to split
 * and hash every change (the part that differs), and the whole verifyPage (proof, digests too).
 */
async function hashBench(pageCount: number, pageSize: number): Promise<Record<string, number>> {
	const pages: SnapshotPage[] = [];
	for (let i = 0; i < pageCount; i++) {
		const after = i === 0 ? '' : `&after=BEN-${String(i * pageSize - 1).padStart(6, '0')}`;
		pages.push((await (await fetch(`/api/snapshot?district=BEN&limit=${pageSize}${after}`)).json()) as SnapshotPage);
	}
	const cp = parseCheckpoint(pages[0].checkpoint.slice(0, pages[0].checkpoint.indexOf('\n\n') + 1));
	if (!cp.ok) throw new Error(cp.message);
	const root = mapRootOf(cp.value);
	if (!root.ok) throw new Error(root.message);
	const out: Record<string, number> = {};
	let changes = 0;
	for (const hasher of ['webcrypto', 'noble', 'js', 'webcrypto', 'noble', 'js'] as const) {
		let t = performance.now();
		changes = 0;
		for (const page of pages) {
			const flat: Uint8Array[] = [];
			for (const p of page.parcels) for (const data of Object.values(p.parts)) {
				const split = splitChanges(decodeBase64(data!));
				if (split.ok) flat.push(...split.changes);
			}
			changes += flat.length;
			await sha256All(flat, hasher);
		}
		out[`split+hash ${hasher}`] = Math.min(out[`split+hash ${hasher}`] ?? Infinity, performance.now() - t);
		t = performance.now();
		for (const [i, page] of pages.entries()) {
			const v = await verifyPage(page, i === 0 ? null : `BEN-${String(i * pageSize - 1).padStart(6, '0')}`, root.value, hasher);
			if (!v.ok) throw new Error(v.message);
		}
		out[`verifyPage ${hasher}`] = Math.min(out[`verifyPage ${hasher}`] ?? Infinity, performance.now() - t);
	}
	out.changes = changes;
	return out;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1];

async function search(name: string, queries: string[]): Promise<{ p95: number; median: number; hits: number }> {
	const db = new FieldDatabase(name);
	for (const q of queries.slice(0, 20)) await searchParcels(db, q); // warm up
	const times: number[] = [];
	let hits = 0;
	for (const q of queries) {
		const t = performance.now();
		hits += (await searchParcels(db, q, { limit: 50 })).length;
		times.push(performance.now() - t);
	}
	db.close();
	return { p95: p95(times), median: [...times].sort((a, b) => a - b)[times.length >> 1], hits };
}

/**
 * `n` timed saves on parcels spread over the district (after 5 untimed: the first warm up
 * Automerge's wasm). `open`: each parcel is first opened as the parcel screen opens it
 * (readParcel with the tab's actor, untimed, then OPEN_PAUSE_MS for the form to be filled in: the
 * screen's work is not the save's), so the save finds its document loaded. `from`: where
 * in the spread to start, so successive calls edit other parcels.
 */
const OPEN_PAUSE_MS = 100;

async function save(name: string, ids: string[], n: number, o: { open?: boolean; from?: number } = {}): Promise<{ p95: number; median: number; p90: number; max: number }> {
	const db = new FieldDatabase(name);
	const key = await generateDeviceKey();
	const ctx: SaveContext = { db, signer: signerOf(key), actor: tabActor(toHex(key.publicKey)), origin: ORIGIN, grant: { role: 'assessor', districts: ['BEN'], revoked: false } };
	const times: number[] = [];
	for (let k = o.from ?? 0; k < (o.from ?? 0) + n + 5; k++) {
		const id = ids[(k * 104_729) % ids.length];
		if (o.open) {
			await readParcel(db, id, ctx.actor);
			await new Promise((r) => setTimeout(r, OPEN_PAUSE_MS)); // the form being filled in
		}
		const t = performance.now();
		const r = await saveEdit(ctx, id, 'parcel', { zoning: `Z${k}`, notes: `bench edit ${k}` }, `zoning → Z${k}`);
		if (!r.ok) throw new Error(r.message);
		if (k >= (o.from ?? 0) + 5) times.push(performance.now() - t);
	}
	db.close();
	const sorted = [...times].sort((a, b) => a - b);
	return { p95: p95(times), median: sorted[times.length >> 1], p90: sorted[Math.ceil(times.length * 0.9) - 1], max: sorted.at(-1)! };
}

/**
 * The floor under a save: a bare Dexie transaction that rewrites one parcel's document row and
 * adds one outbox row (no Automerge, no signing), timed like `save` on the same database.
 */
async function commit(name: string, ids: string[], n: number): Promise<{ p95: number; median: number }> {
	const db = new FieldDatabase(name);
	const times: number[] = [];
	for (let k = 0; k < n + 5; k++) {
		const row = (await readDoc(db, ids[(k * 7_919 + 1) % ids.length]))!.row;
		const t = performance.now();
		await db.transaction('rw', [db.docs, db.outbox], () =>
			Promise.all([db.docs.put({ ...row, rev: row.rev + 1 }), db.outbox.add({ parcelId: row.parcelId, part: 'parcel', changeHash: '', wire: {} as never, createdAt: 0, summary: 'commit floor', status: 'pending' })])
		);
		if (k >= 5) times.push(performance.now() - t);
	}
	await db.outbox.filter((r) => r.summary === 'commit floor').delete();
	db.close();
	return { p95: p95(times), median: [...times].sort((a, b) => a - b)[times.length >> 1] };
}

Object.assign(globalThis, { fieldBench: { bootstrap, raw, search, save, commit, hashBench } });

/** Timings of single IndexedDB reads, to see where a search spends its time. */
async function probe(name: string, words: string[]): Promise<Record<string, number>> {
	const db = new FieldDatabase(name);
	const out: Record<string, number> = {};
	const time = async (label: string, fn: () => Promise<unknown>) => {
		await fn();
		const t = performance.now();
		for (let i = 0; i < 10; i++) await fn();
		out[label] = (performance.now() - t) / 10;
	};
	for (const w of words) {
		const r = () => db.parcels.where('words').startsWith(w);
		await time(`${w}: count`, () => r().count());
		await time(`${w}: keys≤2000`, () => r().limit(2000).primaryKeys());
		await time(`${w}: keys all`, () => r().primaryKeys());
		await time(`${w}: rows≤100`, () => r().limit(100).toArray());
		await time(`${w}: idxkeys≤2000`, () => r().limit(2000).keys());
	}
	await time('bulkGet 100', () => db.parcels.bulkGet(Array.from({ length: 100 }, (_, i) => `BEN-${String(i * 37).padStart(6, '0')}`)));
	await time('get 1', () => db.parcels.get('BEN-000123'));
	db.close();
	return out;
}
Object.assign(globalThis, { fieldProbe: probe });

/** Where a save spends its time: the same steps as save.ts, timed one by one (medians, ms). */
async function saveProbe(name: string, ids: string[], n: number): Promise<Record<string, number>> {
	const { loadDoc } = await import('../src/lib/client/docs');
	const { editPart } = await import('../src/lib/core/crdt/edit');
	const { signEdit } = await import('../src/lib/core/signing/submit');
	const Automerge = await import('@automerge/automerge');
	const db = new FieldDatabase(name);
	const key = await generateDeviceKey();
	const signer = signerOf(key);
	const actor = tabActor(toHex(key.publicKey));
	const t: Record<string, number[]> = { read: [], load: [], edit: [], sign: [], save: [], tx: [] };
	for (let k = 0; k < n; k++) {
		const id = ids[(k * 7919 + 13) % ids.length];
		let m = performance.now();
		const lap = (label: string) => {
			const now = performance.now();
			t[label].push(now - m);
			m = now;
		};
		const row = (await readDoc(db, id))!.row;
		lap('read');
		const loaded = loadDoc(row.parts.parcel!, actor);
		if (!loaded.ok) throw new Error(loaded.message);
		lap('load');
		const r = editPart(loaded.doc, 'parcel', { zoning: `P${k}` }, { actor, time: 1_767_225_600 });
		if (!r.ok || !r.change) throw new Error('edit');
		lap('edit');
		await signEdit({ origin: ORIGIN, signer, parcelId: id, part: 'parcel', change: r.change, claimedTime: Date.now() });
		lap('sign');
		const bytes = Automerge.save(r.doc);
		lap('save');
		await db.transaction('rw', [db.docs, db.parcels, db.searchDelta, db.outbox], async () => {
			await db.docs.get(id);
			await db.docs.put({ ...row, parts: { ...row.parts, parcel: bytes }, rev: row.rev + 1 });
			const p = (await db.parcels.get(id))!;
			await db.parcels.put(p);
			await db.searchDelta.put({ id, district: p.district, words: p.words });
			await db.outbox.add({ parcelId: id, part: 'parcel', changeHash: '', wire: {} as never, createdAt: 0, summary: '', status: 'pending' });
		});
		lap('tx');
		Automerge.free(r.doc);
	}
	db.close();
	const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
	return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Number(med(v).toFixed(2))]));
}
Object.assign(globalThis, { fieldSaveProbe: saveProbe });

// `/?auto=bootstrap&key=…&page=…`: the verified bootstrap starts by itself and posts its time to
// `/done`, so bench/bootstrap.ts can measure a tab with no DevTools session attached (Playwright's
// enables the network agent, which keeps a copy of every response body in the renderer). With
// `&use=1` the tab then searches and saves on the district it downloaded, as an assessor would,
// each once `/idle` answers (the bench answers when this browser has gone idle: IndexedDB has
// finished compacting what the download wrote), and posts those figures to `/used`.
const auto = new URLSearchParams(location.search);
const post = (path: string, body: unknown) => fetch(path, { method: 'POST', body: JSON.stringify(body) });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idle = () => fetch('/idle');

async function use(name: string) {
	const { ids, queries } = (await (await fetch('/bench-data.json')).json()) as { ids: string[]; queries: string[] };
	await idle();
	const found = await search(name, queries);
	await idle();
	const opened = await save(name, ids, 100, { open: true, from: 1000 });
	const cold = await save(name, ids, 100);
	const floor = await commit(name, ids, 100);
	return { search: found, save: opened, cold, floor };
}

if (auto.get('auto') === 'bootstrap') {
	// A browser just started is still busy with its own start-up for a moment: not ours to time.
	pause(2000)
		.then(() => bootstrap('bench-auto', auto.get('key') ?? '', Number(auto.get('page')), { verify: auto.get('verify') !== '0' }))
		.then((ms) => post('/done', { ms }))
		.catch((e: Error) => post('/done', { error: e.message }))
		.then(async () => {
			if (auto.get('use') === '1') await post('/used', await use('bench-auto'));
		})
		.catch((e: Error) => post('/used', { error: e.message }));
}
