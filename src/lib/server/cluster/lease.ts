// Who sequences. Exactly one app server appends to a log at a time: on PostgreSQL it holds a
// session-level advisory lock on a connection of its own, and loses it when that connection
// dies (a killed process, a network cut, a database restart), at which moment another server's
// poll takes it. The store's compare-and-swap on the tree size backs this up: even a server that
// has not yet noticed its loss cannot write a tree size someone else wrote.
import pg from 'pg';

export interface LeaseEvents {
	/** Runs (and is awaited) before `held` turns true: load the log's head here. */
	acquired: () => Promise<void>;
	/** Runs as soon as the lease is known lost: stop sequencing here. */
	lost: () => void;
}

export interface SequencerLease {
	/** True while this process may sequence. */
	readonly held: boolean;
	/** The URL of the server that holds the lease (for forwarding), or null when nobody does. */
	leaderUrl(): Promise<string | null>;
	start(events: LeaseEvents): void;
	close(): Promise<void>;
}

/** SQLite: one process owns the data folder, so it always sequences. */
export class SoleLease implements SequencerLease {
	held = false;
	constructor(private readonly selfUrl: string) {}
	async leaderUrl(): Promise<string | null> {
		return this.selfUrl;
	}
	start(events: LeaseEvents): void {
		void events.acquired().then(() => (this.held = true));
	}
	async close(): Promise<void> {}
}

const LEASE_LOCK = 7240100;

export class PostgresLease implements SequencerLease {
	#held = false;
	#closed = false;
	#client: pg.Client | null = null;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#events: LeaseEvents | null = null;

	constructor(
		private readonly o: { connectionString: string; selfUrl: string; pool: pg.Pool; pollMs?: number }
	) {}

	get held(): boolean {
		return this.#held;
	}

	async leaderUrl(): Promise<string | null> {
		if (this.#held) return this.o.selfUrl;
		const r = await this.o.pool.query('SELECT url FROM sequencer_lease WHERE id = 1');
		return (r.rows[0]?.url as string | undefined) ?? null;
	}

	start(events: LeaseEvents): void {
		this.#events = events;
		void this.#tick();
	}

	#lose(why: string): void {
		const client = this.#client;
		this.#client = null;
		client?.end().catch(() => {});
		if (this.#held) {
			this.#held = false;
			console.error(`[lease] lost the sequencer lease: ${why}`);
			this.#events?.lost();
		}
	}

	async #tick(): Promise<void> {
		if (this.#closed) return;
		try {
			if (!this.#client) {
				const c = new pg.Client({ connectionString: this.o.connectionString, keepAlive: true });
				c.on('error', (e) => this.#lose(e.message));
				await c.connect();
				this.#client = c;
			}
			if (!this.#held) {
				const r = await this.#client.query('SELECT pg_try_advisory_lock($1) AS ok', [LEASE_LOCK]);
				if (r.rows[0]?.ok === true) {
					await this.#client.query(
						`INSERT INTO sequencer_lease (id, url, since) VALUES (1, $1, now())
						 ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, since = EXCLUDED.since`,
						[this.o.selfUrl]
					);
					await this.#events?.acquired();
					this.#held = true;
					console.log(`[lease] ${this.o.selfUrl} now sequences the log`);
				}
			} else {
				await this.#client.query('SELECT 1');
			}
		} catch (e) {
			this.#lose((e as Error).message);
		}
		if (!this.#closed) this.#timer = setTimeout(() => void this.#tick(), this.o.pollMs ?? 500);
	}

	async close(): Promise<void> {
		this.#closed = true;
		if (this.#timer) clearTimeout(this.#timer);
		const c = this.#client;
		this.#client = null;
		this.#held = false;
		await c?.end().catch(() => {});
	}
}
