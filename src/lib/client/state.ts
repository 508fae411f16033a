// Typed records of the `state` table: the device, the pinned log, the last verified checkpoint,
// downloaded districts and the sync status every tab shows.
import type { FieldDatabase } from './db';
import type { StoredKey } from './keys';

export interface DeviceRecord {
	name: string;
	/** Hex. */
	publicKey: string;
	key: StoredKey;
	createdAt: number;
	/** Imported from a key file rather than generated here. */
	imported: boolean;
}

/** The log this device follows, pinned at setup. */
export interface LogRecord {
	origin: string;
	/** The note verifier key from GET /log/key. */
	verifierKey: string;
	pinnedAt: number;
	/**
	 * The witness policy (GET /log/witnesses, docs/protocol.md "Witnesses"), pinned with the key:
	 * which witnesses must cosign a checkpoint. Absent on logs pinned before witnesses existed.
	 */
	witnessPolicy?: string;
}

/** How the checkpoint the device trusts stands against the pinned witness policy (client/witnesses.ts). */
export interface WitnessStatus {
	quorum: number;
	witnesses: number;
	/** The trusted checkpoint's size this status is of. */
	size: number;
	/** It carries at least `quorum` valid cosignatures of the policy's witnesses. */
	ok: boolean;
	cosigned: string[];
	missing: string[];
	/** checkWitnesses' plain sentence. */
	message: string;
	/** The largest checkpoint this device verified that met the quorum, if any. */
	witnessedSize: number | null;
	at: number;
}

export interface CheckpointRecord {
	/** The signed note, exactly as received. */
	note: string;
	size: number;
	/** Base64. */
	root: string;
	verifiedAt: number;
}

export interface DistrictRecord {
	code: string;
	status: 'downloading' | 'ready';
	parcels: number;
	total: number;
	bytes: number;
	/** Resume point of an interrupted download: the last parcel id stored. */
	after: string | null;
	/** The log index this district has followed up to (exclusive). */
	since: number;
	downloadedAt: number | null;
	/**
	 * Downloaded with every snapshot page checked against the parcel map (map-store.ts): pulls chain
	 * its edits into the device's leaves and every sync that reaches the end checks the district
	 * against the checkpoint's map root. Absent on districts downloaded by older versions.
	 */
	mapVerified?: boolean;
	/**
	 * The map rule the download checked against: 2 (map/v2, which counts claims, log-map.ts). A district
	 * downloaded under v1 holds no claims leaves, so it is followed without the map check (followsMap)
	 * until it is downloaded again.
	 */
	mapRule?: number;
	/** Parts (map leaves) the download checked against the map, and the tree size a sync last matched the district against. */
	verifiedParts?: number;
	mapCheckedSize?: number | null;
	/** Cached hashOfLeaves of the district's leaves (base64) and their number; null once a pull changed them. */
	mapHash?: string | null;
	mapHeld?: number;
	/** When a sync last followed this district to the end of the log. */
	syncedAt?: number | null;
	/** The background pass that recomputes search rows from documents (row-check.ts): its cursor, and when it finished. */
	rowsCheckedAfter?: string | null;
	rowsCheckedAt?: number | null;
}

export interface SyncStatus {
	running: boolean;
	phase: string;
	done: number;
	total: number;
	detail: string;
	at: number;
	lastSuccess: number | null;
	lastError: string | null;
}

interface StateTypes {
	device: DeviceRecord;
	log: LogRecord;
	checkpoint: CheckpointRecord;
	witness: WitnessStatus;
	districts: Record<string, DistrictRecord>;
	sync: SyncStatus;
}
export type StateKey = keyof StateTypes;

export async function getState<K extends StateKey>(db: FieldDatabase, key: K): Promise<StateTypes[K] | undefined> {
	return (await db.state.get(key))?.value as StateTypes[K] | undefined;
}

export async function putState<K extends StateKey>(db: FieldDatabase, key: K, value: StateTypes[K]): Promise<void> {
	await db.state.put({ key, value });
}

export const IDLE_SYNC: SyncStatus = {
	running: false,
	phase: 'idle',
	done: 0,
	total: 0,
	detail: '',
	at: 0,
	lastSuccess: null,
	lastError: null
};

/** Whether a district's pulls chain into its map leaves and are checked against the checkpoint's map root. */
export const followsMap = (d: Pick<DistrictRecord, 'mapVerified' | 'mapRule'>): boolean => !!d.mapVerified && d.mapRule === MAP_RULE;

/** The map rule this version follows (the `parcel-ledger/map/v2` line). */
export const MAP_RULE = 2;
