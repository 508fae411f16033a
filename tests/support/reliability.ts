// The reliability harness (tests/reliability-*.e2e.ts): real server processes on a temp data
// folder (SQLite) or database (PostgreSQL), editing clients that submit real signed Automerge
// edits and keep every acknowledgement, a monitor that follows the checkpoint like a witness,
// and a verifier that checks everything acknowledged against what the log serves afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Automerge from '@automerge/automerge';
import { fromBase64, fromHex, toBase64, toHex } from '../../src/lib/core/bytes';
import { makeActor } from '../../src/lib/core/crdt/actors';
import { createPartDoc } from '../../src/lib/core/crdt/document';
import { editPart } from '../../src/lib/core/crdt/edit';
import type { PartDoc } from '../../src/lib/core/crdt/representation';
import { auditLog } from '../../src/lib/core/log/audit';
import { openCheckpoint, type Checkpoint } from '../../src/lib/core/log/checkpoint';
import { decodeEntry } from '../../src/lib/core/log/entry';
import { leafHash } from '../../src/lib/core/log/hashing';
import { parseVerifierKey, type NoteVerifierKey } from '../../src/lib/core/log/note';
import { verifyConsistency, verifyInclusion } from '../../src/lib/core/log/proof';
import { sampleParcel } from '../../src/lib/core/record/samples';
import { editToWire, signEdit } from '../../src/lib/core/signing/submit';
import type { Signer } from '../../src/lib/core/signing/ed25519';
import { nodeSigner, nodeVerifier } from '../../src/lib/server/ed25519';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

export function tempDir(prefix: string): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/** The operator CLI as a real process. */
export function cli(args: string[], env: Record<string, string | undefined>) {
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The operator CLI as a real process, without blocking this one (clients keep running). */
export function cliAsync(args: string[], env: Record<string, string | undefined>): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('exit', (status) => resolve({ status, stdout, stderr }));
	});
}

/** A small demo county in `dataDir` (and DATABASE_URL when given), with the demo editors' key files. */
export function seedDemo(env: { DATA_DIR: string; DATABASE_URL?: string }, parcels = 30): void {
	const r = cli(['demo', '--parcels', String(parcels)], { DATABASE_URL: undefined, ...env });
	if (r.status !== 0) throw new Error(`demo seeding failed: ${r.stderr || r.stdout}`);
}

export function demoSigner(dataDir: string, id: 'registrar' | 'assessor-ava' | 'assessor-bo'): Signer {
	return nodeSigner(fromHex(JSON.parse(readFileSync(join(dataDir, 'demo', `${id}.json`), 'utf8')).secretKey));
}

/** One `node scripts/serve.mjs` process; `kill()` is a SIGKILL, like a power cut of the process. */
export class ServerProcess {
	readonly base: string;
	#child: ChildProcess | null = null;
	#exit: Promise<number | null> = Promise.resolve(null);
	output = '';

	constructor(
		readonly port: number,
		readonly env: Record<string, string | undefined>
	) {
		this.base = `http://127.0.0.1:${port}`;
	}

	get pid(): number | undefined {
		return this.#child?.pid;
	}

	get running(): boolean {
		return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
	}

	/** Starts and waits until the log is open (adapter-node runs `init` on the first request). */
	async start(timeoutMs = 60_000): Promise<void> {
		const child = spawn(process.execPath, ['scripts/serve.mjs'], {
			env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', ORIGIN: this.base, ...this.env },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.#child = child;
		const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000));
		child.stdout!.on('data', keep);
		child.stderr!.on('data', keep);
		this.#exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.running) throw new Error(`the server exited while starting:\n${this.output}`);
			try {
				if ((await fetch(`${this.base}/log/checkpoint`)).ok) return;
			} catch {
				/* not listening yet */
			}
			await sleep(100);
		}
		throw new Error(`the server did not start in ${timeoutMs} ms:\n${this.output}`);
	}

	/** Resolves when the process has exited (on its own or killed). */
	exited(): Promise<number | null> {
		return this.#exit;
	}

	async kill(): Promise<void> {
		if (this.running) this.#child!.kill('SIGKILL');
		await this.#exit;
	}
}

