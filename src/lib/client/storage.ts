// Persistent storage and usage: the app asks once, and shows what it uses of its quota.

export interface StorageInfo {
	persisted: boolean | null;
	usage: number | null;
	quota: number | null;
}

export async function requestPersistence(): Promise<boolean | null> {
	if (!navigator.storage?.persist) return null;
	if (await navigator.storage.persisted()) return true;
	return navigator.storage.persist();
}

export async function storageInfo(): Promise<StorageInfo> {
	const s = navigator.storage;
	const persisted = s?.persisted ? await s.persisted() : null;
	const est = s?.estimate ? await s.estimate() : {};
	return { persisted, usage: est.usage ?? null, quota: est.quota ?? null };
}

export function formatBytes(n: number | null): string {
	if (n === null) return 'unknown';
	if (n < 1024) return `${n} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let v = n / 1024;
	let u = 0;
	while (v >= 1024 && u < units.length - 1) {
		v /= 1024;
		u++;
	}
	return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

type Wrapped = { name?: unknown; message?: unknown; inner?: unknown; cause?: unknown };

/** `e` and the errors it wraps, outermost first (Dexie's `inner`, else `cause`; at most 5). */
export function* errorChain(e: unknown): Generator<Wrapped> {
	for (let x = e, depth = 0; x && typeof x === 'object' && depth < 5; depth++) {
		const err = x as Wrapped;
		yield err;
		x = err.inner ?? err.cause;
	}
}

/**
 * True for a write the browser refused for lack of room: IndexedDB's QuotaExceededError, as
 * Dexie passes it on (itself, or as the `inner` error of the transaction's AbortError).
 */
export function isQuotaError(e: unknown): boolean {
	for (const err of errorChain(e)) if (err.name === 'QuotaExceededError') return true;
	return false;
}

/** What the user reads when a save did not fit: what happened, that nothing was kept, what to do. */
export async function storageFullMessage(what = 'this edit'): Promise<string> {
	// Usage only: the quota the browser reports is an upper bound, not what the disk has left.
	const info = await storageInfo().catch(() => null);
	const use = info?.usage != null ? ` (this app holds ${formatBytes(info.usage)} on it)` : '';
	return `Storage is full: there is no room on this device for ${what}, so nothing of it was saved${use}. Free some space on the device, then try again.`;
}
