import { readFileSync } from 'node:fs';
import { extractSummary } from '../../src/lib/core/extract/claims';
import { verifyExtract } from '../../src/lib/core/extract/verify';
import { parseConsistencyProofJson } from '../../src/lib/core/log/proof-json';
import { parseVerifierKey } from '../../src/lib/core/log/note';
import { compareCheckpoints } from '../../src/lib/core/witness/compare';
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, UsageError } from '../args';
import { logFetchers } from '../log-fetch';

/**
 * verify-extract FILE [--key VERIFIER_KEY] [--policy FILE] [--log URL] [--file PHOTO …]: checks a parcel extract
 * offline, with the same code as the /verify page; exit 1 when it does not verify. The first line
 * says "VERIFIED: … complete up to checkpoint N" for a v2 extract (every edit of the parcel below N
 * is in it), and that its completeness is NOT PROVEN for an older v1 one (exit 0: what it claims
 * holds). A tampered extract (an edit left out, a later one hidden, one swapped) fails `complete`
 * with the reason. --key compares the log key with the one the registry publishes; --policy checks
 * the checkpoint's witness cosignatures against that policy instead of the extract's own (a
 * checkpoint without enough of them is NOT WITNESSED: a warning, exit 0). --log compares the
 * extract's checkpoint with the log's current one (gossip): two inconsistent checkpoints signed by
 * the log key are a FORK, printed with both, exit 1. --file (repeatable) checks a photo or document
 * given with the extract: its bytes must hash to a file the parcel's public edits name (exit 1 if not).
 */
export async function verifyExtractCommand(args: string[]): Promise<void> {
	const { values, positionals } = parse(args, { key: { type: 'string' }, policy: { type: 'string' }, log: { type: 'string' }, file: { type: 'string', multiple: true } }, 1);
	const file = positionals[0];
	if (!file) throw new UsageError('give the extract file, e.g. verify-extract RIV-000123.extract.json');
	let bytes: Uint8Array;
	let policy: string | undefined;
	let files: { name: string; bytes: Uint8Array }[];
	try {
		bytes = new Uint8Array(readFileSync(file));
		if (values.policy) policy = readFileSync(values.policy, 'utf8');
		files = (values.file ?? []).map((name) => ({ name, bytes: new Uint8Array(readFileSync(name)) }));
	} catch (e) {
		throw new UsageError(`cannot read ${(e as { path?: string }).path ?? file}: ${(e as Error).message}`);
	}
	if (values.log && !/^https?:\/\//.test(values.log)) throw new UsageError('--log is the log\'s URL, e.g. --log http://localhost:3000');
	const report = await verifyExtract(bytes, { verifier: nodeVerifier, expectedKey: values.key, policy, policySource: values.policy ? `the policy in ${values.policy}` : undefined, files });
	log(extractSummary(report));
	if (!report.ok) process.exitCode = 1;
	else if (!values.key) log('\n! no --key given: compare the log key above with the one the registry publishes');
	if (report.ok && values.log) await compareWithLog(bytes, values.log);
}

/** Gossip: the extract's checkpoint against the one the log serves now (a consistency proof either way). */
async function compareWithLog(bytes: Uint8Array, url: string): Promise<void> {
	const x = JSON.parse(new TextDecoder().decode(bytes)) as { checkpoint: string; verifierKey: string };
	const key = parseVerifierKey(x.verifierKey);
	if (!key.ok) return;
	const http = logFetchers(url, 30_000);
	let current: string;
	try {
		current = await http.fetchText('log/checkpoint');
	} catch (e) {
		log(`\n! cannot compare with ${url}: ${(e as Error).message}`);
		process.exitCode = 3;
		return;
	}
	const c = await compareCheckpoints(x.checkpoint, current, {
		key: key.value,
		verifier: nodeVerifier,
		async consistencyProof(first, second) {
			const bytes = await http.fetchBytes(`api/log/proof/consistency?first=${first}&second=${second}`).catch(() => null);
			if (!bytes) return null;
			let json: unknown;
			try {
				json = JSON.parse(new TextDecoder().decode(bytes));
			} catch {
				return null;
			}
			const p = parseConsistencyProofJson(json);
			return p.ok && p.value.first === first && p.value.second === second ? p.value.hashes : null;
		}
	});
	if (c.status === 'fork') {
		log(`\nFORK: the extract's checkpoint and the one ${url} serves now are both signed by the log key and are not consistent.`);
		log(c.message);
		log(`\n--- the extract's checkpoint ---\n${x.checkpoint.trimEnd()}\n--- ${url}/log/checkpoint ---\n${current.trimEnd()}`);
		process.exitCode = 1;
	} else if (c.status === 'unverified') {
		log(`\n! ${url} serves another log: ${c.message}`);
		process.exitCode = 1;
	} else log(`\n✓ compared with ${url}: ${c.message}`);
}