export interface Ack {
	client: string;
	index: number;
	signature: string;
	treeSize: number;
	proof: string[];
	/** The checkpoint note that came with the acknowledgement. */
	checkpoint: string;
}

type Item = { wire: ReturnType<typeof editToWire>; parcel: string; doc: PartDoc };

/**
 * A field device: creates parcels of its own and edits them, as real signed Automerge changes.
 * A request that fails (connection refused or reset, 5xx) is sent again unchanged — the same
 * signed statements — until it is acknowledged, as the outbox of the field client does.
 */
export class EditingClient {
	readonly actor: string;
	readonly acks: Ack[] = [];
	#docs = new Map<string, PartDoc>();
	#pending: Item[] | null = null;
	#n = 0;
	failures = 0;
	refusals: string[] = [];

	constructor(
		readonly name: string,
		readonly signer: Signer,
		readonly district: string,
		readonly origin: string
	) {
		this.actor = makeActor(signer.publicKey, randomBytes(8));
	}

	/** Unacknowledged items carried to the next round. */
	get pending(): number {
		return this.#pending?.length ?? 0;
	}

	async #next(): Promise<Item[]> {
		const items: Item[] = [];
		const working = new Map(this.#docs);
		const count = 1 + Math.floor(Math.random() * 4);
		for (let i = 0; i < count; i++) {
			const time = Math.floor(Date.now() / 1000);
			const ids = [...working.keys()];
			let parcel: string;
			let doc: PartDoc;
			let change: Uint8Array;
			if (ids.length === 0 || Math.random() < 0.5) {
				parcel = `${this.district}-${this.name}${this.#n++}`;
				const r = createPartDoc('parcel', parcel, sampleParcel(parcel), { actor: this.actor, time });
				if (!r.ok) throw new Error(r.message);
				({ doc, change } = r);
			} else {
				parcel = ids[Math.floor(Math.random() * ids.length)];
				const r = editPart(Automerge.clone(working.get(parcel)!, { actor: this.actor }), 'parcel', { notes: `Visit ${this.#n++} by ${this.name}` }, { actor: this.actor, time });
				if (!r.ok || !r.change) throw new Error(r.ok ? 'no change' : r.message);
				({ doc } = r);
				change = r.change;
			}
			working.set(parcel, doc);
			const sub = await signEdit({ origin: this.origin, signer: this.signer, parcelId: parcel, part: 'parcel', change, claimedTime: Date.now() });
			items.push({ wire: editToWire(sub), parcel, doc });
		}
		return items;
	}

	/** The pending request's items in wire form (made now when nothing is pending). */
	async pendingWire(): Promise<ReturnType<typeof editToWire>[]> {
		this.#pending ??= await this.#next();
		return this.#pending.map((i) => i.wire);
	}

	/** One request; returns false when the server could not be reached or was unavailable. */
	async round(base: string): Promise<boolean> {
		this.#pending ??= await this.#next();
		let res: Response;
		try {
			res = await fetch(`${base}/api/edits`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ edits: this.#pending.map((i) => i.wire) })
			});
		} catch {
			this.failures++;
			return false;
		}
		const text = await res.text().catch(() => '');
		if (res.status >= 500) {
			this.failures++;
			return false;
		}
		let body: { checkpoint: string; results: ({ status: 'accepted'; index: number; inclusionProof: { treeSize: number; hashes: string[] } } | { status: 'refused'; code: string; message: string })[] };
		try {
			body = JSON.parse(text);
		} catch {
			this.failures++; // the process died mid-response
			return false;
		}
		if (!Array.isArray(body.results)) {
			// The request as a whole was refused: a bug in this client or the server, never expected.
			this.refusals.push(`${res.status}: ${text.slice(0, 200)}`);
			this.#pending = null;
			return true;
		}
		const carry: Item[] = [];
		body.results.forEach((r, i) => {
			const item = this.#pending![i];
			if (r.status === 'accepted') {
				this.#docs.set(item.parcel, item.doc);
				this.acks.push({ client: this.name, index: r.index, signature: item.wire.signature, treeSize: r.inclusionProof.treeSize, proof: r.inclusionProof.hashes, checkpoint: body.checkpoint });
			} else if (r.code === 'unavailable' || r.code === 'not-leader') carry.push(item);
			else this.refusals.push(`${r.code}: ${r.message}`);
		});
		// Valid edits are never refused; if one was, its successors cannot be accepted either.
		this.#pending = carry.length ? carry : null;
		return true;
	}
}

