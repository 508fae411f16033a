import { readConfig } from '../../src/lib/server/config';
import { openStore } from '../../src/lib/server/open-store';
import { backupLog, restoreLog, type BackupFileFormat } from '../../src/lib/server/backup';
import { verifierIdentity } from '../../src/lib/server/log-identity';
import { log, parse, required, UsageError } from '../args';
import { pinnedIdentity } from '../log-key';

/**
 * backup --out FILE [--format sqlite|ndjson] [--key VERIFIER_KEY]: a consistent copy of the log
 * store, taken while the server runs, checked before it is kept. Never contains the log key.
 */
export async function backup(args: string[]): Promise<void> {
	const { values } = parse(args, { out: { type: 'string' }, format: { type: 'string' }, key: { type: 'string' } });
	const out = required(values.out, 'out');
	const format = values.format as BackupFileFormat | undefined;
	if (format !== undefined && format !== 'sqlite' && format !== 'ndjson') throw new UsageError('--format is sqlite or ndjson');
	const config = readConfig();
	let identity = pinnedIdentity(config, values.key);
	const store = await openStore(config);
	try {
		const meta = await store.readMeta();
		if (!meta) throw new UsageError(`${config.databaseUrl ? 'the database' : config.dataDir} holds no log to back up`);
		if (!identity) {
			log(`! checking the backup with the key the store itself names (${meta.verifierKey}); pass --key to pin it`);
			identity = verifierIdentity(meta.verifierKey);
		}
		const r = await backupLog({ store, out, identity, format });
		log(`Backed up ${r.size} entries of ${meta.origin} to ${r.path} (${r.format}, ${r.bytes} bytes); it recomputes to its signed checkpoint.`);
		log(`  The log key is not in the backup: keep ${config.dataDir}/log-key.json safe separately.`);
	} finally {
		await store.close();
	}
}

/** restore --from FILE [--key VERIFIER_KEY]: into an empty data folder (or DATABASE_URL); verified before it commits. */
export async function restore(args: string[]): Promise<void> {
	const { values } = parse(args, { from: { type: 'string' }, key: { type: 'string' } });
	const from = required(values.from, 'from');
	const config = readConfig();
	const identity = pinnedIdentity(config, values.key);
	const store = await openStore(config);
	try {
		const header = await restoreLog({ store, from, identity: identity ?? undefined });
		if (!identity) log(`! verified with the key the backup itself names (${header.verifierKey}); compare it with the log's published key`);
		log(`Restored ${header.size} entries of ${header.origin} (backup of ${header.createdAt}, from ${header.store}) into ${config.databaseUrl ? 'the database' : config.dataDir}.`);
		log('  Every entry and stored hash recomputes to the last signed checkpoint. Put log-key.json back before serving;');
		log('  the server rebuilds the search projection on start.');
	} finally {
		await store.close();
	}
}
