// Claims filed on a device, offline like edits (issue 21): signed at once on the device, kept in
// the `claims` table until sync sends them to POST /api/entries. Accepted ones are checked as
// pushed edits are (client/entry-submit.ts) and stay as `logged`; refused ones stay with the
// server's reason and are not sent again.
import { decodeBase64 } from './base64';
import type { TrustDeps } from './checkpoints';
import type { ClaimOutboxRow } from './db';
import { submitEntries } from './entry-submit';

/** Per request: far below the endpoint's 2,000 items; a device rarely holds more than a few. */
const BATCH = 100;

export async function pushClaims(deps: TrustDeps & { onProgress?: (done: number, total: number) => void }): Promise<{ accepted: number; refused: number }> {
	const { db } = deps;
	const pending = await db.claims.where('status').equals('pending').sortBy('id');
	const out = { accepted: 0, refused: 0 };
	for (let i = 0; i < pending.length; i += BATCH) {
		const batch = pending.slice(i, i + BATCH);
		const results = await submitEntries(deps, '/api/entries', batch.map((r) => r.wire), batch.map((r) => decodeBase64(r.signature)));
		const updates = results.map((r, k): { key: number; changes: Partial<ClaimOutboxRow> } => ({
			key: batch[k].id!,
			changes: r.status === 'accepted' ? { status: 'logged', index: r.index, treeSize: r.treeSize } : { status: 'refused', code: r.code, message: r.message }
		}));
		await db.claims.bulkUpdate(updates);
		for (const r of results) out[r.status === 'accepted' ? 'accepted' : 'refused']++;
		deps.onProgress?.(Math.min(i + BATCH, pending.length), pending.length);
	}
	return out;
}