/** Opens checkpoints with the log key; remembers every one seen, by size. */
export class CheckpointBook {
	readonly bySize = new Map<number, { root: string; note: string }>();
	constructor(readonly key: NoteVerifierKey) {}

	async open(note: string): Promise<Checkpoint> {
		const r = await openCheckpoint(note, this.key, nodeVerifier);
		if (!r.ok) throw new Error(`a checkpoint does not verify: ${r.message}`);
		const cp = r.value.checkpoint;
		const known = this.bySize.get(cp.size);
		if (known && known.root !== toBase64(cp.root)) throw new Error(`two different roots for size ${cp.size}: a fork`);
		this.bySize.set(cp.size, { root: toBase64(cp.root), note });
		return cp;
	}
}

export async function logKey(base: string): Promise<NoteVerifierKey> {
	const k = parseVerifierKey((await (await fetch(`${base}/log/key`)).text()).trim());
	if (!k.ok) throw new Error(k.message);
	return k.value;
}

async function getJson<T>(url: string): Promise<T> {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
	return res.json() as Promise<T>;
}

/** Checks that the tree of `newer` extends the tree of `older`, with the log's consistency proof. */
export async function checkConsistent(base: string, older: Checkpoint, newer: Checkpoint): Promise<void> {
	if (older.size > newer.size) throw new Error(`the log went back from size ${older.size} to ${newer.size}`);
	const p = await getJson<{ hashes: string[] }>(`${base}/api/log/proof/consistency?first=${older.size}&second=${newer.size}`);
	const v = verifyConsistency(older.size, newer.size, older.root, newer.root, p.hashes.map(fromBase64));
	if (!v.ok) throw new Error(`checkpoint ${older.size} is not consistent with ${newer.size}: ${v.message}`);
}

/**
 * Follows /log/checkpoint like a witness while the log is under load and crashing: every new
 * checkpoint must verify and be consistent with the last one it saw; the size never goes back.
 */
export class Monitor {
	#last: Checkpoint | null = null;
	checked = 0;
	errors: string[] = [];

	constructor(readonly book: CheckpointBook) {}

