// One parcel's log for the registry workspace: every entry naming it below the current
// checkpoint, each with its inclusion proof to that checkpoint, and the change bodies — private
// ones too, for a signed-in editor of the district (the caller checks who is asking). The
// browser verifies all of it (signatures, proofs, hashes, authorization) before using it.
import { toBase64, toHex } from '../../core/bytes';
import type { KeyRecord } from '../../core/log/authority';
import type { Ledger } from '../ledger';
import { mayReadPrivate } from '../http/access';
import { inclusionProofs, parcelLog } from '../public/parcel-log';

export interface ParcelBundle {
	parcel: string;
	checkpoint: string;
	size: number;
	entries: { index: number; entry: string; inclusionProof: string[] }[];
	/** SHA-256 hex → base64 change bytes. */
	changes: Record<string, string>;
	/** Change hashes of private entries whose bodies were not sent. */
	withheld: string[];
}

export async function parcelBundle(ledger: Ledger, parcelId: string, editor: KeyRecord | null): Promise<ParcelBundle> {
	const log = await parcelLog(ledger, parcelId);
	const privateOk = mayReadPrivate(editor, parcelId);
	const proofs = await inclusionProofs(ledger, log.entries.map((e) => e.index), log.size);
	const wanted = new Set(log.entries.map((e) => toHex(e.entry.changeHash)));
	const changes: Record<string, string> = {};
	const withheld: string[] = [];
	for (const c of await ledger.store.changesOfParcel(parcelId)) {
		const hex = toHex(c.hash);
		if (!wanted.has(hex)) continue; // logged after the checkpoint
		if (c.part === 'private' && !privateOk) withheld.push(hex);
		else changes[hex] = toBase64(c.body);
	}
	return {
		parcel: parcelId,
		checkpoint: log.checkpoint,
		size: log.size,
		entries: log.entries.map((e, i) => ({ index: e.index, entry: toBase64(e.data), inclusionProof: proofs[i] })),
		changes,
		withheld
	};
}
