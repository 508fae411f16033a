import { auditLog, auditSummary } from '../../src/lib/core/log/audit';
import { parseVerifierKey } from '../../src/lib/core/log/note';
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, UsageError } from '../args';
import { readConfig } from '../../src/lib/server/config';
import { openStore } from '../../src/lib/server/open-store';
import { verifierIdentity } from '../../src/lib/server/log-identity';
import { auditLocalStore } from '../../src/lib/server/local-audit';
import { pinnedIdentity } from '../log-key';
import { logFetchers, type LogFetchers } from '../log-fetch';
import { readFileSync } from 'node:fs';
import { openCheckpoint } from '../../src/lib/core/log/checkpoint';
import type { NoteVerifierKey } from '../../src/lib/core/log/note';
import { checkWitnesses, parsePolicy, type WitnessPolicy } from '../../src/lib/core/witness/policy';

/**
 * verify URL [--key VERIFIER_KEY] [--changes] [--policy FILE]: audits a running log from the
 * outside, with only what it publishes: checkpoint, tiles, entry bundles (and change bodies with
 * --changes); then checks the served checkpoint's witness cosignatures against the policy (FILE,
 * else the log's /log/witnesses) and says plainly when it lacks enough of them.
 */
export async function verify(args: string[]): Promise<void> {
	const { values, positionals } = parse(args, { key: { type: 'string' }, changes: { type: 'boolean' }, local: { type: 'boolean' }, policy: { type: 'string' } }, 1);
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
	log(await witnessSummary(http, key.value, values.policy));
}

/** One line on the served checkpoint's cosignatures against the witness policy (docs/protocol.md "Witnesses"). */
async function witnessSummary(http: LogFetchers, key: NoteVerifierKey, policyFile: string | undefined): Promise<string> {
	let policy: WitnessPolicy;
	let source: string;
	try {
		const text = policyFile ? readFileSync(policyFile, 'utf8') : await http.fetchText('log/witnesses');
		const parsed = parsePolicy(text);
		if (!parsed.ok) return `! witnesses: the policy ${policyFile ?? 'the log serves'} is not usable: ${parsed.message}`;
		policy = parsed.value;
		source = policyFile ? `the policy in ${policyFile}` : 'the policy the log itself serves (pass --policy FILE to pin the one you expect)';
	} catch (e) {
		return `! witnesses: no witness policy (${(e as Error).message}); nothing shows that others are shown this same log`;
	}
	const note = await http.fetchText('log/checkpoint');
	const opened = await openCheckpoint(note, key, nodeVerifier);
	if (!opened.ok) return `✗ witnesses: the served checkpoint does not verify: ${opened.message}`;
	const v = await checkWitnesses(note, policy, nodeVerifier);
	const mark = policy.witnesses.length === 0 ? '!' : v.ok ? '✓' : '!';
	return `${mark} witnesses (checkpoint of size ${opened.value.checkpoint.size}, ${source}): ${v.message}`;
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
