// Accountability for private data: before private details are served to staff, the log records
// who is reading what (a parcel, or a whole district for a device download) and why. The entry
// is written by the log itself (signed with the log key) and must be durable before anything
// private leaves the server; if it cannot be written, nothing is served.
import type { KeyRecord } from '../../core/log/authority';
import { fromHex } from '../../core/bytes';
import { signKeyEntry, keyEntryToWire } from '../../core/signing/submit';
import { HttpError } from '../http/respond';
import { neutralizeText } from '../../core/record/text-rules.js';
import type { Runtime } from '../runtime';

export const DEFAULT_PURPOSE: Record<KeyRecord['role'], string> = {
	assessor: 'field assessment',
	registrar: 'registry work'
};

/** A purpose the reader states (header `x-purpose`), or their role's default. */
export function purposeOf(request: Request, reader: KeyRecord): string {
	const stated = request.headers.get('x-purpose')?.trim();
	// The entry's text follows the record text rule (a header may carry C1 bytes): shown, not refused.
	return stated ? neutralizeText(stated).slice(0, 300) : DEFAULT_PURPOSE[reader.role];
}

export async function recordAccess(rt: Runtime, reader: KeyRecord, scopes: string[], purpose: string): Promise<number[]> {
	if (!scopes.length) return [];
	const { ledger, cluster } = rt;
	const subs = await Promise.all(
		[...new Set(scopes)].map((scope) =>
			signKeyEntry({
				origin: ledger.origin,
				signer: ledger.identity.signer,
				body: { kind: 'access', scope, reader: fromHex(reader.publicKey), purpose },
				claimedTime: Date.now()
			})
		)
	);
	if (cluster.isLeader) {
		const results = await ledger.submit(subs);
		const failed = results.find((r) => r.status !== 'accepted');
		if (failed && failed.status === 'refused') {
			throw new HttpError(failed.code === 'unavailable' || failed.code === 'not-leader' ? 'unavailable' : 'forbidden', `private details not served: the access could not be logged (${failed.code}: ${failed.message})`);
		}
		return results.map((r) => (r.status === 'accepted' ? r.index : -1));
	}
	const leader = await cluster.leaderUrl();
	if (!leader) throw new HttpError('unavailable', 'private details not served: no server can log the access right now');
	const res = await fetch(new URL('/api/entries', leader), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-parcel-ledger-forwarded': '1' },
		body: JSON.stringify({ entries: subs.map(keyEntryToWire) })
	}).catch(() => null);
	const body = (await res?.json().catch(() => null)) as { results?: { status: string; index?: number }[] } | null;
	if (!res || res.status !== 200 || !body?.results) throw new HttpError('unavailable', 'private details not served: the access could not be logged');
	return body.results.map((r) => r.index ?? -1);
}
