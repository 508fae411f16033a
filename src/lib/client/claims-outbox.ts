// Claims filed on a device, offline like edits (issue 21): signed at once on the device, kept in
// the `claims` table until sync sends them to POST /api/entries. Accepted ones are checked as
// pushed edits are (client/entry-submit.ts) and stay as `logged`; refused ones stay with the
// server's reason and are not sent again.
import { districtOf } from '../core/record/ids';
import { decodeBase64, encodeBase64 } from './base64';
import type { TrustDeps } from './checkpoints';
import type { ClaimDraft } from './claim-form';
import { claimIdentity, signClaim } from './claim-sign';
import type { BlobRow, ClaimOutboxRow } from './db';
import { isQuotaError, storageFullMessage } from './storage';
import { submitEntries } from './entry-submit';
import type { SaveContext } from './save';

/** Why this key may not file (or, with 'decide', decide) a claim on the parcel, or null: checked before signing. */
export function claimRefusal(grant: SaveContext['grant'], parcelId: string, action: 'file' | 'decide' = 'file'): string | null {
	if (!grant) return 'this key has not been granted by a registrar yet';
	if (grant.revoked) return 'this key has been revoked';
	if (action === 'decide' && grant.role !== 'registrar') return 'only a registrar decides claims';
	const district = districtOf(parcelId) ?? '';
	return grant.districts.includes('*') || grant.districts.includes(district) ? null : `your key is not granted district ${district}`;
}

/** Signs the claim (an objection when `notice` is a notice's index) on the device and queues it; works offline. */
export async function queueClaim(
	ctx: SaveContext,
	parcelId: string,
	draft: ClaimDraft,
	evidence: BlobRow[] = [],
	notice: number | null = null
): Promise<{ ok: true; row: ClaimOutboxRow } | { ok: false; message: string }> {
	const refusal = claimRefusal(ctx.grant, parcelId);
	if (refusal) return { ok: false, message: refusal };
	const now = (ctx.now ?? Date.now)();
	const files = evidence.map((b) => ({ hash: b.hash, size: b.bytes }));
	const { sub, wire } = await signClaim({ origin: ctx.origin, signer: ctx.signer, parcelId, draft, notice, claimedTime: now, files });
	const row: ClaimOutboxRow = {
		parcelId,
		identity: claimIdentity(ctx.origin, sub),
		kind: draft.kind,
		contested: draft.contested,
		text: draft.text,
		wire,
		signature: encodeBase64(sub.signature),
		createdAt: now,
		status: 'pending'
	};
	const { db } = ctx;
	// The claim and its evidence photos are kept together, or neither is.
	try {
		await db.transaction('rw', [db.claims, db.blobs], async () => {
			row.id = await db.claims.add(row);
			if (evidence.length) await db.blobs.bulkPut(evidence.map((b) => ({ ...b, claimId: row.id })));
		});
	} catch (e) {
		if (isQuotaError(e)) return { ok: false, message: await storageFullMessage(evidence.length ? 'this claim and its photos' : 'this claim') };
		throw e;
	}
	return { ok: true, row };
}

/**
 * One request per claim: a device holds a few, and a body the server refuses as a whole (400)
 * then names one claim, which is marked refused, instead of blocking every later sync.
 */
export async function pushClaims(deps: TrustDeps & { onProgress?: (done: number, total: number) => void }): Promise<{ accepted: number; refused: number }> {
	const { db } = deps;
	const pending = await db.claims.where('status').equals('pending').sortBy('id');
	const out = { accepted: 0, refused: 0 };
	for (const [i, row] of pending.entries()) {
		const [r] = await submitEntries(deps, '/api/entries', [row.wire], [decodeBase64(row.signature)]);
		await db.claims.update(row.id!, r.status === 'accepted' ? { status: 'logged', index: r.index, treeSize: r.treeSize } : { status: 'refused', code: r.code, message: r.message });
		out[r.status === 'accepted' ? 'accepted' : 'refused']++;
		deps.onProgress?.(i + 1, pending.length);
	}
	return out;
}

/** What a refused claim's row says to people: the server's reason, and for a late objection what it means. */
export function refusalText(row: Pick<ClaimOutboxRow, 'code' | 'message' | 'wire'>): string {
	if (row.code === 'notice-closed' && row.wire.kind === 'claim')
		return `Too late: this objection reached the log after the deadline of notice #${row.wire.notice}, so the log did not take it. It is kept here, not sent again; ask the registry if the objection still matters.`;
	return `Refused by the server: ${row.message ?? 'no reason given'}. Kept here, not sent again.`;
}
