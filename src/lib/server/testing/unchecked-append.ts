// Tests only: appends signed edits to a store WITHOUT the server's checks, as a log written before
// the server checked every change (or by another implementation) would hold them — so that tests
// can seed a change devices cannot apply and watch the projector, snapshots and devices survive
// it (issue 22). The entries, tree, parcel map and checkpoint are all consistent: the store passes
// start-up verification like any other.
import { decodeChange } from '@automerge/automerge';
import { decodeEntry, encodeEntry, KIND_CODES, statementBytes, type Entry } from '../../core/log/entry';
import { sha256 } from '../../core/hash';
import { leafHash } from '../../core/log/hashing';
import { storedHashCount, storedHashes, treeHash } from '../../core/log/tree';
import { districtOf } from '../../core/record/ids';
import type { Submission } from '../../core/log/submission';
import { HashCache } from '../hash-cache';
import { mapFromStore } from '../map/build';
import { applyEntries, indexedEntry, type IndexedEntry } from '../../core/map';
import type { LogIdentity } from '../log-identity';
import type { ChangeRow, EntryRow, LogStore } from '../store/types';

/** Appends the edits as entries at the end of the log; returns their indexes. */
export async function appendUnchecked(store: LogStore, identity: LogIdentity, subs: Submission[], logTime: number): Promise<number[]> {
	const head = await store.head();
	const fromSize = head?.size ?? 0;
	const cache = new HashCache((ix) => store.readHashes(ix));
	const overlay = new Map<number, Uint8Array>();
	const reader = cache.reader(overlay);
	const rows: EntryRow[] = [];
	const changes: ChangeRow[] = [];
	const committed: IndexedEntry[] = [];
	for (const [k, sub] of subs.entries()) {
		const s = sub.statement;
		if (s.kind !== 'edit' || !sub.change) throw new Error('appendUnchecked takes edits');
		const index = fromSize + k;
		const entry: Entry = { ...s, logTime, signature: sub.signature };
		const data = encodeEntry(entry);
		const base = storedHashCount(index);
		(await storedHashes(index, leafHash(data), reader)).forEach((h, i) => overlay.set(base + i, h));
		// Identity: SHA-256 of the signed statement, as the sequencer stores it.
		rows.push({ index, data, identity: sha256(statementBytes(identity.origin, s)), kind: KIND_CODES.edit, author: s.author, parcel: s.parcelId, district: districtOf(s.parcelId) ?? null, part: s.part, changeHash: s.changeHash });
		// What the sequencer would store; a change that does not even decode gets a made-up actor.
		let info = { amHash: '00'.repeat(32), actor: '00'.repeat(24), seq: 0 };
		try {
			const d = decodeChange(sub.change);
			info = { amHash: d.hash, actor: d.actor, seq: d.seq };
		} catch {
			/* kept as is */
		}
		changes.push({ hash: s.changeHash, parcel: s.parcelId, part: s.part, ...info, body: sub.change });
		committed.push(indexedEntry(index, data));
	}
	const newSize = fromSize + subs.length;
	const root = await treeHash(newSize, reader);
	const map = applyEntries(await mapFromStore(store, fromSize), committed);
	const note = await identity.signCheckpoint(newSize, root, map.root);
	await store.appendBatch({
		fromSize,
		entries: rows,
		changes,
		hashes: [...overlay].map(([index, hash]) => ({ index, hash })),
		checkpoint: { size: newSize, checkpoint: note },
		erase: []
	});
	return subs.map((_, k) => fromSize + k);
}
