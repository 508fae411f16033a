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
