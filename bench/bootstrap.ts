// bench/bootstrap: the field client's district bootstrap of N parcels (default 100,000) into
// IndexedDB in headless Chromium: verified (every page checked against the parcel map of its
// checkpoint) against the same bootstrap unverified (`verify: false`, target: ratio ≤ 1.2), and the
// unverified one against a raw Dexie bulkPut of the same rows (target ≤ 1.5), all in the same run
// (the timed downloads in a Chromium with no DevTools attached, as on a tablet: bootstrapAlone);
// the verification alone per hash (WebCrypto digest batched with Promise.all, noble sha256); then
// offline search p95 (target ≤ 10 ms) and local save p95 (≤ 20 ms, median ≤ 8 ms) on the
// bootstrapped database: saves from the parcel screen (the parcel opened first), and of parcels not opened.
//   node --import tsx bench/bootstrap.ts [--parcels N] [--rounds R] [--hasher webcrypto|js|noble|all] [--other-mode] [--only-verified] [--fresh]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { DISTRICT, pageIndex, synthesize } from './field-synthetic';

const { values } = parseArgs({ options: { parcels: { type: 'string' }, rounds: { type: 'string' }, hasher: { type: 'string' }, 'other-mode': { type: 'boolean' }, 'only-verified': { type: 'boolean' }, fresh: { type: 'boolean' } } });
const HASHERS = values.hasher === 'all' ? ['js', 'webcrypto', 'noble'] : [values.hasher ?? 'js'];
// --other-mode: also the verified bootstrap in the mode the device did not choose (worker or main
// thread: page-verifier.ts uses a worker only with more than two cores).
const OTHER = values['other-mode'] ?? false;
const N = Number(values.parcels ?? 100_000);
const ROUNDS = Number(values.rounds ?? 2);
// --only-verified: only the verified bootstrap without DevTools, once a round (to look at its memory).
const ONLY_VERIFIED = values['only-verified'] ?? false;
// --fresh: a fresh tablet's download (issue 19): the verified bootstrap beside the raw bulkPut, nothing else.
const FRESH = values.fresh ?? false;
// Parcels a snapshot page, as the device asks (bootstrap.ts); FIELD_BENCH_PAGE to compare.
const PAGE = Number(process.env.FIELD_BENCH_PAGE ?? 500);

