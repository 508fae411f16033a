// Several app servers on one PostgreSQL: every one serves reads; the lease holder sequences; the
// others forward submissions to it and follow the committed head for their own reads.
import type { Ledger } from '../ledger';
import type { Projector } from '../projection/projector';
import type { SequencerLease } from './lease';

export class Cluster {
	#follow: ReturnType<typeof setInterval> | null = null;
	#following = false;

	constructor(
		private readonly o: { ledger: Ledger; lease: SequencerLease; projector: Projector; followMs?: number }
	) {}

	get isLeader(): boolean {
		return this.o.lease.held && this.o.ledger.sequencer.active;
	}

	/** Whether a submission should be forwarded (not to ourselves, and never twice). */
	shouldForward(request: Request): boolean {
		return !this.isLeader && !request.headers.has('x-parcel-ledger-forwarded');
	}

	leaderUrl(): Promise<string | null> {
		return this.o.lease.leaderUrl();
	}

	start(): void {
		const { ledger, lease, projector } = this.o;
		lease.start({
			acquired: async () => {
				await ledger.sequencer.resume();
				projector.schedule();
			},
			lost: () => ledger.sequencer.pause()
		});
		// Followers refresh their view of the head so checkpoints, tiles and proofs stay current.
		this.#follow = setInterval(() => void this.#refresh(), this.o.followMs ?? 300);
		this.#follow.unref();
	}

	async #refresh(): Promise<void> {
		if (this.isLeader || this.#following) return;
		this.#following = true;
		try {
			const head = await this.o.ledger.store.head();
			if (head && head.size !== this.o.ledger.sequencer.size) await this.o.ledger.sequencer.load();
		} catch {
			/* the store is unreachable; reads answer 503 meanwhile */
		} finally {
			this.#following = false;
		}
	}

	async close(): Promise<void> {
		if (this.#follow) clearInterval(this.#follow);
		await this.o.lease.close();
	}
}
