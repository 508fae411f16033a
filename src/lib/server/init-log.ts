// Creating a log: record its identity in the store and append its first entry, the first
// registrar granting itself every district (the genesis rule in core/log/authority.ts).
import { signKeyEntry } from '../core/signing/submit';
import type { Signer } from '../core/signing/ed25519';
import { Ledger, type LedgerOptions } from './ledger';

export async function initLog(
	o: LedgerOptions & { registrar: Signer; registrarName: string }
): Promise<Ledger> {
	await o.store.migrate();
	await o.store.initialize({ origin: o.identity.origin, verifierKey: o.identity.verifierKey });
	const ledger = await Ledger.open(o);
	if (ledger.sequencer.size > 0) throw new Error('this log already has entries; init runs once');
	const clock = o.clock ?? Date.now;
	const genesis = await signKeyEntry({
		origin: o.identity.origin,
		signer: o.registrar,
		body: { kind: 'grant', grantee: o.registrar.publicKey, role: 'registrar', name: o.registrarName, districts: ['*'] },
		claimedTime: clock()
	});
	const [r] = await ledger.submit([genesis]);
	if (r.status !== 'accepted') throw new Error(`genesis entry refused: ${r.code}: ${r.message}`);
	return ledger;
}
