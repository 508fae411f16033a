// The field app's shared state for every /field screen: the device, the pinned log, the key's
// grant as replayed from the log, the sync status, alarms and outbox counts, all live across tabs.
import { getContext, setContext } from 'svelte';
import { deviceGrant } from './device';
import { fieldDb, isHalting, type AlarmRow, type FieldDatabase } from './db';
import { Live } from './live.svelte';
import { actorNames, loadRegistry, type KeyRecord } from './registry';
import { runSync, SYNC_LOCK, type SyncOutcome } from './sync';
import { getState, putState, IDLE_SYNC, type CheckpointRecord, type DeviceRecord, type DistrictRecord, type LogRecord, type SyncStatus, type WitnessStatus } from './state';
import type { Fetch } from './http';
import type { SaveContext } from './save';
import { signerOf } from './keys';
import { tabActor } from './tab';
import { checkDistrictRows } from './row-check';

/** One tab at a time runs the background pass over search rows (row-check.ts). */
export const ROWS_LOCK = 'parcel-ledger-rows';

interface Basics {
	device: DeviceRecord | null;
	log: LogRecord | null;
	grant: KeyRecord | null;
	districts: Record<string, DistrictRecord>;
	sync: SyncStatus;
	names: Map<string, string>;
	/** The checkpoint the device trusts, and how it stands against the pinned witness policy. */
	checkpoint: CheckpointRecord | null;
	witness: WitnessStatus | null;
	/** False until the first read of the database. */
	loaded: boolean;
}

export class FieldApp {
	readonly db: FieldDatabase;
	readonly fetch: Fetch;
	#online = $state(true);
	#lastOutcome = $state<SyncOutcome | null>(null);
	readonly basics: Live<Basics>;
	readonly alarms: Live<AlarmRow[]>;
	readonly pending: Live<number>;
	readonly refused: Live<number>;

	constructor(db: FieldDatabase = fieldDb(), f: Fetch = (i, init) => fetch(i, init)) {
		this.db = db;
		this.fetch = f;
		this.#online = typeof navigator === 'undefined' ? true : navigator.onLine;
		this.basics = new Live<Basics>(
			async () => {
				const [device, log, districts, sync, grant, registry, checkpoint, witness] = await Promise.all([
					getState(db, 'device'),
					getState(db, 'log'),
					getState(db, 'districts'),
					getState(db, 'sync'),
					deviceGrant(db),
					loadRegistry(db),
					getState(db, 'checkpoint'),
					getState(db, 'witness')
				]);
				return { device: device ?? null, log: log ?? null, grant, districts: districts ?? {}, sync: sync ?? IDLE_SYNC, names: actorNames(registry), checkpoint: checkpoint ?? null, witness: witness ?? null, loaded: true };
			},
			{ device: null, log: null, grant: null, districts: {}, sync: IDLE_SYNC, names: new Map(), checkpoint: null, witness: null, loaded: false }
		);
		this.alarms = new Live(() => db.alarms.orderBy('id').reverse().toArray(), []);
		// Edits and claims alike: both wait in the outbox for sync.
		const count = (status: 'pending' | 'refused') => Promise.all([db.outbox.where('status').equals(status).count(), db.claims.where('status').equals(status).count()]).then(([a, b]) => a + b);
		this.pending = new Live(() => count('pending'), 0);
		this.refused = new Live(() => count('refused'), 0);
		// A sync cut short by a closed tab leaves `running` behind; nobody holds its lock then.
		void navigator.locks?.query().then(async (held) => {
			if (held.held?.some((l) => l.name === SYNC_LOCK)) return;
			const sync = await getState(db, 'sync');
			if (sync?.running) await putState(db, 'sync', { ...sync, running: false, phase: 'interrupted' });
		});
		// After a district's first sync, its search rows are checked against its documents in idle time.
		$effect(() => {
			const districts = this.basics.current.districts;
			if (Object.values(districts).some((d) => d.status === 'ready' && d.syncedAt && !d.rowsCheckedAt)) void this.#checkRows();
		});
		$effect(() => {
			const on = () => {
				this.#online = true;
				void this.sync(); // automatic sync on reconnect
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

	#checkingRows = false;
	async #checkRows(): Promise<void> {
		if (this.#checkingRows) return;
		this.#checkingRows = true;
		try {
			const run = async () => {
				for (;;) {
					const districts = (await getState(this.db, 'districts')) ?? {};
					const todo = Object.values(districts).find((d) => d.status === 'ready' && d.syncedAt && !d.rowsCheckedAt);
					if (!todo) return;
					await checkDistrictRows(this.db, todo.code);
				}
			};
			if (navigator.locks) await navigator.locks.request(ROWS_LOCK, { ifAvailable: true }, (lock) => (lock ? run() : undefined));
			else await run();
		} catch (e) {
			console.warn('[rows] the background row check stopped:', e);
		} finally {
			this.#checkingRows = false;
		}
	}

	get online(): boolean {
		return this.#online;
	}

	get lastOutcome(): SyncOutcome | null {
		return this.#lastOutcome;
	}

	get haltingAlarm(): AlarmRow | undefined {
		return this.alarms.current.find(isHalting);
	}

	/** What the save path needs, or null before setup. */
	saveContext(): SaveContext | null {
		const { device, log, grant } = this.basics.current;
		if (!device || !log) return null;
		return {
			db: this.db,
			signer: signerOf(device.key),
			actor: tabActor(device.publicKey),
			origin: log.origin,
			grant: grant ? { role: grant.role, districts: grant.districts, revoked: grant.revokedAt !== null } : null
		};
	}

	async sync(): Promise<SyncOutcome> {
		const outcome = await runSync(this.db, this.fetch);
		this.#lastOutcome = outcome;
		return outcome;
	}

	async acknowledge(alarm: AlarmRow): Promise<void> {
		if (alarm.id !== undefined) await this.db.alarms.update(alarm.id, { acknowledged: true });
	}
}

const KEY = Symbol('field-app');
export const provideFieldApp = (app: FieldApp): FieldApp => setContext(KEY, app);
export const useFieldApp = (): FieldApp => getContext<FieldApp>(KEY);
export { getState };
