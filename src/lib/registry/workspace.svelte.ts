// The registry workspace's shared state for every /registry screen. A registrar's browser is a
// client like a tablet: the same Dexie schema (its own database, so a field device set up in the
// same browser stays separate), the same key storage, save path, outbox, push and checkpoint
// checks. Unlike a tablet it downloads no district: parcels come in as they are opened.
import { getContext, setContext } from 'svelte';
import { FieldDatabase, isHalting, type AlarmRow } from '../client/db';
import { createDevice, importDeviceKey, pinLog } from '../client/device';
import { RequestError, type Fetch } from '../client/http';
import { signerOf } from '../client/keys';
import { Live } from '../client/live.svelte';
import { pushOutbox, type PushOutcome } from '../client/push';
import { actorNames } from '../client/registry';
import type { SaveContext } from '../client/save';
import { signIn } from '../client/session';
import { getState, type DeviceRecord, type LogRecord, type CheckpointRecord, type WitnessStatus } from '../client/state';
import { tabActor } from '../client/tab';
import { refreshKeys, type KeysView, type WorkspaceDeps } from './keys-sync';

export const REGISTRY_DB = 'parcel-ledger-registry';
const PUSH_LOCK = 'parcel-ledger-registry-push';

/** Runs `fn` holding the workspace's push lock, or returns null when another tab holds it. */
async function withPushLock<T>(fn: () => Promise<T>): Promise<T | null> {
	if (!globalThis.navigator?.locks) return fn();
	return navigator.locks.request(PUSH_LOCK, { ifAvailable: true }, async (lock) => (lock ? fn() : null));
}

interface Basics {
	device: DeviceRecord | null;
	log: LogRecord | null;
	/** The checkpoint this workstation trusts, and how it stands against the pinned witness policy. */
	checkpoint: CheckpointRecord | null;
	witness: WitnessStatus | null;
	loaded: boolean;
}

export type SessionState = { state: 'signed-out' | 'signing-in' | 'signed-in' } | { state: 'failed'; message: string };

export interface PushStatus {
	running: boolean;
	done: number;
	total: number;
	message: string;
}

export class RegistryApp {
	readonly db: FieldDatabase;
	readonly fetch: Fetch;
	readonly basics: Live<Basics>;
	readonly pending: Live<number>;
	readonly refused: Live<number>;
	readonly alarms: Live<AlarmRow[]>;
	#keys = $state<KeysView | null>(null);
	#session = $state<SessionState>({ state: 'signed-out' });
	#push = $state<PushStatus>({ running: false, done: 0, total: 0, message: '' });
	#online = $state(true);

