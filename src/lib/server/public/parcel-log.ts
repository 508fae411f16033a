// One parcel's entries as of one signed checkpoint: what the history, the in-page proof check
// and the extract are all built from, so that they agree with each other and with the log.
import { toBase64 } from '../../core/bytes';
import { decodeEntry, type Entry } from '../../core/log/entry';
import type { Ledger } from '../ledger';

export interface ParcelLogEntry {
	index: number;
	data: Uint8Array;
	entry: Entry & { kind: 'edit' };
}

export interface ParcelLog {
	parcel: string;
	origin: string;
	verifierKey: string;
	/** The signed checkpoint note every proof here leads to. */
	checkpoint: string;
	size: number;
	/** Entries naming the parcel with index < size, in index order. */
	entries: ParcelLogEntry[];
	/** Erasures of the parcel's private changes (docs/privacy.md), in index order. */
	erasures: { index: number; entry: Entry & { kind: 'erase' } }[];
}

/**
 * The parcel's entries below the current checkpoint (entries committed after it are left for the
 * next), or below `at`: a head taken earlier together with something else of that size (the
 * extract's parcel map). Every entry below a signed size is in the store before the checkpoint is.
 */
export async function parcelLog(ledger: Ledger, parcelId: string, at?: { size: number; checkpoint: string }): Promise<ParcelLog> {
	const checkpoint = at?.checkpoint ?? ledger.sequencer.checkpoint;
	const size = at?.size ?? (await ledger.identity.openCheckpoint(checkpoint)).size;
	const entries: ParcelLogEntry[] = [];
	const erasures: ParcelLog['erasures'] = [];
	for (const stored of await ledger.store.entriesOfParcel(parcelId)) {
		if (stored.index >= size) break;
		const entry = decodeEntry(stored.data);
		if (entry.kind === 'edit') entries.push({ index: stored.index, data: stored.data, entry });
		else if (entry.kind === 'erase') erasures.push({ index: stored.index, entry });
	}
	return { parcel: parcelId, origin: ledger.origin, verifierKey: ledger.identity.verifierKey, checkpoint, size, entries, erasures };
}

/** Inclusion proofs (base64 hashes) of entries in the tree of `size`. */
export async function inclusionProofs(ledger: Ledger, indexes: number[], size: number): Promise<string[][]> {
	return Promise.all(indexes.map(async (i) => (await ledger.inclusionProof(i, size)).map(toBase64)));
}