const started = Date.now();
const log = (s: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${s}`);

log(`synthesizing ${N.toLocaleString()} parcels`);
const data = await synthesize(N, PAGE);
log(`${data.pages.length} snapshot pages, ${(data.totalBytes / 1e6).toFixed(1)} MB of JSON`);

const bundle = await build({
	entryPoints: [resolve('bench/field-bench-page.ts')],
	bundle: true,
	format: 'esm',
	platform: 'browser',
	write: false,
	// Automerge's bundler entry imports .wasm as a module; the base64 entry needs no loader.
	alias: { '@automerge/automerge': resolve('node_modules/@automerge/automerge/dist/mjs/entrypoints/fullfat_base64.js') },
	logLevel: 'error'
});
const script = bundle.outputFiles[0].text;
// The page verifier's worker (src/lib/client/page-verifier.ts asks for it next to the script, as
// `new URL('./verify-worker.ts', import.meta.url)`; Vite bundles it in the app, esbuild here).
const workerScript = (await build({ entryPoints: [resolve('src/lib/client/verify-worker.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'error' })).outputFiles[0].text;

// The tab that runs by itself (`?auto=bootstrap`) reports here: its download, then (`&use=1`) its
// search and save figures.
let autoDone: ((r: { ms?: number; error?: string }) => void) | null = null;
type Timing = { p95: number; median: number };
type Use = { search: Timing; save: Timing & { p90: number; max: number }; cold: Timing & { p90: number; max: number }; floor: Timing };
let autoUsed: ((r: Use | { error: string }) => void) | null = null;
// Answers the tab's `/idle` once its browser has gone idle (settle).
let autoIdle: (() => Promise<void>) | null = null;
const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
	const url = new URL(req.url ?? '/', 'http://x');
	if (url.pathname === '/done' && req.method === 'POST') {
		let body = '';
		req.on('data', (c) => (body += c)).on('end', () => {
			res.writeHead(204).end();
			autoDone?.(JSON.parse(body));
		});
	} else if (url.pathname === '/used' && req.method === 'POST') {
		let body = '';
		req.on('data', (c) => (body += c)).on('end', () => {
			res.writeHead(204).end();
			autoUsed?.(JSON.parse(body));
		});
	} else if (url.pathname === '/idle') {
		void (autoIdle?.() ?? Promise.resolve()).then(() => res.writeHead(204).end());
	} else if (url.pathname === '/bench-data.json') {
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ids: data.ids, queries: data.queries }));
	} else if (url.pathname === '/') {
		res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>field bench</title><script type="module" src="/bench.js"></script>');
	} else if (url.pathname === '/bench.js') {
		res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
	} else if (url.pathname === '/verify-worker.ts') {
		res.writeHead(200, { 'content-type': 'text/javascript' }).end(workerScript);
	} else if (url.pathname === '/api/snapshot' && url.searchParams.get('district') === DISTRICT) {
		const page = data.pages[pageIndex(url.searchParams.get('after'), PAGE)];
		if (page) res.writeHead(200, { 'content-type': 'application/json' }).end(page);
		else res.writeHead(404).end();
	} else res.writeHead(404).end();
};
// One site per variant (its own loopback address): Chromium keeps one LevelDB store per origin
// for all its IndexedDB databases, and runs same-site tabs in one renderer process, one JS heap —
// a variant sharing either would pay for the others' compaction and garbage (a 100k download
// writes ~600 MB; the raw variant holds every row in memory). Rounds alternate the order too.
// 'alone' serves the Chromium without DevTools that runs the timed downloads (bootstrapAlone).
const VARIANTS = ['raw', 'verified', 'other', 'alone'] as const;
const servers = VARIANTS.map(() => createServer(handler));
const origins: Record<string, string> = {};
for (const [i, v] of VARIANTS.entries()) {
	const host = `127.0.0.${i + 1}`;
	await new Promise<void>((r) => servers[i].listen(0, host, r));
	origins[v] = `http://${host}:${(servers[i].address() as { port: number }).port}`;
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const profile = mkdtempSync(join(tmpdir(), 'field-bench-'));
const browser = await chromium.launchPersistentContext(profile, {
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: CHROMIUM_ARGS
});
try {
	const tabs: Record<string, import('@playwright/test').Page> = {};
	for (const v of VARIANTS.filter((x) => (x !== 'other' || OTHER) && x !== 'alone')) {
		const tab = (v === 'raw' && browser.pages()[0]) || (await browser.newPage());
		tab.on('pageerror', (e) => console.error('page error:', e.message));
		await tab.goto(`${origins[v]}/`);
		await tab.waitForFunction(() => 'fieldBench' in globalThis);
		tabs[v] = tab;
	}
	const page = tabs.verified;
	const unverified: number[] = [];
	const alones: Awaited<ReturnType<typeof bootstrapAlone>>[] = [];
	const raws: number[] = [];
	const byHasher: Record<string, number[]> = {};
	let tabPeak = 0;
	let tablet: Use | null = null;
	// Hook functions live on globalThis in the page; `any` only crosses that boundary.
	const cores = await page.evaluate(() => navigator.hardwareConcurrency);
	const autoWorker = cores > 2; // page-verifier.ts's choice
	log(`${cores} cores: the device verifies ${autoWorker ? 'in a worker' : 'on the main thread'}`);
	for (let r = 0; r < ROUNDS; r++) {
		const steps: (() => Promise<void>)[] = [
			async () => {
				raws.push(await tabs.raw.evaluate(([n, s]) => (globalThis as any).fieldBench.raw('bench-raw', n, s), [data.pages.length, PAGE] as const)); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
				log(`raw bulkPut round ${r + 1}: ${raws.at(-1)!.toFixed(0)} ms`);
			},
			async () => {
				const a = await bootstrapAlone(false);
				unverified.push(a.ms);
				log(`bootstrap unverified round ${r + 1}, no DevTools: ${a.ms.toFixed(0)} ms, tab peak RSS ${a.peak.mib.toFixed(0)} MiB`);
			},
			async () => {
				// The timed one first: as a tablet runs it, with no DevTools session (Playwright's network
				// agent copies every page in the renderer, which costs memory and time), and before the
				// download below leaves IndexedDB compacting.
				// In the last round the same tab then searches and saves on what it downloaded (as a tablet).
				const a = await bootstrapAlone(true, !ONLY_VERIFIED && !FRESH && r === ROUNDS - 1);
				alones.push(a);
				log(`bootstrap verified round ${r + 1}, no DevTools: ${a.ms.toFixed(0)} ms, tab peak RSS ${a.peak.mib.toFixed(0)} MiB (${a.peak.parts})`);
				if (a.use) {
					tablet = a.use;
					log(`  then in that tab: search p95 ${tablet.search.p95.toFixed(2)} ms (median ${tablet.search.median.toFixed(2)}); save on the opened parcel p95 ${tablet.save.p95.toFixed(2)} ms (median ${tablet.save.median.toFixed(1)}, p90 ${tablet.save.p90.toFixed(1)}, max ${tablet.save.max.toFixed(1)}); not opened p95 ${tablet.cold.p95.toFixed(2)} ms (median ${tablet.cold.median.toFixed(1)}); bare transaction p95 ${tablet.floor.p95.toFixed(2)} ms`);
				}
				// Over DevTools: the database the search and save figures use, and its tab's memory.
				if (ONLY_VERIFIED) return;
				await settle(profile);
				for (const hasher of HASHERS) {
					const sampler = rendererSampler(profile);
					const heap = await heapSampler(tabs.verified);
					// FIELD_BENCH_BOOT_PROFILE=file.cpuprofile: a CPU profile of the tab during this download (the last round's).
					const cdp = process.env.FIELD_BENCH_BOOT_PROFILE ? await browser.newCDPSession(tabs.verified) : null;
					if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
					const ms = await tabs.verified.evaluate(([k, s, h]) => (globalThis as any).fieldBench.bootstrap('bench-ours', k, s, { verify: true, hasher: h }), [data.verifierKey, PAGE, hasher] as const); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
					if (cdp) writeFileSync(process.env.FIELD_BENCH_BOOT_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
					const peak = sampler.stop();
					tabPeak = Math.max(tabPeak, peak.mib);
					const js = await heap.stop();
					log(`  JS heap peak ${js.total.toFixed(0)} MiB (used ${js.used.toFixed(0)} MiB)`);
					log(`  tab peak RSS ${peak.mib.toFixed(0)} MiB (${peak.parts}; renderer ${peak.pid}, ${peak.cpu.toFixed(1)} s of CPU; other renderers' peaks: ${peak.others.map((x) => x.toFixed(0)).join(', ')} MiB)`);
					(byHasher[hasher] ??= []).push(ms);
					log(`bootstrap verified (${hasher}) round ${r + 1}, over DevTools: ${ms.toFixed(0)} ms`);
				}
			},
			async () => {
				if (!OTHER) return;
				const ms = await tabs.other.evaluate(([k, s, h, w]) => (globalThis as any).fieldBench.bootstrap('bench-other', k, s, { verify: true, hasher: h, worker: w }), [data.verifierKey, PAGE, HASHERS[0], !autoWorker] as const); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
				(byHasher.other ??= []).push(ms);
				log(`bootstrap verified ${autoWorker ? 'on the main thread' : 'in a worker'} (${HASHERS[0]}) round ${r + 1}: ${ms.toFixed(0)} ms`);
			}
		];
		if (ONLY_VERIFIED) steps.splice(0, 2);
		else if (FRESH) steps.splice(1, 1);
		for (const step of r % 2 ? steps.reverse() : steps) {
			await settle(profile);
			await step();
		}
		if (unverified.length) log(`round ${r + 1}: verified / unverified ${(alones.at(-1)!.ms / unverified.at(-1)!).toFixed(2)}`);
	}
	const alone = { ms: Math.min(...alones.map((a) => a.ms)), peak: alones.reduce((a, b) => (b.peak.mib > a.peak.mib ? b : a)).peak };
	if (FRESH && process.env.BENCH_JSON) {
		// As a tablet downloads (no DevTools session: Playwright's network agent copies every page).
		const ms = alone.ms;
		const raw = Math.min(...raws);
		const rows = [
			{ name: `fresh tablet: ${N.toLocaleString('en')} parcels from the server into IndexedDB, verified, ready to search and edit (best of ${ROUNDS}, no DevTools attached)`, value: ms, unit: 'ms', limit: { value: 4000, unit: 'ms', what: 'target' }, ratio: ms / 4000, target: '≤ 1', ok: ms <= 4000 },
			{ name: `  fresh tablet beside a raw Dexie bulkPut of the same rows`, value: ms, unit: 'ms', limit: { value: raw, unit: 'ms', what: 'raw Dexie bulkPut, same browser' }, ratio: ms / raw, target: '≤ 2', ok: ms / raw <= 2 },
			{ name: `  the same download driven over DevTools (best of ${ROUNDS})`, value: Math.min(...byHasher[HASHERS[0]]), unit: 'ms' }
		];
		writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows));
	}
	if (ONLY_VERIFIED || FRESH) {
		await browser.close();
		rmSync(profile, { recursive: true, force: true });
		process.exit(0);
	}
	const ours = alones.map((a) => a.ms);
	const hashing = await page.evaluate(([n, s]) => (globalThis as any).fieldBench.hashBench(n, s), [data.pages.length, PAGE] as const); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
	log(`verification alone (${hashing.changes} changes): ${Object.entries(hashing).filter(([k]) => k !== 'changes').map(([k, v]) => `${k} ${(v as number).toFixed(0)} ms`).join(', ')}`);
	if (process.env.FIELD_BENCH_PROBE) {
		console.log(await page.evaluate((ids) => (globalThis as any).fieldSaveProbe('bench-ours', ids, 60), data.ids)); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
	}
	const search = await page.evaluate((q) => (globalThis as any).fieldBench.search('bench-ours', q), data.queries); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
	log(`search: p95 ${search.p95.toFixed(2)} ms over ${data.queries.length} queries`);
	// An assessor edits long after a download: let IndexedDB finish compacting the bootstrap's
	// writes first (on a busy 2-core machine that takes a while), so saves are timed as in use.
	await settle(profile);
	// FIELD_BENCH_SAVE_PROFILE=file.cpuprofile: a CPU profile of the tab during the timed saves.
	const cdp = process.env.FIELD_BENCH_SAVE_PROFILE ? await browser.newCDPSession(page) : null;
	if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
	// As the app saves: from the parcel screen, which opened the parcel (its documents loaded).
	const save = await page.evaluate((ids) => (globalThis as any).fieldBench.save('bench-ours', ids, 100, { open: true, from: 1000 }), data.ids); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
	if (cdp) writeFileSync(process.env.FIELD_BENCH_SAVE_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
	log(`save on the opened parcel: p95 ${save.p95.toFixed(2)} ms over 100 saves (median ${save.median.toFixed(1)}, p90 ${save.p90.toFixed(1)}, max ${save.max.toFixed(1)})`);
	// Saves back to back on parcels nobody opened: the save reads and loads the document itself.
	const cold = await page.evaluate((ids) => (globalThis as any).fieldBench.save('bench-ours', ids, 100), data.ids); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
	log(`save of a parcel not opened: p95 ${cold.p95.toFixed(2)} ms over 100 saves (median ${cold.median.toFixed(1)}, p90 ${cold.p90.toFixed(1)}, max ${cold.max.toFixed(1)})`);
	const floor = await page.evaluate((ids) => (globalThis as any).fieldBench.commit('bench-ours', ids, 100), data.ids); // eslint-disable-line @typescript-eslint/no-explicit-any -- test hook
	log(`bare two-row transaction: p95 ${floor.p95.toFixed(2)} ms (median ${floor.median.toFixed(1)}); tab peak RSS during bootstrap ${tabPeak.toFixed(0)} MiB`);

	const best = (xs: number[]) => Math.min(...xs);
	// Set inside a step's closure, which TypeScript's narrowing does not see.
	const use = tablet as Use | null;
	if (!use) throw new Error('the tab without DevTools reported no search or save figures');
	const ratio = best(unverified) / best(raws);
	const verifyRatio = best(ours) / best(unverified);
	// For `npm run bench`: the same figures as rows of its table.
	if (process.env.BENCH_JSON) {
		const rows = [
			{ name: `tablet bootstrap of ${N.toLocaleString('en')} parcels, verified against the parcel map (Chromium, no DevTools attached)`, value: best(ours), unit: 'ms', limit: { value: best(unverified), unit: 'ms', what: 'the same bootstrap unverified, no DevTools' }, ratio: verifyRatio, target: '≤ 1.2', ok: verifyRatio <= 1.2 },
			{ name: `  unverified bootstrap of ${N.toLocaleString('en')} parcels into IndexedDB`, value: best(unverified), unit: 'ms', limit: { value: best(raws), unit: 'ms', what: 'raw Dexie bulkPut of the same rows' }, ratio, target: '≤ 1.5', ok: ratio <= 1.5 },
			{ name: `  verification alone: split and hash ${hashing.changes.toLocaleString('en')} changes, WebCrypto batched`, value: hashing['split+hash webcrypto'], unit: 'ms', limit: { value: hashing['split+hash noble'], unit: 'ms', what: 'noble sha256' }, ratio: hashing['split+hash webcrypto'] / hashing['split+hash noble'] },
			{ name: `  verification alone: split and hash, core plain-JS sha256`, value: hashing['split+hash js'], unit: 'ms', limit: { value: hashing['split+hash noble'], unit: 'ms', what: 'noble sha256' }, ratio: hashing['split+hash js'] / hashing['split+hash noble'] },
			{ name: `  verification alone: every page's verifyPage, WebCrypto batched`, value: hashing['verifyPage webcrypto'], unit: 'ms', limit: { value: hashing['verifyPage noble'], unit: 'ms', what: 'with noble sha256' }, ratio: hashing['verifyPage webcrypto'] / hashing['verifyPage noble'] },
			{ name: `  verification alone: every page's verifyPage, core plain-JS sha256 (the device's)`, value: hashing['verifyPage js'], unit: 'ms', limit: { value: hashing['verifyPage noble'], unit: 'ms', what: 'with noble sha256' }, ratio: hashing['verifyPage js'] / hashing['verifyPage noble'] },
			{ name: `offline search p95 at ${N.toLocaleString('en')} parcels (the tab that downloaded them, no DevTools attached)`, value: use.search.p95, unit: 'ms', limit: { value: 10, unit: 'ms', what: 'target' }, ratio: use.search.p95 / 10, target: '≤ 1', ok: use.search.p95 <= 10 },
			{ name: `  the same searches driven over DevTools (Playwright), median ${search.median.toFixed(1)} ms`, value: search.p95, unit: 'ms' },
			{ name: 'local save p95 on the opened parcel (edit, sign, one transaction; no DevTools attached)', value: use.save.p95, unit: 'ms', limit: { value: 20, unit: 'ms', what: 'target' }, ratio: use.save.p95 / 20, target: '≤ 1', ok: use.save.p95 <= 20 },
			{ name: '  local save median on the opened parcel', value: use.save.median, unit: 'ms', limit: { value: 8, unit: 'ms', what: 'target' }, ratio: use.save.median / 8, target: '≤ 1', ok: use.save.median <= 8 },
			{ name: '  local save p95 beside a bare IndexedDB transaction', value: use.save.p95, unit: 'ms', limit: { value: use.floor.p95, unit: 'ms', what: 'bare two-row Dexie transaction p95, same database' }, ratio: use.save.p95 / use.floor.p95 },
			{ name: '  local save p95 of a parcel not opened (read and load in the save)', value: use.cold.p95, unit: 'ms', limit: { value: use.floor.p95, unit: 'ms', what: 'bare two-row Dexie transaction p95, same database' }, ratio: use.cold.p95 / use.floor.p95 },
			{ name: `  the same saves on the opened parcel driven over DevTools (Playwright), median ${save.median.toFixed(1)} ms`, value: save.p95, unit: 'ms', limit: { value: floor.p95, unit: 'ms', what: 'bare two-row Dexie transaction p95 there' }, ratio: save.p95 / floor.p95 },
			{ name: `tab peak RSS during the ${N.toLocaleString('en')}-parcel bootstrap (its renderer, no DevTools attached)`, value: alone.peak.mib, unit: 'MiB', limit: { value: 400, unit: 'MiB', what: 'target' }, ratio: alone.peak.mib / 400, target: '≤ 1', ok: alone.peak.mib <= 400 },
			{ name: `  the same tab driven over DevTools (Playwright; its network agent keeps response bodies)`, value: tabPeak, unit: 'MiB' }
		];
		writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows));
	}
	const ok = (b: boolean) => (b ? 'ok' : 'OVER');
	const load = loadavg().map((x) => x.toFixed(1)).join(' ');
	console.log(`
Machine: ${cpus().length} cores, load average ${load} at the end (other processes share the cores).`);
	console.log(`
| measure (${N.toLocaleString()} parcels, Chromium ${browser.browser()?.version() ?? ''}) | value | limit | |
| --- | --- | --- | --- |
| bootstrap verified against the parcel map, ${HASHERS[0]}, ${autoWorker ? 'in a worker' : 'on the main thread'}, no DevTools (best of ${ROUNDS}) | ${best(ours).toFixed(0)} ms | | |
${HASHERS.slice(1).map((h) => `| bootstrap verified, ${h} (best of ${ROUNDS}) | ${best(byHasher[h]).toFixed(0)} ms | | |\n`).join('')}${OTHER ? `| bootstrap verified ${autoWorker ? 'on the main thread' : 'in a worker'} instead (best of ${ROUNDS}) | ${best(byHasher.other).toFixed(0)} ms | | |\n` : ''}| bootstrap unverified, no DevTools (best of ${ROUNDS}) | ${best(unverified).toFixed(0)} ms | | |
| ratio verified / unverified | ${verifyRatio.toFixed(2)} | ≤ 1.2 | ${ok(verifyRatio <= 1.2)} |
| raw Dexie bulkPut of the same rows (best of ${ROUNDS}) | ${best(raws).toFixed(0)} ms | | |
| ratio unverified / raw | ${ratio.toFixed(2)} | ≤ 1.5 | ${ok(ratio <= 1.5)} |
| verification alone, split + hash of ${hashing.changes.toLocaleString()} changes: WebCrypto / noble / plain JS | ${hashing['split+hash webcrypto'].toFixed(0)} / ${hashing['split+hash noble'].toFixed(0)} / ${hashing['split+hash js'].toFixed(0)} ms | | |
| verification alone, verifyPage of every page: WebCrypto / noble / plain JS | ${hashing['verifyPage webcrypto'].toFixed(0)} / ${hashing['verifyPage noble'].toFixed(0)} / ${hashing['verifyPage js'].toFixed(0)} ms | | |
| offline search p95, the tab that downloaded, no DevTools (median ${use.search.median.toFixed(2)} ms) | ${use.search.p95.toFixed(2)} ms | ≤ 10 ms | ${ok(use.search.p95 <= 10)} |
| local save p95 on the opened parcel, no DevTools (median ${use.save.median.toFixed(2)} ms, target ≤ 8) | ${use.save.p95.toFixed(2)} ms | ≤ 20 ms | ${ok(use.save.p95 <= 20 && use.save.median <= 8)} |
| local save p95 of a parcel not opened, no DevTools (median ${use.cold.median.toFixed(2)} ms) | ${use.cold.p95.toFixed(2)} ms | | |
| bare two-row IndexedDB transaction p95, no DevTools (median ${use.floor.median.toFixed(2)} ms) | ${use.floor.p95.toFixed(2)} ms | | |
| over DevTools: search p95 / save p95 (median) / not opened p95 / bare p95 | ${search.p95.toFixed(2)} / ${save.p95.toFixed(2)} (${save.median.toFixed(2)}) / ${cold.p95.toFixed(2)} / ${floor.p95.toFixed(2)} ms | | |
| tab peak RSS during bootstrap, no DevTools attached (over DevTools: ${tabPeak.toFixed(0)} MiB) | ${alone.peak.mib.toFixed(0)} MiB | ≤ 400 MiB | ${ok(alone.peak.mib <= 400)} |
`);
} finally {
	await browser.close();
	for (const sv of servers) sv.close();
	rmSync(profile, { recursive: true, force: true });
}

