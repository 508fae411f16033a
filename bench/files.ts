// bench/files (issue 17): 200 photos of 300 KB uploaded through PUT /api/files/<sha256> the way the
// device does (1 MiB content-range chunks from what it last heard the server holds, UPLOADS_IN_FLIGHT
// files at once — client/upload.ts's constants), beside a
// bare node:http server in its own process taking the same bytes as one PUT per file, in the same
// run. Ratio = ours ÷ bare (target ≥ 0.5). The server's peak RSS (VmHWM) before and after shows it
// never holds whole files in memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPartDoc } from '../src/lib/core/crdt/document';
import { sampleParcel } from '../src/lib/core/record/samples';
import { editToWire, signEdit } from '../src/lib/core/signing/submit';
import { demoAssessor, freePort, seedDemo, startAppServer } from './app-server';
import type { BenchRow } from './table';
import { UPLOAD_CHUNK as CHUNK, UPLOADS_IN_FLIGHT } from '../src/lib/client/upload';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Peak and current resident set of a process, in MiB (Linux /proc). */
function memory(pid: number): { peak: number; now: number } {
	const s = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024;
	return { peak: kb('VmHWM'), now: kb('VmRSS') };
}

const BARE = `
const http = require('node:http');
http.createServer((req, res) => {
	let n = 0;
	req.on('data', (c) => (n += c.length));
	req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ received: n })); });
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('up'));
`;

/** The photos, and edits creating parcels whose `photos` maps name them (10 per parcel). */
async function namedPhotos(dir: string, photos: number, bytes: number) {
	const { signer, origin, actor } = demoAssessor(dir);
	const files = Array.from({ length: photos }, () => {
		const b = new Uint8Array(randomBytes(bytes));
		b.set([0xff, 0xd8, 0xff, 0xe0]); // JPEG magic: the server sniffs the type
		return { bytes: b, hash: sha(b), change: '' };
	});
	const edits = [];
	for (let p = 0; p * 10 < photos; p++) {
		const id = `RIV-9${String(p).padStart(5, '0')}`;
		const mine = files.slice(p * 10, p * 10 + 10);
		const meta = Object.fromEntries(mine.map((f) => [f.hash, { caption: 'bench', takenAt: '2026-01-01T00:00:00Z', width: 1600, height: 1200, bytes: f.bytes.length }]));
		const g = createPartDoc('parcel', id, { ...sampleParcel(id), photos: meta }, { actor, time: Math.floor(Date.now() / 1000) });
		if (!g.ok) throw new Error(g.message);
		for (const f of mine) f.change = sha(g.change);
		edits.push(editToWire(await signEdit({ origin, signer, parcelId: id, part: 'parcel', change: g.change, claimedTime: Date.now() })));
	}
	return { files, edits };
}

/** Milliseconds spent in each kind of request, to say where the time goes. */
const spent = { chunk: 0, last: 0 };

/** As the device does: from what it last heard the server holds (nothing yet), one request per chunk. Times add up across the files in flight. */
async function uploadThroughEndpoint(base: string, f: { bytes: Uint8Array; hash: string; change: string }): Promise<void> {
	let received = 0;
	while (received < f.bytes.length) {
		const end = Math.min(f.bytes.length, received + CHUNK);
		const t = performance.now();
		const res = await fetch(`${base}/api/files/${f.hash}`, {
			method: 'PUT',
			headers: { 'content-range': `bytes ${received}-${end - 1}/${f.bytes.length}`, 'x-change': f.change, 'content-type': 'application/octet-stream' },
			body: f.bytes.subarray(received, end)
		});
		if (!res.ok) throw new Error(`PUT ${f.hash}: ${res.status} ${await res.text()}`);
		received = ((await res.json()) as { received: number }).received;
		spent[end === f.bytes.length ? 'last' : 'chunk'] += performance.now() - t;
	}
}

export async function benchFiles(o: { photos?: number; bytes?: number } = {}): Promise<BenchRow[]> {
	const photos = o.photos ?? 200;
	const bytes = o.bytes ?? 300 * 1024;
	const dir = mkdtempSync(join(tmpdir(), 'bench-files-'));
	const procs: ChildProcess[] = [];
	try {
		seedDemo(dir);
		const { proc: server, base } = await startAppServer((url) => ({ DATA_DIR: dir, ORIGIN: url, DATABASE_URL: undefined }));
		procs.push(server);
		const { files, edits } = await namedPhotos(dir, photos, bytes);
		const logged = await fetch(`${base}/api/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits }) });
		if (logged.status !== 200) throw new Error(`edits refused: ${logged.status} ${await logged.text()}`);
		const before = memory(server.pid!);

		const barePort = await freePort();
		const bare = spawn(process.execPath, ['-e', BARE], { env: { ...process.env, PORT: String(barePort) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
		procs.push(bare);
		await new Promise((r) => bare.once('message', r));
		const bareRun = async () => {
			const t = performance.now();
			for (const f of files) {
				const res = await fetch(`http://127.0.0.1:${barePort}/${f.hash}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: f.bytes });
				if (!res.ok || ((await res.json()) as { received: number }).received !== f.bytes.length) throw new Error('bare upload failed');
			}
			return (performance.now() - t) / 1000;
		};
		// The bare run before and after ours, the faster kept: the shared machine's noise never flatters the ratio.
		const bareFirst = await bareRun();
		const t = performance.now();
		const queue = files.values();
		const worker = async () => {
			for (let f = queue.next(); !f.done; f = queue.next()) await uploadThroughEndpoint(base, f.value);
		};
		await Promise.all(Array.from({ length: UPLOADS_IN_FLIGHT }, worker));
		const oursSeconds = (performance.now() - t) / 1000;
		const bareSeconds = Math.min(bareFirst, await bareRun());
		const after = memory(server.pid!);
		// Every file is kept and served whole.
		const probe = files[photos - 1];
		const served = new Uint8Array(await (await fetch(`${base}/api/files/${probe.hash}`)).arrayBuffer());
		if (sha(served) !== probe.hash) throw new Error('a file came back with other bytes');

		const mib = (photos * bytes) / 2 ** 20;
		const ours = mib / oursSeconds;
		const raw = mib / bareSeconds;
		const ratio = ours / raw;
		return [
			{
				name: `upload ${photos} photos × ${bytes / 1024} KB through /api/files (1 MiB chunks, one per photo, ${UPLOADS_IN_FLIGHT} in flight; per file ${(spent.chunk / photos).toFixed(1)} ms other chunks, ${(spent.last / photos).toFixed(1)} ms last chunk + hash check; bare ${((bareSeconds * 1000) / photos).toFixed(1)} ms)`,
				value: ours,
				unit: 'MiB/s',
				limit: { value: raw, unit: 'MiB/s', what: 'bare node:http PUT, same bytes' },
				ratio,
				target: '≥ 0.5',
				ok: ratio >= 0.5
			},
			{
				name: `server peak RSS after uploading ${mib.toFixed(0)} MiB (before: ${before.peak.toFixed(0)} MiB)`,
				value: after.peak,
				unit: 'MiB',
				limit: { value: before.peak, unit: 'MiB', what: 'peak before the uploads' },
				ratio: after.peak / before.peak
			}
		];
	} finally {
		for (const p of procs) p.kill('SIGTERM');
		await new Promise((r) => setTimeout(r, 500));
		rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { markdownTable } = await import('./table');
	console.log(markdownTable(await benchFiles()));
}
