// Where snapshot pages are verified: in a dedicated worker when the device has a core to spare
// (the main thread keeps writing the previous page to IndexedDB meanwhile, and the UI stays
// responsive), else inline on the calling thread (two cores, tests in Node, a browser without
// module workers). Same verdicts either way.
import { packLeaves } from '../core/map/device';
import type { SnapshotPage } from './bootstrap';
import type { Hasher } from './crypto';
import { verifyPage, type PageFailure } from './page-verify';

/** A verified page's leaves, packed (core/map/device.ts), with their number and first parcel. */
export type PackedVerdict = { ok: true; packed: Uint8Array; count: number; first: string | null } | PageFailure;

export interface VerifyRequest {
	id: number;
	text: string;
	anchor: string | null;
	mapRoot: Uint8Array;
	hasher?: Hasher;
}

export type VerifyResponse = { id: number; verdict: PackedVerdict } | { id: number; error: string };

export interface PageVerifier {
	/** `text` is the page's JSON as received, `page` the same parsed (the inline verifier uses it). */
	verify(text: string, page: SnapshotPage, anchor: string | null, mapRoot: Uint8Array): Promise<PackedVerdict>;
	close(): void;
}

async function inline(page: SnapshotPage, anchor: string | null, mapRoot: Uint8Array, hasher?: Hasher): Promise<PackedVerdict> {
	const v = await verifyPage(page, anchor, mapRoot, hasher);
	return v.ok ? { ok: true, packed: packLeaves(v.leaves), count: v.leaves.length, first: v.leaves[0]?.parcel ?? null } : v;
}

/**
 * Whether a worker is worth it here: it parses its own copy of each page, so it pays only with a
 * core to spare beside the main thread and the browser's IndexedDB work (more than two).
 */
const spareCore = (): boolean => (globalThis.navigator?.hardwareConcurrency ?? 1) > 2;

/** A verifier for one download; `useWorker` forces the worker on or off (default: with a core to spare). */
export function pageVerifier(o: { hasher?: Hasher; useWorker?: boolean } = {}): PageVerifier {
	let worker: Worker | null = null;
	if ((o.useWorker ?? spareCore()) && typeof Worker === 'function') {
		try {
			worker = new Worker(new URL('./verify-worker.ts', import.meta.url), { type: 'module' });
		} catch {
			worker = null; // no module workers here: verify inline
		}
	}
	if (!worker) return { verify: (_text, page, anchor, root) => inline(page, anchor, root, o.hasher), close() {} };

	const waiting = new Map<number, { resolve: (v: PackedVerdict) => void; reject: (e: Error) => void }>();
	let next = 0;
	let broken: Error | null = null;
	const w = worker;
	w.onmessage = (e: MessageEvent<VerifyResponse>) => {
		const job = waiting.get(e.data.id);
		waiting.delete(e.data.id);
		if (!job) return;
		if ('error' in e.data) job.reject(new Error(`the page verifier failed: ${e.data.error}`));
		else job.resolve(e.data.verdict);
	};
	w.onerror = (e) => {
		// The worker did not load or crashed: every page waiting (and any later one) is verified inline.
		e.preventDefault?.();
		broken = new Error(e.message || 'the page verifier worker stopped');
		for (const job of waiting.values()) job.reject(broken);
		waiting.clear();
	};
	return {
		async verify(text, page, anchor, mapRoot) {
			if (broken) return inline(page, anchor, mapRoot, o.hasher);
			try {
				return await new Promise<PackedVerdict>((resolve, reject) => {
					const id = next++;
					waiting.set(id, { resolve, reject });
					w.postMessage({ id, text, anchor, mapRoot, hasher: o.hasher } satisfies VerifyRequest);
				});
			} catch (e) {
				if (broken) return inline(page, anchor, mapRoot, o.hasher);
				throw e;
			}
		},
		close() {
			w.terminate();
		}
	};
}