/** CPU seconds used so far by the Chromium processes of `profile`. */
function browserCpu(profile: string): number {
	return browserProcesses(profile).reduce((sum, p) => sum + processCpu(p.pid), 0);
}

/**
 * Waits until the browser is idle (under 10% of a core over 2 s, at most 90 s): LevelDB compacts
 * what a download wrote for a while after it, and the next variant must not pay for that.
 */
async function settle(profile: string): Promise<void> {
	for (let i = 0; i < 45; i++) {
		const before = browserCpu(profile);
		await new Promise((r) => setTimeout(r, 2000));
		if (browserCpu(profile) - before < 0.2) return;
	}
}

/** The Chromium using `profile` and every process it started (renderers descend through the zygote). */
function browserProcesses(profile: string): { pid: string; cmd: string }[] {
	const procs: { pid: string; ppid: string; cmd: string }[] = [];
	for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			procs.push({ pid, ppid: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1], cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
		} catch {
			// the process ended between the listing and the read
		}
	}
	// The browser names the profile on its command line.
	const ours = new Set(procs.filter((p) => p.cmd.includes(profile)).map((p) => p.pid));
	for (let grew = true; grew; ) {
		grew = false;
		for (const p of procs) if (!ours.has(p.pid) && ours.has(p.ppid)) (ours.add(p.pid), (grew = true));
	}
	return procs.filter((p) => ours.has(p.pid));
}

