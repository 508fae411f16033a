// Reading a log over HTTP for the commands that check it from the outside (verify, monitor):
// paths relative to the log's base URL; 404 and 403 are "not served" (null), anything else
// that is not 2xx, or a request that takes longer than `timeoutMs`, rejects.
export interface LogFetchers {
	base: string;
	/** Rejects unless the path is served. */
	fetchText(path: string): Promise<string>;
	/** Null for 404/403. */
	fetchBytes(path: string): Promise<Uint8Array | null>;
}

export function logFetchers(base: string, timeoutMs = 60_000): LogFetchers {
	const root = base.endsWith('/') ? base : base + '/';
	const get = async (p: string) => {
		const res = await fetch(new URL(p, root), { signal: AbortSignal.timeout(timeoutMs) });
		if (res.status === 404 || res.status === 403) return null;
		if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
		return res;
	};
	return {
		base,
		async fetchText(p) {
			const res = await get(p);
			if (!res) throw new Error(`GET ${p}: not found`);
			return res.text();
		},
		async fetchBytes(p) {
			const res = await get(p);
			return res ? new Uint8Array(await res.arrayBuffer()) : null;
		}
	};
}