	constructor(db = new FieldDatabase(REGISTRY_DB), f: Fetch = (i, init) => fetch(i, init)) {
		this.db = db;
		this.fetch = f;
		this.basics = new Live<Basics>(
			async () => {
				const [device, log, checkpoint, witness] = await Promise.all([getState(db, 'device'), getState(db, 'log'), getState(db, 'checkpoint'), getState(db, 'witness')]);
				return { device: device ?? null, log: log ?? null, checkpoint: checkpoint ?? null, witness: witness ?? null, loaded: true };
			},
			{ device: null, log: null, checkpoint: null, witness: null, loaded: false }
		);
		this.pending = new Live(() => db.outbox.where('status').equals('pending').count(), 0);
		this.refused = new Live(() => db.outbox.where('status').equals('refused').count(), 0);
		this.alarms = new Live(() => db.alarms.orderBy('id').reverse().toArray(), []);
		this.#online = typeof navigator === 'undefined' ? true : navigator.onLine;
		$effect(() => {
			const on = () => {
				this.#online = true;
				void this.push(); // what was saved offline goes out when the connection returns
			};
			const off = () => (this.#online = false);
			addEventListener('online', on);
			addEventListener('offline', off);
			return () => {
				removeEventListener('online', on);
				removeEventListener('offline', off);
			};
		});
	}

	get keys(): KeysView | null {
		return this.#keys;
	}
	get session(): SessionState {
		return this.#session;
	}
	get pushStatus(): PushStatus {
		return this.#push;
	}
	get online(): boolean {
		return this.#online;
	}
	get names(): Map<string, string> {
		return this.#keys ? actorNames(this.#keys.registry) : new Map();
	}
	/** This workstation's key as the log's grants say (null until keys are loaded or if not granted). */
	get grant() {
		const d = this.basics.current.device;
		return d && this.#keys ? (this.#keys.registry.get(d.publicKey) ?? null) : null;
	}
	get haltingAlarm(): AlarmRow | undefined {
		return this.alarms.current.find(isHalting);
	}

	async importKeyFile(text: string): Promise<DeviceRecord> {
		await pinLog(this.db, this.fetch);
		return importDeviceKey(this.db, text);
	}

	async createKey(name: string): Promise<DeviceRecord> {
		await pinLog(this.db, this.fetch);
		return createDevice(this.db, name);
	}

	deps(): WorkspaceDeps | null {
		const { log } = this.basics.current;
		return log ? { db: this.db, fetch: this.fetch, log } : null;
	}

	/** Signs in (a session cookie lets the server send private details) and loads the key entries. */
	async start(): Promise<void> {
		const { device, log } = this.basics.current;
		if (!device || !log) return;
		this.#session = { state: 'signing-in' };
		try {
			const r = await signIn(this.fetch, log.origin, signerOf(device.key));
			this.#session = r.ok ? { state: 'signed-in' } : { state: 'failed', message: r.message };
			if (r.ok) await this.reloadKeys();
		} catch (e) {
			this.#session = { state: 'failed', message: (e as Error).message };
		}
	}

	async reloadKeys(): Promise<KeysView | null> {
		const deps = this.deps();
		if (!deps) return null;
		this.#keys = await refreshKeys(deps);
		return this.#keys;
	}

	/** Runs a request; a lapsed session (401) signs in again once. */
	async call<T>(fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			if (!(e instanceof RequestError) || e.status !== 401) throw e;
			await this.start();
			return fn();
		}
	}

	saveContext(): SaveContext | null {
		const { device, log } = this.basics.current;
		const grant = this.grant;
		if (!device || !log) return null;
		return {
			db: this.db,
			signer: signerOf(device.key),
			actor: tabActor(device.publicKey),
			origin: log.origin,
			grant: grant ? { role: grant.role, districts: grant.districts, revoked: grant.revokedAt !== null } : null
		};
	}

	/** Sends the outbox (verifying each accepted edit's inclusion); one tab at a time. */
	async push(batchSize = 500): Promise<PushOutcome | null> {
		const deps = this.deps();
		if (!deps || this.haltingAlarm) return null;
		const run = () =>
			pushOutbox({
				...deps,
				batchSize,
				onProgress: (done, total) => (this.#push = { running: done < total, done, total, message: `Sending ${done.toLocaleString('en')} of ${total.toLocaleString('en')} edits` })
			});
		try {
			const outcome = await withPushLock(() => this.call(run));
			if (!outcome) return null;
			this.#push = { running: false, done: 0, total: 0, message: `Sent: ${outcome.accepted} accepted and verified in the log, ${outcome.refused} refused` };
			return outcome;
		} catch (e) {
			this.#push = { running: false, done: 0, total: 0, message: `Not sent: ${(e as Error).message}. The edits stay on this workstation.` };
			return null;
		}
	}

	async acknowledge(alarm: AlarmRow): Promise<void> {
		if (alarm.id !== undefined) await this.db.alarms.update(alarm.id, { acknowledged: true });
	}
}

const KEY = Symbol('registry-app');
export const provideRegistryApp = (app: RegistryApp): RegistryApp => setContext(KEY, app);
export const useRegistryApp = (): RegistryApp => getContext<RegistryApp>(KEY);
