import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { readConfig } from '../../src/lib/server/config';
import { createLogKeyFile } from '../../src/lib/server/log-identity';
import { openFileStore } from '../../src/lib/server/files/open';
import { initLog } from '../../src/lib/server/init-log';
import { logKeyPath, openStore } from '../../src/lib/server/open-store';
import { nodeSigner } from '../../src/lib/server/ed25519';
import { log, parse, required, UsageError } from '../args';
import { writeKeyFile } from '../key-file';

export async function init(args: string[]): Promise<void> {
	const { values } = parse(args, {
		origin: { type: 'string' },
		'registrar-name': { type: 'string' },
		'registrar-key': { type: 'string' }
	});
	const origin = required(values.origin, 'origin');
	const name = values['registrar-name'] ?? 'First Registrar';
	const config = readConfig();
	mkdirSync(config.dataDir, { recursive: true });
	const keyOut = values['registrar-key'] ?? join(config.dataDir, 'registrar-key.json');
	if (existsSync(logKeyPath(config))) throw new UsageError(`${config.dataDir} already holds a log (${logKeyPath(config)} exists)`);
	if (existsSync(keyOut)) throw new UsageError(`${keyOut} exists; choose another --registrar-key path`);
	const identity = createLogKeyFile(logKeyPath(config), origin);
	const secretKey = randomBytes(32);
	const store = await openStore(config);
	await openFileStore(store); // the whole schema now: a later command that is refused adds no table
	const ledger = await initLog({ store, identity, registrar: nodeSigner(secretKey), registrarName: name });
	writeKeyFile(keyOut, { name, role: 'registrar', districts: ['*'], secretKey });
	await ledger.sequencer.drain();
	await store.close();
	log(`Created log ${origin}`);
	log(`  verifier key: ${identity.verifierKey}`);
	log(`  log key:      ${logKeyPath(config)} (keep it secret; it signs checkpoints)`);
	log(`  registrar:    ${keyOut} (${name}; entry 0 grants it every district)`);
	log(`  store:        ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : join(config.dataDir, 'ledger.db')}`);
}
