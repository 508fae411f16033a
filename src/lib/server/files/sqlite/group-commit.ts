// Group commit, as databases do for their logs: whoever asks while a disk wait is under way joins
// the next one, so photos in flight share one folder fsync and one row transaction instead of
// paying one each. Nobody is answered before the wait that covers them has ended, and a wait
// starts only after the previous one ended, so each covers everything asked for before it began.

/** One member's outcome of a shared run. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiter<T, R> {
	item: T;
	resolve: (r: R) => void;
	reject: (e: unknown) => void;
}

export class GroupCommit<T, R> {
	#waiting: Waiter<T, R>[] = [];
	#busy = false;

	/**
	 * `run` does the shared work once for a group, and says how it went for each member (a group
	 * may succeed for some and not others); a throw fails the whole group. With `gather`, a group
	 * starts on the next turn of the event loop, so that members whose own disk waits ended in the
	 * same turn join it.
	 */
	constructor(
		readonly run: (items: T[]) => Promise<Outcome<R>[]> | Outcome<R>[],
		readonly opts: { gather?: boolean } = {}
	) {}

	/** Resolves once a group run that included `item` has ended, with its outcome. */
	add(item: T): Promise<R> {
		return new Promise<R>((resolve, reject) => {
			this.#waiting.push({ item, resolve, reject });
			this.#kick();
		});
	}

	#kick(): void {
		if (this.#busy || !this.#waiting.length) return;
		this.#busy = true;
		if (this.opts.gather) setImmediate(() => void this.#flush());
		else void this.#flush();
	}

	async #flush(): Promise<void> {
		const group = this.#waiting.splice(0);
		try {
			const outcomes = await this.run(group.map((w) => w.item));
			group.forEach((w, i) => {
				const o = outcomes[i];
				if (o.ok) w.resolve(o.value);
				else w.reject(o.error);
			});
		} catch (e) {
			for (const w of group) w.reject(e);
		} finally {
			this.#busy = false;
			this.#kick();
		}
	}
}

/** Runs `fn` for one member, catching what it throws as that member's outcome. */
export function outcomeOf<R>(fn: () => R): Outcome<R> {
	try {
		return { ok: true, value: fn() };
	} catch (error) {
		return { ok: false, error };
	}
}
