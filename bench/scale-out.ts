// bench/scale-out: durable edits/s over HTTP with 1, 2 and 3 app servers on one PostgreSQL (all on
// this machine, so the point is that more servers work and do not make it slower; on one box
// they share the same cores). Clients spread batches over every server; followers forward to the
// sequencer. Ratio = rate with N servers ÷ rate with 1, measured in the same run.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPartDoc } from '../src/lib/core/crdt/document';
import { sampleParcel } from '../src/lib/core/record/samples';
import { editToWire, signEdit } from '../src/lib/core/signing/submit';
import { demoAssessor, seedDemo, startAppServer, until } from './app-server';
import type { BenchRow } from './table';
// @ts-expect-error: plain ES module
import { startThrowawayPostgres } from '../scripts/lib/postgres.mjs';

async function run(servers: number, edits: number, dir: string, pgUrl: string, tag: string): Promise<number> {
	const procs: ChildProcess[] = [];
	const bases: string[] = [];
	try {
		for (let i = 0; i < servers; i++) {
			const s = await startAppServer((base) => ({ DATA_DIR: dir, DATABASE_URL: pgUrl, SEQUENCER_URL: base }), { wait: false });
			procs.push(s.proc);
			bases.push(s.base);
		}
		for (const b of bases) await until(`${b}/log/checkpoint`);
		for (;;) {
			const roles = await Promise.all(bases.map(async (b) => ((await (await fetch(`${b}/api/status`)).json()) as { role: string }).role));
			if (roles.includes('sequencer')) break;
			await new Promise((r) => setTimeout(r, 200));
		}
		const { signer, origin, actor } = demoAssessor(dir);
		const wires = [];
		for (let i = 0; i < edits; i++) {
			const id = `RIV-${tag}${i}`;
			const g = createPartDoc('parcel', id, sampleParcel(id), { actor, time: Math.floor(Date.now() / 1000) });
			if (!g.ok) throw new Error(g.message);
			wires.push(editToWire(await signEdit({ origin, signer, parcelId: id, part: 'parcel', change: g.change, claimedTime: Date.now() })));
		}
		const batches = [];
		for (let i = 0; i < wires.length; i += 250) batches.push(wires.slice(i, i + 250));
		let next = 0;
		const t = performance.now();
		await Promise.all(
			Array.from({ length: 6 }, async (_, w) => {
				while (next < batches.length) {
					const batch = batches[next++];
					for (let attempt = 0; ; attempt++) {
						const res = await fetch(`${bases[(next + w) % bases.length]}/api/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits: batch }) }).catch((e: Error) => e);
						if (!(res instanceof Error) && res.status === 200) break;
						if (attempt > 20) throw new Error(`batch refused: ${res instanceof Error ? res.message : `${res.status} ${await res.text()}`}`);
						await new Promise((r) => setTimeout(r, 200));
					}
				}
			})
		);
		return edits / ((performance.now() - t) / 1000);
	} finally {
		for (const p of procs) p.kill('SIGTERM');
		await new Promise((r) => setTimeout(r, 500));
	}
}

export async function benchScaleOut(o: { edits?: number } = {}): Promise<BenchRow[]> {
	const edits = o.edits ?? 4000;
	const pg = await startThrowawayPostgres();
	const dir = mkdtempSync(join(tmpdir(), 'pl-scale-bench-'));
	try {
		seedDemo(dir, pg.url);
		const rates: number[] = [];
		for (const n of [1, 2, 3]) rates.push(await run(n, edits, dir, pg.url, `S${n}X`));
		const limit = { value: rates[0], unit: 'edits/s', what: 'same bench, 1 app server' };
		return rates.map((r, i) => ({ name: `ingest over HTTP, PostgreSQL, ${i + 1} app server${i ? 's' : ''}`, value: r, unit: 'edits/s', limit, ratio: r / rates[0], target: i ? '≥ 0.8 (not slower)' : undefined, ok: i ? r / rates[0] >= 0.8 : undefined }));
	} finally {
		pg.stop();
		rmSync(dir, { recursive: true, force: true });
	}
}