	async poll(base: string): Promise<void> {
		let note: string;
		try {
			const res = await fetch(`${base}/log/checkpoint`);
			if (!res.ok) return;
			note = await res.text();
		} catch {
			return; // down
		}
		try {
			const cp = await this.book.open(note);
			if (this.#last && cp.size < this.#last.size) throw new Error(`the log went back from size ${this.#last.size} to ${cp.size}`);
			if (this.#last && cp.size > this.#last.size) {
				await checkConsistent(base, this.#last, cp);
				this.checked++;
			}
			this.#last = cp;
		} catch (e) {
			const message = (e as Error).message;
			// A server killed between the two requests is not a finding; anything else is.
			if (!/fetch failed|ECONNRESET|ECONNREFUSED|socket/i.test(message)) this.errors.push(message);
		}
	}
}

export interface VerifyReport {
	size: number;
	acks: number;
	checkpoints: number;
}

/**
 * Everything acknowledged is in the log the server now serves: the full audit (tiles, bundles,
 * root, signatures, authorization) passes; every acknowledged entry is at its index, with the
 * client's signature, and its acknowledged proof verifies against the acknowledged checkpoint;
 * every checkpoint anyone saw is consistent with the current one.
 */
export async function verifyAcknowledged(base: string, book: CheckpointBook, acks: Ack[]): Promise<VerifyReport> {
	const current = await book.open(await (await fetch(`${base}/log/checkpoint`)).text());
	const audit = await auditLog({
		logKey: book.key,
		verifier: nodeVerifier,
		fetchText: async (p) => (await fetch(`${base}/${p}`)).text(),
		fetchBytes: async (p) => {
			const res = await fetch(`${base}/${p}`);
			return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
		}
	});
	if (!audit.ok) throw new Error(`audit failed: ${JSON.stringify(audit.failures.slice(0, 3))}`);
	if (audit.size < current.size) throw new Error(`audited ${audit.size} < ${current.size}`);

	const seenIndex = new Map<number, string>();
	const entries = new Map<number, Uint8Array>();
	const wanted = [...new Set(acks.map((a) => a.index))].sort((a, b) => a - b);
	for (let i = 0; i < wanted.length; ) {
		const start = wanted[i];
		const end = Math.min(start + 1000, current.size);
		const page = await getJson<{ entries: { index: number; entry: string }[] }>(`${base}/api/log/entries?start=${start}&end=${end}`);
		for (const e of page.entries) entries.set(e.index, fromBase64(e.entry));
		while (i < wanted.length && wanted[i] < end) i++;
		if (start >= current.size) throw new Error(`acknowledged index ${start} is past the current size ${current.size}`);
	}
	for (const a of acks) {
		const other = seenIndex.get(a.index);
		if (other && other !== a.signature) throw new Error(`two acknowledged statements at index ${a.index}`);
		seenIndex.set(a.index, a.signature);
		const data = entries.get(a.index);
		if (!data) throw new Error(`acknowledged entry ${a.index} (${a.client}) is missing from a log of size ${current.size}`);
		const e = decodeEntry(data);
		if (toBase64(e.signature) !== a.signature) throw new Error(`entry ${a.index} is not the statement acknowledged to ${a.client}`);
		const cp = await book.open(a.checkpoint);
		if (cp.size !== a.treeSize) throw new Error(`ack of ${a.index}: the proof is for size ${a.treeSize}, the checkpoint sent with it is for ${cp.size}`);
		const v = verifyInclusion(leafHash(data), a.index, a.treeSize, a.proof.map(fromBase64), cp.root);
		if (!v.ok) throw new Error(`ack of ${a.index}: ${v.message}`);
	}
	// A sample of fresh inclusion proofs against the current checkpoint.
	for (const a of acks.filter((_, i) => i % Math.max(1, Math.floor(acks.length / 25)) === 0)) {
		const p = await getJson<{ hashes: string[] }>(`${base}/api/log/proof/inclusion?index=${a.index}&size=${current.size}`);
		const v = verifyInclusion(leafHash(entries.get(a.index)!), a.index, current.size, p.hashes.map(fromBase64), current.root);
		if (!v.ok) throw new Error(`entry ${a.index} is not in the current tree: ${v.message}`);
	}
	for (const [size, { note }] of book.bySize) {
		if (size > current.size) throw new Error(`a checkpoint of size ${size} was seen, but the log now has ${current.size}`);
		await checkConsistent(base, await book.open(note), current);
	}
	return { size: current.size, acks: acks.length, checkpoints: book.bySize.size };
}

/** Runs the clients and the monitor until `stop()` resolves. */
export function drive(clients: EditingClient[], monitor: Monitor, base: () => string) {
	let running = true;
	const loops = clients.map(async (c) => {
		while (running) {
			if (!(await c.round(base()))) await sleep(50);
			else await sleep(Math.random() * 20);
		}
	});
	const watcher = (async () => {
		while (running) {
			await monitor.poll(base());
			await sleep(100);
		}
	})();
	return {
		async stop() {
			running = false;
			await Promise.all([...loops, watcher]);
		}
	};
}

export const toHexKey = (s: Signer) => toHex(s.publicKey);