/**
 * Peak resident memory of the renderer that does the work: every renderer's VmRSS is sampled
 * every 250 ms, and the one that used the most CPU meanwhile is the bootstrapping tab's (each
 * variant has its own site, so its own renderer; the others sit idle, some still holding what
 * their own run left, like the raw variant's rows: the largest renderer is not necessarily ours).
 */
function rendererSampler(profile: string): { stop(): { pid: string; mib: number; cpu: number; parts: string; others: number[] } } {
	const peaks = new Map<string, number>();
	// What the peak was made of (/proc status: anonymous, file-backed and shared-memory pages).
	const parts = new Map<string, string>();
	const renderers = () => browserProcesses(profile).filter((p) => p.cmd.includes('--type=renderer')).map((p) => p.pid);
	const sample = () => {
		for (const pid of renderers()) {
			try {
				const status = readFileSync(`/proc/${pid}/status`, 'utf8');
				const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
				if (kb / 1024 > (peaks.get(pid) ?? 0)) {
					peaks.set(pid, kb / 1024);
					parts.set(pid, ['RssAnon', 'RssFile', 'RssShmem'].map((k) => `${k} ${(Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024).toFixed(0)}`).join(', '));
				}
			} catch {
				// ended meanwhile
			}
		}
	};
	const cpu0 = new Map(renderers().map((pid) => [pid, processCpu(pid)]));
	sample();
	const timer = setInterval(sample, 250);
	return {
		stop() {
			clearInterval(timer);
			sample();
			let best = { pid: '', mib: 0, cpu: -1 };
			for (const [pid, mib] of peaks) {
				const cpu = processCpu(pid) - (cpu0.get(pid) ?? 0);
				if (cpu > best.cpu) best = { pid, mib, cpu };
			}
			return { ...best, parts: parts.get(best.pid) ?? '', others: [...peaks].filter(([pid]) => pid !== best.pid).map(([, mib]) => mib) };
		}
	};
}

