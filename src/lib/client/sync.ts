// One sync run: sign in, push the outbox (edits, then claims), pull the districts. Only one tab
// runs it at a time (Web Locks); its status lives in the database so every tab shows the same progress.
import { ForkError, halted } from './checkpoints';
import type { FieldDatabase } from './db';
import { RequestError, type Fetch } from './http';
import { signerOf } from './keys';
import { BadLogError, pullDistricts } from './pull';
import { pushOutbox } from './push';
import { pushClaims } from './claims-outbox';
import { uploadFiles } from './upload';
import { signIn } from './session';
import { rebuildSearchIndex } from './search-index';
import { getState, IDLE_SYNC, putState, type SyncStatus } from './state';
import { gossipOnSync, refreshWitnesses } from './gossip';
import { pinPolicy } from './witnesses';

export const SYNC_LOCK = 'parcel-ledger-sync';

export type SyncOutcome =
	| { status: 'done'; pushed: number; refused: number; claims: { accepted: number; refused: number }; pulled: number; conflicts: number; files: { uploaded: number; failed: number; waiting: number } }
	| { status: 'busy' | 'halted' | 'offline' | 'not-set-up' }
	| { status: 'failed'; message: string };

/** Runs `fn` holding the sync lock, or returns null at once when another tab holds it. */
export async function withSyncLock<T>(fn: () => Promise<T>): Promise<T | null> {
	if (!globalThis.navigator?.locks) return fn(); // no Web Locks: a single-tab environment
	return navigator.locks.request(SYNC_LOCK, { ifAvailable: true }, async (lock) => (lock ? fn() : null));
}

class StatusWriter {
	#status: SyncStatus = { ...IDLE_SYNC };
	#last = 0;
	constructor(private db: FieldDatabase) {}
	async start(): Promise<void> {
		const prev = (await getState(this.db, 'sync')) ?? IDLE_SYNC;
		this.#status = { ...prev, running: true, phase: 'starting', done: 0, total: 0, detail: '', at: Date.now(), lastError: null };
		await putState(this.db, 'sync', this.#status);
	}
	/** Throttled: progress reaches other tabs a few times a second, not per item. */
	async set(phase: string, done: number, total: number, detail = ''): Promise<void> {
		this.#status = { ...this.#status, phase, done, total, detail, at: Date.now() };
		if (Date.now() - this.#last > 200 || done === total) {
			this.#last = Date.now();
			await putState(this.db, 'sync', this.#status);
		}
	}
	async finish(error: string | null): Promise<void> {
		this.#status = {
			...this.#status,
			running: false,
			phase: error ? 'stopped' : 'done',
			at: Date.now(),
			lastError: error,
			lastSuccess: error ? this.#status.lastSuccess : Date.now()
		};
		await putState(this.db, 'sync', this.#status);
	}
}

/** Folds a large search delta back into its district's index (reads the district's rows once). */
async function compactSearch(db: FieldDatabase, report: (district: string) => void): Promise<void> {
	const districts = new Map<string, number>();
	await db.searchDelta.each((d) => districts.set(d.district, (districts.get(d.district) ?? 0) + 1));
	for (const [district, n] of districts) {
		if (n < DELTA_LIMIT) continue;
		report(district);
		await rebuildSearchIndex(db, district);
	}
}

const DELTA_LIMIT = 2000;

export async function runSync(db: FieldDatabase, fetch: Fetch): Promise<SyncOutcome> {
	const outcome = await withSyncLock(async (): Promise<SyncOutcome> => {
		const [device, log] = await Promise.all([getState(db, 'device'), getState(db, 'log')]);
		if (!device || !log) return { status: 'not-set-up' };
		if (await halted(db)) return { status: 'halted' };
		const status = new StatusWriter(db);
		await status.start();
		try {
			await status.set('signing in', 0, 1);
			// Without a session the device still syncs; it only receives no private bodies.
			await signIn(fetch, log.origin, signerOf(device.key));
			// The witness policy is pinned with the key (at setup; here for a device pinned before witnesses).
			const deps = { db, fetch, log: await pinPolicy(db, fetch, log) };
			// Gossip first: the server sees our checkpoint, we check its current one (the fork alarm halts here).
			await status.set('checking the log against this device', 0, 1);
			await gossipOnSync(deps);
			const pushed = await pushOutbox({ ...deps, onProgress: (d, t) => void status.set('pushing edits', d, t) });
			// Claims after edits: a claim may contest what this device has just sent.
			const claims = await pushClaims({ ...deps, onProgress: (d, t) => void status.set('sending claims', d, t) });
			// The files those edits name, once the log holds the edits (the server takes only named files).
			const files = await uploadFiles({ db, fetch, onProgress: (d, t, detail) => void status.set('uploading files', d, t, detail) });
			const pulled = await pullDistricts({ ...deps, onProgress: (d, t) => void status.set('pulling the log', d, t) });
			await compactSearch(db, (d) => void status.set(`re-indexing ${d} for search`, 0, 1));
			await status.set('collecting witness cosignatures', 0, 1);
			await refreshWitnesses(deps).catch((e) => {
				if (e instanceof ForkError) throw e;
			});
			await status.finish(null);
			return { status: 'done', pushed: pushed.accepted, refused: pushed.refused, claims, pulled: pulled.entries, conflicts: pulled.conflicts, files };
		} catch (e) {
			const message = (e as Error).message;
			await status.finish(message);
			if (e instanceof ForkError) return { status: 'halted' };
			if (e instanceof RequestError && e.code === 'offline') return { status: 'offline' };
			if (e instanceof BadLogError) return { status: 'failed', message };
			return { status: 'failed', message };
		}
	});
	return outcome ?? { status: 'busy' };
}
