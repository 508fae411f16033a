// Auditing a log store in place (`cli verify --local`), e.g. a restored backup before it is
// served: start-up verification (every stored hash and the root against the last signed
// checkpoint), then the same full audit `cli verify URL` runs over HTTP — tiles, entry bundles,
// every signature, every grant replayed, every change body including private ones — with the
// store answering the audit's fetches instead of a server.
import { fromHex } from '../core/bytes';
import { auditLog, type AuditReport } from '../core/log/audit';
import { parseTilePath } from '../core/log/tiles';
import { nodeVerifier } from './ed25519';
import { Ledger } from './ledger';
import type { LogIdentity } from './log-identity';
import type { LogStore } from './store/types';
import { verifyStoredLog } from './verify-store';

export async function auditLocalStore(store: LogStore, identity: LogIdentity): Promise<{ verifiedSize: number; report: AuditReport }> {
	const verifiedSize = await verifyStoredLog(store, identity);
	const ledger = await Ledger.open({ store, identity, verify: false });
	const report = await auditLog({
		logKey: identity.key,
		verifier: nodeVerifier,
		checkChanges: true,
		async fetchText(path) {
			if (path !== 'log/checkpoint') throw new Error(`${path}: not a text resource`);
			return ledger.sequencer.checkpoint;
		},
		async fetchBytes(path) {
			if (path.startsWith('api/changes/')) return (await store.readChange(fromHex(path.slice('api/changes/'.length))))?.body ?? null;
			if (!path.startsWith('log/')) return null;
			const parsed = parseTilePath(path.slice('log/'.length));
			if (!parsed.ok) throw new Error(parsed.message);
			const r = parsed.value;
			return r.kind === 'hashes' ? ledger.hashTile(r.tile) : ledger.entryBundle(r.n, r.width);
		}
	});
	return { verifiedSize, report };
}
