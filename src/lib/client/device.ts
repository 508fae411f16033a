// Setting up the device: pin the log (origin and verifier key from GET /log/key, and its witness
// policy from GET /log/witnesses), create or
// import the signing key, and read the key's grant as replayed from the log.
import { fromHex, toHex } from '../core/bytes';
import { formatEnrolment } from '../core/signing/enrolment';
import { parseVerifierKey } from '../core/log';
import type { FieldDatabase } from './db';
import { getText, type Fetch } from './http';
import { generateDeviceKey, importSeed, parseKeyFile, type StoredKey } from './keys';
import { loadRegistry, type KeyRecord } from './registry';
import { getState, putState, type DeviceRecord, type LogRecord } from './state';
import { fetchPolicy } from './witnesses';

export async function pinLog(db: FieldDatabase, f: Fetch): Promise<LogRecord> {
	const existing = await getState(db, 'log');
	if (existing) return existing;
	const text = (await getText(f, '/log/key')).trim();
	const key = parseVerifierKey(text);
	if (!key.ok) throw new Error(`the server's log key is not usable: ${key.message}`);
	// The witness policy is pinned with the key: which witnesses must cosign a checkpoint.
	const log: LogRecord = { origin: key.value.name, verifierKey: text, pinnedAt: Date.now(), witnessPolicy: await fetchPolicy(f) };
	await putState(db, 'log', log);
	return log;
}

async function storeDevice(db: FieldDatabase, name: string, key: StoredKey, imported: boolean): Promise<DeviceRecord> {
	const device: DeviceRecord = { name: name.trim(), publicKey: toHex(key.publicKey), key, createdAt: Date.now(), imported };
	await putState(db, 'device', device);
	return device;
}

export async function createDevice(db: FieldDatabase, name: string): Promise<DeviceRecord> {
	if (!name.trim()) throw new Error('give the device holder’s name');
	return storeDevice(db, name, await generateDeviceKey(), false);
}

export async function importDeviceKey(db: FieldDatabase, fileText: string): Promise<DeviceRecord> {
	const file = parseKeyFile(fileText);
	const key = await importSeed(fromHex(file.secretKey), fromHex(file.publicKey));
	return storeDevice(db, file.name, key, true);
}

export const enrolmentCode = (d: DeviceRecord): string => formatEnrolment({ publicKey: fromHex(d.publicKey), name: d.name });

/** The device key's grant as the log's own entries say (null before any is known). */
export async function deviceGrant(db: FieldDatabase): Promise<KeyRecord | null> {
	const device = await getState(db, 'device');
	if (!device) return null;
	return (await loadRegistry(db)).get(device.publicKey) ?? null;
}

/** Forgets everything on the device (after a confirmation in the UI). */
export async function resetDevice(db: FieldDatabase): Promise<void> {
	await db.delete();
}
