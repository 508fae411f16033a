// The log's side of witnessing: a background loop, never on the request path, that submits the
// newest checkpoint to each witness of the policy (tlog-witness add-checkpoint, with a consistency
// proof from the size that witness last cosigned), verifies the cosignature it answers and hands
// it to the sequencer, which attaches it to the checkpoint every answer carries. Per witness: one
// request in flight, at most one every `minIntervalMs` (a burst of batches costs one request),
// exponential backoff when it is down, and health for operators.
import { fromUtf8 } from '../../core/bytes';
import type { SignatureVerifier } from '../../core/signing/ed25519';
import { formatAddCheckpoint, parseCosignatureResponse, parseTreeSize } from '../../core/witness/add-checkpoint';
import { parseCosignatureLine, splitNote, verifyCosignature } from '../../core/witness/cosignature';
import { checkWitnesses, type PolicyWitness, type WitnessPolicy } from '../../core/witness/policy';

export type WitnessState = 'pending' | 'ok' | 'down' | 'refused' | 'conflict';

export interface WitnessHealth {
	name: string;
	url: string;
	state: WitnessState;
	/** The size of the last checkpoint it cosigned for this server, and when (ms). */
	cosignedSize: number | null;
	cosignedAt: number | null;
	/** Consecutive failed attempts, the last error, and when the next attempt is due (ms). */
	failures: number;
	lastError: string | null;
	nextAttemptAt: number | null;
}

export interface WitnessingHealth {
	quorum: number;
	witnesses: WitnessHealth[];
	/** The checkpoint served now: its size, who cosigned it, whether it meets the quorum. */
	head: { size: number; cosigners: string[]; witnessed: boolean; message: string };
}

export interface WitnessingTiming {
	/** Least time between two requests to one witness. */
	minIntervalMs: number;
	/** A request that takes longer fails. */
	timeoutMs: number;
	/** First retry delay after a failure, doubled each time up to maxBackoffMs. */
	backoffMs: number;
	maxBackoffMs: number;
}

export const WITNESSING_TIMING: WitnessingTiming = { minIntervalMs: 200, timeoutMs: 5_000, backoffMs: 500, maxBackoffMs: 30_000 };

export interface WitnessingOptions {
	policy: WitnessPolicy;
	/** The head: its size and signed checkpoint (possibly with cosignatures already). */
	head(): { size: number; checkpoint: string };
	/** RFC 6962 consistency proof from `first` to `second` (both ≤ the head). */
	prove(first: number, second: number): Promise<Uint8Array[]>;
	/** Gives verified cosignature lines for the checkpoint of `size` whose note text is `text`. */
	attach(size: number, text: string, lines: string[]): void;
	verifier: SignatureVerifier;
	timing?: Partial<WitnessingTiming>;
	fetch?: typeof fetch;
	clock?: () => number;
	log?: (message: string) => void;
}

interface Worker {
	w: PolicyWitness;
	health: WitnessHealth;
	/** The size this witness says it cosigned last (learned from its answers); null until known. */
	known: number | null;
	/** The note text it cosigned last for us. */
	doneText: string | null;
	inFlight: boolean;
	lastRequestAt: number;
	timer: ReturnType<typeof setTimeout> | null;
}

class Conflict extends Error {}
class Refused extends Error {}

export class Witnessing {
	readonly #o: WitnessingOptions;
	readonly #t: WitnessingTiming;
	readonly #workers: Worker[];
	readonly #clock: () => number;
	readonly #fetch: typeof fetch;
	#stopped = true;
	#poll: ReturnType<typeof setInterval> | null = null;