/**
 * The verified bootstrap in a Chromium of its own, started on the bench page with `?auto=bootstrap`
 * and never attached to: its time and its renderer's peak RSS.
 */
async function bootstrapAlone(verify: boolean, use = false): Promise<{ ms: number; peak: ReturnType<ReturnType<typeof rendererSampler>['stop']>; use: Use | null }> {
	const dir = mkdtempSync(join(tmpdir(), 'field-bench-alone-'));
	const url = `${origins.alone}/?auto=bootstrap&verify=${verify ? 1 : 0}&key=${encodeURIComponent(data.verifierKey)}&page=${PAGE}${use ? '&use=1' : ''}`;
	autoIdle = () => settle(dir);
	const done = new Promise<{ ms?: number; error?: string }>((r) => (autoDone = r));
	const used = new Promise<Use | { error: string }>((r) => (autoUsed = r));
	await settle(profile); // the other browser's IndexedDB is done compacting
	const proc = spawn(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--headless', `--user-data-dir=${dir}`, ...CHROMIUM_ARGS, url], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
	let stderr = '';
	proc.stderr.on('data', (c) => (stderr = (stderr + c).slice(-2000)));
	proc.once('exit', (code) => {
		autoDone?.({ error: `Chromium exited (${code}): ${stderr}` });
		autoUsed?.({ error: `Chromium exited (${code}): ${stderr}` });
	});
	const within = <T>(p: Promise<T>, what: string) =>
		Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the tab without DevTools did not finish ${what} in 15 minutes`)), 15 * 60_000).unref())]);
	try {
		const sampler = rendererSampler(dir);
		const r = await within(done, 'its download');
		const peak = sampler.stop();
		if (r.error || r.ms === undefined) throw new Error(`the tab without DevTools failed: ${r.error}`);
		if (!use) return { ms: r.ms, peak, use: null };
		const u = await within(used, 'its searches and saves');
		if ('error' in u) throw new Error(`the tab without DevTools failed to search or save: ${u.error}`);
		return { ms: r.ms, peak, use: u };
	} finally {
		if (proc.exitCode === null) {
			// The whole group: the zygote and utility processes write into the profile after the browser ends.
			const exited = new Promise((r) => proc.once('exit', r));
			process.kill(-proc.pid!, 'SIGTERM');
			await exited;
		}
		for (let i = 0; i < 3 && browserProcesses(dir).length; i++) await new Promise((r) => setTimeout(r, 500));
		try {
			rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
		} catch (e) {
			console.error(`left ${dir} behind: ${(e as Error).message}`);
		}
	}
}

/** Peak size of the tab's JS heap (V8's total and used, MiB), sampled every 250 ms over CDP. */
async function heapSampler(page: import('@playwright/test').Page): Promise<{ stop(): Promise<{ total: number; used: number }> }> {
	const cdp = await page.context().newCDPSession(page);
	const peak = { total: 0, used: 0 };
	const sample = async () => {
		const h = await cdp.send('Runtime.getHeapUsage').catch(() => null);
		if (h) (peak.total = Math.max(peak.total, h.totalSize / 2 ** 20)), (peak.used = Math.max(peak.used, h.usedSize / 2 ** 20));
	};
	const timer = setInterval(() => void sample(), 250);
	return {
		async stop() {
			clearInterval(timer);
			await sample();
			await cdp.detach();
			return peak;
		}
	};
}

/** CPU seconds (utime + stime) of one process so far, 0 once it has ended. */
function processCpu(pid: string): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(f[11]) + Number(f[12])) / 100;
	} catch {
		return 0;
	}
}
