// Worker threads for the expensive, pure half of submission checks (decode, hash, verify), so
// that on a multi-core machine the sequencer's thread only orders and commits. Results mean
// exactly what core's heavyCheck returns; finishSubmission interprets both alike.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HeavyResult, Prepared } from '../core/log/submission';

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

interface Job {
	resolve: (r: HeavyResult[]) => void;
	reject: (e: Error) => void;
}

export class CheckPool {
	#workers: Worker[] = [];
	#jobs = new Map<number, Job>();
	#next = 0;
	#rr = 0;

	constructor(size = availableParallelism()) {
		const path = workerPath();
		for (let i = 0; i < Math.max(1, size); i++) {
			const w = new Worker(path);
			w.unref();
			w.on('message', ({ id, results }: { id: number; results: HeavyResult[] }) => {
				const job = this.#jobs.get(id);
				this.#jobs.delete(id);
				job?.resolve(results);
			});
			w.on('error', (e) => {
				for (const [id, job] of this.#jobs) {
					job.reject(e);
					this.#jobs.delete(id);
				}
			});
			this.#workers.push(w);
		}
	}

	#run(items: Prepared[]): Promise<HeavyResult[]> {
		const id = this.#next++;
		const worker = this.#workers[this.#rr++ % this.#workers.length];
		return new Promise((resolve, reject) => {
			this.#jobs.set(id, { resolve, reject });
			worker.postMessage({
				id,
				items: items.map((p) => ({ change: p.sub.change ?? null, statement: p.statement, signature: p.sub.signature, author: p.sub.statement.author }))
			});
		});
	}

	/** Heavy checks for many prepared submissions, spread over the workers in slices. */
	async check(items: Prepared[]): Promise<HeavyResult[]> {
		const slice = Math.max(16, Math.ceil(items.length / (this.#workers.length * 4)));
		const parts: Promise<HeavyResult[]>[] = [];
		for (let i = 0; i < items.length; i += slice) parts.push(this.#run(items.slice(i, i + slice)));
		return (await Promise.all(parts)).flat();
	}

	async close(): Promise<void> {
		await Promise.all(this.#workers.map((w) => w.terminate()));
	}
}