	constructor(o: WitnessingOptions) {
		this.#o = o;
		this.#t = { ...WITNESSING_TIMING, ...o.timing };
		this.#clock = o.clock ?? Date.now;
		this.#fetch = o.fetch ?? fetch;
		this.#workers = o.policy.witnesses.map((w) => ({
			w,
			health: { name: w.key.name, url: w.url ?? '', state: 'pending', cosignedSize: null, cosignedAt: null, failures: 0, lastError: null, nextAttemptAt: null },
			known: null,
			doneText: null,
			inFlight: false,
			lastRequestAt: 0,
			timer: null
		}));
	}

	get policy(): WitnessPolicy {
		return this.#o.policy;
	}

	/** Starts submitting; also looks at the head every second (a follower's head moves without commits). */
	start(): void {
		if (!this.#workers.length || !this.#stopped) return;
		this.#stopped = false;
		this.#poll = setInterval(() => this.schedule(), 1000);
		this.#poll.unref?.();
		this.schedule();
	}

	stop(): void {
		this.#stopped = true;
		if (this.#poll) clearInterval(this.#poll);
		for (const k of this.#workers) if (k.timer) clearTimeout(k.timer);
	}

	/** The head may have moved: each idle witness gets the newest checkpoint when its interval allows. Cheap. */
	schedule(): void {
		if (this.#stopped) return;
		for (const k of this.#workers) this.#pump(k);
	}

	/** Resolves once every witness has answered for the current head or failed (tests, bench). */
	async settled(timeoutMs = 10_000): Promise<void> {
		const end = this.#clock() + timeoutMs;
		const text = () => splitNote(this.#o.head().checkpoint)?.text;
		while (this.#workers.some((k) => k.inFlight || (k.doneText !== text() && k.health.failures === 0)) && this.#clock() < end) {
			await new Promise((r) => setTimeout(r, 10));
		}
	}

	async health(): Promise<WitnessingHealth> {
		const { size, checkpoint } = this.#o.head();
		const v = await checkWitnesses(checkpoint, this.#o.policy, this.#o.verifier);
		return {
			quorum: this.#o.policy.quorum,
			witnesses: this.#workers.map((k) => ({ ...k.health })),
			head: { size, cosigners: v.cosigned.map((c) => c.name), witnessed: v.ok, message: v.message }
		};
	}

	#pump(k: Worker): void {
		if (this.#stopped || k.inFlight) return;
		const head = this.#o.head();
		const text = splitNote(head.checkpoint)?.text;
		if (!text || k.doneText === text) return;
		const now = this.#clock();
		const due = Math.max(k.health.nextAttemptAt ?? 0, k.lastRequestAt + this.#t.minIntervalMs);
		if (due > now) {
			if (!k.timer) {
				k.timer = setTimeout(() => {
					k.timer = null;
					this.#pump(k);
				}, due - now);
				k.timer.unref?.();
			}
			return;
		}
		k.inFlight = true;
		void this.#submit(k, head.size, head.checkpoint, text).finally(() => {
			k.inFlight = false;
			this.#pump(k);
		});
	}

	async #submit(k: Worker, size: number, checkpoint: string, text: string): Promise<void> {
		const h = k.health;
		try {
			const line = await this.#obtain(k, size, logNote(checkpoint, text));
			this.#o.attach(size, text, [line]);
			k.doneText = text;
			k.known = size;
			Object.assign(h, { state: 'ok', cosignedSize: size, cosignedAt: this.#clock(), failures: 0, lastError: null, nextAttemptAt: null });
		} catch (e) {
			const cause = (e as { cause?: { code?: string } }).cause?.code;
			const message = cause ? `${(e as Error).message} (${cause})` : (e as Error).message;
			const state: WitnessState = e instanceof Conflict ? 'conflict' : e instanceof Refused ? 'refused' : 'down';
			h.failures++;
			const wait = state === 'conflict' ? this.#t.maxBackoffMs : Math.min(this.#t.maxBackoffMs, this.#t.backoffMs * 2 ** (h.failures - 1));
			if (h.state !== state || h.lastError !== message) this.#o.log?.(`[witness] ${h.name}: ${state}: ${message}`);
			Object.assign(h, { state, lastError: message, nextAttemptAt: this.#clock() + wait });
		}
	}

	/** One checkpoint to one witness: learns its size from a 409 and tries again (twice at most). */
	async #obtain(k: Worker, size: number, note: string): Promise<string> {
		const text = splitNote(note)!.text;
		for (let attempt = 0; attempt < 3; attempt++) {
			const old = k.known ?? 0;
			if (old > size) throw new Conflict(`the witness cosigned a tree of ${old} entries, and this log has ${size}: it was shown a history this log does not extend`);
			const proof = old > 0 && old < size ? await this.#o.prove(old, size) : [];
			k.lastRequestAt = this.#clock();
			const res = await this.#fetch(`${k.w.url}/add-checkpoint`, {
				method: 'POST',
				headers: { 'content-type': 'text/plain; charset=utf-8' },
				body: formatAddCheckpoint({ oldSize: old, proof, checkpoint: note }),
				signal: AbortSignal.timeout(this.#t.timeoutMs)
			});
			const body = fromUtf8(new Uint8Array(await res.arrayBuffer()));
			if (res.status === 200) {
				for (const line of parseCosignatureResponse(body) ?? []) {
					const c = parseCosignatureLine(line);
					if (c.ok && (await verifyCosignature(text, c.value, k.w.key, this.#o.verifier))) return c.value.line;
				}
				throw new Error('the witness answered 200 without a valid cosignature by its key');
			}
			if (res.status === 409) {
				const theirs = parseTreeSize(body);
				if (theirs === null) throw new Error(`409 without a tree size: ${body.slice(0, 100)}`);
				if (theirs === old) throw new Conflict(`the witness cosigned another tree of ${old} entries than this log's`);
				k.known = theirs;
				continue;
			}
			if (res.status === 422) throw new Conflict(`the witness finds this log's tree of ${size} entries inconsistent with the tree of ${old} it cosigned: ${body.trim().slice(0, 200)}`);
			if (res.status === 403 || res.status === 404) throw new Refused(`${res.status}: the witness does not accept this log or its key (${body.trim().slice(0, 200)})`);
			throw new Error(`HTTP ${res.status}: ${body.trim().slice(0, 200)}`);
		}
		throw new Error('the witness kept changing its tree size');
	}
}

/** The checkpoint as the log signed it: its text and the log's own signature line(s), no cosignatures. */
function logNote(checkpoint: string, text: string): string {
	const origin = text.slice(0, text.indexOf('\n'));
	const lines = splitNote(checkpoint)!.lines.filter((l) => l.startsWith(`— ${origin} `));
	return `${text}\n${lines.join('')}`;
}
