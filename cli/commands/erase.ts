import { randomBytes } from 'node:crypto';
import { planErasure } from '../../src/lib/core/privacy/erasure';
import { filesNamedBy } from '../../src/lib/core/files/named-files';
import { changeHash } from '../../src/lib/core/log/entry';
import { toHex } from '../../src/lib/core/bytes';
import { isParcelId } from '../../src/lib/core/record/ids';
import { log, parse, required, UsageError } from '../args';
import { readKeyFile } from '../key-file';
import { describeOutcome, openTarget } from '../target';

/**
 * erase --key REGISTRAR.json --parcel ID --field PATH [--field …] --reason TEXT --basis TEXT [--server URL]
 * Erases private values on a legal request: every private change of the parcel is erased (entries
 * stay, bodies go) and the private document starts afresh without the named fields.
 */
export async function erase(args: string[]): Promise<void> {
	const { values } = parse(args, {
		key: { type: 'string' },
		parcel: { type: 'string' },
		field: { type: 'string', multiple: true },
		reason: { type: 'string' },
		basis: { type: 'string' },
		server: { type: 'string' }
	});
	const { signer } = readKeyFile(required(values.key, 'key'));
	const parcelId = required(values.parcel, 'parcel');
	if (!isParcelId(parcelId)) throw new UsageError(`${parcelId} is not a parcel id like RIV-000123`);
	const paths = values.field ?? [];
	if (!paths.length) throw new UsageError('name at least one --field to erase, e.g. nationalIds.p1');
	const reason = required(values.reason, 'reason');
	const legalBasis = required(values.basis, 'basis');
	const target = await openTarget(values.server, signer);
	try {
		const changes = await target.changes(parcelId, 'private');
		const plan = await planErasure({ origin: target.origin, registrar: signer, parcelId, changes, paths, reason, legalBasis, now: Date.now(), random: (n) => randomBytes(n) });
		if (!plan.ok) throw new UsageError(plan.message);
		// Files the fresh document still names (a deed, when a phone number is erased) lose their
		// bytes with the erased changes: read them first, and send them again under the fresh change.
		const fresh = plan.submissions[1].change!;
		const carried: [string, Uint8Array][] = [];
		for (const f of filesNamedBy(fresh)) {
			const bytes = await target.readFile(f.hash);
			if (bytes) carried.push([f.hash, bytes]);
		}
		const [erasure, start] = await target.submit(plan.submissions.slice(0, 1));
		log(`erasure of ${changes.length} private change(s): ${describeOutcome(erasure)}`);
		if (erasure.status !== 'accepted') {
			process.exitCode = 1;
			return;
		}
		const [started] = await target.submit(plan.submissions.slice(1));
		log(`fresh private document without ${paths.join(', ')}: ${describeOutcome(started ?? start)}`);
		if (started.status !== 'accepted') {
			process.exitCode = 1;
			return;
		}
		for (const [hash, bytes] of carried) await target.putFile(hash, toHex(changeHash(fresh)), bytes);
		if (carried.length) log(`${carried.length} file(s) the fresh document still names kept under it`);
	} finally {
		await target.close();
	}
}
