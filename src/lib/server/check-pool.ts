// Worker threads for the expensive, pure half of submission checks (decode, hash, verify, the
// change's content) and for fitting changes to their part's stored changes, so that on a
// multi-core machine the sequencer's thread only orders and commits, and so that Automerge never
// materializes submitted documents (or panics on a hostile change) in the server's main thread.
// Results mean exactly what core's heavyCheck and fitChanges return.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeavyResult, Prepared } from '../core/log/submission';
import type { Fit } from '../core/crdt/change-check.js';

const WORKER_FILE = join('src', 'lib', 'server', 'workers', 'heavy-check.mjs');

/** The worker file, found from this module (source tree) or from the bundled build's chunk. */
function workerPath(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (let i = 0; i < 8; i++) {
		const candidate = join(dir, WORKER_FILE);
		if (existsSync(candidate)) return candidate;
		const beside = join(dir, 'workers', 'heavy-check.mjs');
		if (existsSync(beside)) return beside;
		dir = dirname(dir);
	}
	const fromCwd = join(process.cwd(), WORKER_FILE);
	if (existsSync(fromCwd)) return fromCwd;
	throw new Error(`cannot find ${WORKER_FILE}: run the server from the project folder`);
}

/** One part's stored changes (log order) and the submitted changes to fit after them, in order. */
export interface FitGroup {
	base: Uint8Array[];
	changes: Uint8Array[];
	/** Automerge hashes of `changes`. */
	hashes: string[];
}

type Message = { items: unknown[] } | { fit: FitGroup[] };

interface Job {
	message: Message;
	resolve: (r: unknown[]) => void;
	reject: (e: Error) => void;
	/** Run again once in a fresh worker if the thread dies under it. */
	retried: boolean;
}

interface Slot {
	worker: Worker;
	jobs: Map<number, Job>;
	/** Saw a wasm panic: gets no new jobs, ends when its jobs are answered. */
	retiring: boolean;
}

export class CheckPool {
	readonly #path = workerPath();
	#slots: Slot[] = [];
	#next = 0;
	#rr = 0;
	#closed = false;
	/** Workers replaced so far (after a panic or a crash); for tests and logs. */
	replaced = 0;

	constructor(size = availableParallelism()) {
		for (let i = 0; i < Math.max(1, size); i++) this.#slots.push(this.#spawn());
	}

	#spawn(): Slot {
		const slot: Slot = { worker: new Worker(this.#path), jobs: new Map(), retiring: false };
		slot.worker.unref();
		slot.worker.on('message', ({ id, results, retire }: { id: number; results: unknown[]; retire: boolean }) => {
			const job = slot.jobs.get(id);
			slot.jobs.delete(id);
			job?.resolve(results);
			if (retire && !slot.retiring) this.#retire(slot);
			if (slot.retiring && slot.jobs.size === 0) void slot.worker.terminate();
		});
		const died = (e: Error) => {
			if (this.#closed) return;
			// A thread that died takes only its own jobs with it: each is tried once more elsewhere.
			this.#replace(slot);
			for (const [id, job] of slot.jobs) {
				slot.jobs.delete(id);
				if (job.retried) job.reject(e);
				else this.#post({ ...job, retried: true });
			}
		};
		slot.worker.on('error', died);
		slot.worker.on('exit', (code) => {
			if (!slot.retiring) died(new Error(`a check worker exited with code ${code}`));
		});
		return slot;
	}

	#replace(slot: Slot): void {
		const i = this.#slots.indexOf(slot);
		if (i >= 0) {
			this.#slots[i] = this.#spawn();
			this.replaced++;
		}
	}

	#retire(slot: Slot): void {
		slot.retiring = true;
		this.#replace(slot);
	}

	#post(job: Job): void {
		const slot = this.#slots[this.#rr++ % this.#slots.length];
		const id = this.#next++;
		slot.jobs.set(id, job);
		slot.worker.postMessage({ id, ...job.message });
	}

	#run<T>(message: Message): Promise<T[]> {
		return new Promise((resolve, reject) => this.#post({ message, resolve: resolve as (r: unknown[]) => void, reject, retried: false }));
	}

	/** Heavy checks for many prepared submissions, spread over the workers in slices. */
	async check(items: Prepared[]): Promise<HeavyResult[]> {
		const slice = Math.max(16, Math.ceil(items.length / (this.#slots.length * 4)));
		const parts: Promise<HeavyResult[]>[] = [];
		for (let i = 0; i < items.length; i += slice) {
			parts.push(
				this.#run<HeavyResult>({
					items: items.slice(i, i + slice).map((p) => {
						const s = p.sub.statement;
						return { change: p.sub.change ?? null, parcel: s.kind === 'edit' || s.kind === 'notice' ? s.parcelId : null, statement: p.statement, signature: p.sub.signature, author: s.author };
					})
				})
			);
		}
		return (await Promise.all(parts)).flat();
	}

	/** fitChanges for each group, spread over the workers. */
	async fit(groups: FitGroup[]): Promise<Fit[][]> {
		const per = Math.max(1, Math.ceil(groups.length / this.#slots.length));
		const parts: Promise<Fit[][]>[] = [];
		for (let i = 0; i < groups.length; i += per) parts.push(this.#run<Fit[]>({ fit: groups.slice(i, i + per) }));
		return (await Promise.all(parts)).flat();
	}

	async close(): Promise<void> {
		this.#closed = true;
		await Promise.all(this.#slots.map((s) => s.worker.terminate()));
	}
}
