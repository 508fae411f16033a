import { auditLog, auditSummary } from '../../src/lib/core/log/audit';
import { parseVerifierKey } from '../../src/lib/core/log/note';
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, UsageError } from '../args';

/**
 * verify URL [--key VERIFIER_KEY] [--changes]: audits a running log from the outside, with only
 * what it publishes: checkpoint, tiles, entry bundles (and change bodies with --changes).
 */
export async function verify(args: string[]): Promise<void> {
	const { values, positionals } = parse(args, { key: { type: 'string' }, changes: { type: 'boolean' } }, 1);
	const base = positionals[0];
	if (!base || !/^https?:\/\//.test(base)) throw new UsageError('give the log URL, e.g. verify http://localhost:3000');
	const url = (p: string) => new URL(p, base.endsWith('/') ? base : base + '/').toString();
	const get = async (p: string) => {
		const res = await fetch(url(p));
		if (res.status === 404 || res.status === 403) return null;
		if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
		return res;
	};
	let keyText = values.key;
	if (!keyText) {
		const res = await get('log/key');
		if (!res) throw new UsageError(`${base} serves no /log/key; pass --key`);
		keyText = (await res.text()).trim();
		log(`! trusting the key the server itself sent (${keyText}); pass --key to pin the key you expect`);
	}
	const key = parseVerifierKey(keyText);
	if (!key.ok) throw new UsageError(key.message);
	let last = 0;
	const report = await auditLog({
		logKey: key.value,
		verifier: nodeVerifier,
		checkChanges: values.changes ?? false,
		fetchText: async (p) => {
			const res = await get(p);
			if (!res) throw new Error(`GET ${p}: not found`);
			return res.text();
		},
		fetchBytes: async (p) => {
			const res = await get(p);
			return res ? new Uint8Array(await res.arrayBuffer()) : null;
		},
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
