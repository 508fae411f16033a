// One parcel's log for the registry workspace: every entry naming it below the current
// checkpoint (edits and erasures), each with its inclusion proof to that checkpoint, and the change
// bodies — private ones too, for a signed-in editor of the district, once the log has recorded
// that access (privacy/access-log.ts). Erased bodies are gone: only their hashes are listed. The
// browser verifies all of it (signatures, proofs, hashes, authorization) before using it.
import { toBase64, toHex } from '../../core/bytes';
import type { KeyRecord } from '../../core/log/authority';
import { mayReadPrivate } from '../http/access';
import { purposeOf, recordAccess } from '../privacy/access-log';
import { inclusionProofs, parcelLog } from '../public/parcel-log';
import type { Runtime } from '../runtime';

export interface ParcelBundle {
	parcel: string;
	checkpoint: string;
	size: number;
	/** Edit and erasure entries, in index order. */
	entries: { index: number; entry: string; inclusionProof: string[] }[];
	/** SHA-256 hex → base64 change bytes. */
	changes: Record<string, string>;
	/** Change hashes of private entries whose bodies were not sent to this reader. */
	withheld: string[];
	/** Change hashes whose bodies were erased on a legal request. */
	erased: string[];
}

/** `wantPrivate: false` leaves private bodies out (withheld), so no access needs recording. */
export async function parcelBundle(rt: Runtime, request: Request, parcelId: string, editor: KeyRecord | null, wantPrivate = true): Promise<ParcelBundle> {
	const { ledger } = rt;
	const log = await parcelLog(ledger, parcelId);
	const privateOk = wantPrivate && mayReadPrivate(editor, parcelId);
	const items = [...log.entries, ...log.erasures.map((e) => ({ index: e.index, data: null as Uint8Array | null }))].sort((a, b) => a.index - b.index);
	const data = new Map(log.entries.map((e) => [e.index, e.data]));
	const all = await ledger.store.entriesOfParcel(parcelId);
	for (const s of all) if (!data.has(s.index)) data.set(s.index, s.data);
	const proofs = await inclusionProofs(ledger, items.map((e) => e.index), log.size);
	const wanted = new Set(log.entries.map((e) => toHex(e.entry.changeHash)));
	const changes: Record<string, string> = {};
	const withheld: string[] = [];
	const erased: string[] = [];
	let anyPrivate = false;
	for (const c of await ledger.store.changesOfParcel(parcelId)) {
		const hex = toHex(c.hash);
		if (!wanted.has(hex)) continue; // logged after the checkpoint
		if (c.part === 'private' && !privateOk) withheld.push(hex);
		else if (c.erased) erased.push(hex);
		else {
			changes[hex] = toBase64(c.body);
			anyPrivate ||= c.part === 'private';
		}
	}
	// Private bodies leave only once the log records who read them.
	if (anyPrivate && editor) await recordAccess(rt, editor, [parcelId], purposeOf(request, editor));
	return {
		parcel: parcelId,
		checkpoint: log.checkpoint,
		size: log.size,
		entries: items.map((e, i) => ({ index: e.index, entry: toBase64(data.get(e.index)!), inclusionProof: proofs[i] })),
		changes,
		withheld,
		erased
	};
}
