import { readFileSync } from 'node:fs';
import { extractSummary } from '../../src/lib/core/extract/claims';
import { verifyExtract } from '../../src/lib/core/extract/verify';
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, UsageError } from '../args';

/**
 * verify-extract FILE [--key VERIFIER_KEY]: checks a parcel extract offline, with the same code
 * as the /verify page; exit 1 when it does not verify. The first line says "VERIFIED: … complete
 * up to checkpoint N" for a v2 extract (every edit of the parcel below N is in it), and that its
 * completeness is NOT PROVEN for an older v1 one (exit 0: what it claims holds). A tampered
 * extract (an edit left out, a later one hidden, one swapped) fails `complete` with the reason.
 * --key compares the log key with the one the registry publishes.
 */
export async function verifyExtractCommand(args: string[]): Promise<void> {
	const { values, positionals } = parse(args, { key: { type: 'string' } }, 1);
	const file = positionals[0];
	if (!file) throw new UsageError('give the extract file, e.g. verify-extract RIV-000123.extract.json');
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(readFileSync(file));
	} catch (e) {
		throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
	}
	const report = await verifyExtract(bytes, { verifier: nodeVerifier, expectedKey: values.key });
	log(extractSummary(report));
	if (!report.ok) process.exitCode = 1;
	else if (!values.key) log('\n! no --key given: compare the log key above with the one the registry publishes');
}
