import { auditLog, auditSummary } from '../../src/lib/core/log/audit';
import { parseVerifierKey } from '../../src/lib/core/log/note';
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, UsageError } from '../args';
import { readConfig } from '../../src/lib/server/config';
import { openStore } from '../../src/lib/server/open-store';
import { verifierIdentity } from '../../src/lib/server/log-identity';
import { auditLocalStore } from '../../src/lib/server/local-audit';
import { pinnedIdentity } from '../log-key';
import { logFetchers } from '../log-fetch';

/**
 * verify URL [--key VERIFIER_KEY] [--changes]: audits a running log from the outside, with only
 * what it publishes: checkpoint, tiles, entry bundles (and change bodies with --changes).
 */
export async function verify(args: string[]): Promise<void> {
	const { values, positionals } = parse(args, { key: { type: 'string' }, changes: { type: 'boolean' }, local: { type: 'boolean' } }, 1);
	if (values.local) {
		if (positionals.length) throw new UsageError('--local audits the data folder (or DATABASE_URL); give no URL');
		return verifyLocal(values.key);
	}
	const base = positionals[0];
	if (!base || !/^https?:\/\//.test(base)) throw new UsageError('give the log URL, e.g. verify http://localhost:3000');
	const http = logFetchers(base);
	let keyText = values.key;
	if (!keyText) {
		const served = await http.fetchBytes('log/key');
		if (!served) throw new UsageError(`${base} serves no /log/key; pass --key`);
		keyText = new TextDecoder().decode(served).trim();
		log(`! trusting the key the server itself sent (${keyText}); pass --key to pin the key you expect`);
	}
	const key = parseVerifierKey(keyText);
	if (!key.ok) throw new UsageError(key.message);
	let last = 0;
	const report = await auditLog({
		logKey: key.value,
		verifier: nodeVerifier,
		checkChanges: values.changes ?? false,
		fetchText: http.fetchText,
		fetchBytes: http.fetchBytes,
		progress: ({ phase, done, total }) => {
			if (process.stderr.isTTY && (done - last > 500 || done === total)) {
				last = done;
				process.stderr.write(`\r${phase} ${done}/${total}   `);
			}
		}
	});
	if (process.stderr.isTTY) process.stderr.write('\n');
	log(auditSummary(report));
	if (!report.ok) process.exitCode = 1;
}

/**
 * verify --local [--key VERIFIER_KEY]: audits the log store of DATA_DIR (or DATABASE_URL) in
 * place — e.g. a restored backup before it is served — with private change bodies included.
 */
async function verifyLocal(key: string | undefined): Promise<void> {
	const config = readConfig();
	let identity = pinnedIdentity(config, key);
	const store = await openStore(config);
	try {
		const meta = await store.readMeta();
		if (!meta) throw new UsageError(`${config.databaseUrl ? 'the database' : config.dataDir} holds no log`);
		if (!identity) {
			log(`! trusting the key the store itself names (${meta.verifierKey}); pass --key to pin the key you expect`);
			identity = verifierIdentity(meta.verifierKey);
		}
		const { verifiedSize, report } = await auditLocalStore(store, identity);
		log(`✓ ${verifiedSize} stored entries and their stored hashes recompute to the last signed checkpoint`);
		log(auditSummary(report));
		if (!report.ok) process.exitCode = 1;
	} finally {
		await store.close();
	}
}
