// A Dexie liveQuery as rune state: re-runs when the tables it read change, in this tab or any
// other (Dexie broadcasts changes between tabs). Create it during component initialisation.
import { liveQuery } from 'dexie';

export class Live<T> {
	#value = $state<T>() as T;
	#error = $state<string | null>(null);

	/** `deps` reads the reactive values the query depends on; the query re-runs when they change. */
	constructor(query: () => Promise<T>, initial: T, deps?: () => unknown) {
		this.#value = initial;
		$effect(() => {
			deps?.();
			const sub = liveQuery(query).subscribe({
				next: (v) => {
					this.#value = v;
					this.#error = null;
				},
				error: (e: unknown) => (this.#error = (e as Error).message)
			});
			return () => sub.unsubscribe();
		});
	}

	get current(): T {
		return this.#value;
	}

	get error(): string | null {
		return this.#error;
	}
}
