// The sequencer's side of claims and notices (docs/protocol.md "Claims and notices"): the replayed
// ClaimLedger it keeps beside the key registry, loaded from the store's claim entries, and the
// per-batch check that asks the store what core/claims/state.ts does not track (a parcel's edits).
import { fromHex, toHex } from '../../core/bytes';
import { decodeEntry, type Entry, type Statement } from '../../core/log/entry';
import { ClaimLedger, type ClaimVerdict } from '../../core/claims/state';
import type { LogStore } from '../store/types';

/** The ledger replayed from every claim, decision and notice below `size`. */
export async function loadClaimLedger(store: LogStore, size: number): Promise<ClaimLedger> {
	const ledger = new ClaimLedger();
	for (const { index, data } of await store.claimEntries()) if (index < size) ledger.apply(index, decodeEntry(data));
	// A notice's change logged by an edit since: the edit's change row exists.
	const pending = ledger.pendingChanges();
	if (pending.length) {
		for (const c of await store.readChanges(pending.map(fromHex))) ledger.markApplied(toHex(c.hash));
	}
	return ledger;
}

/**
 * One batch's view: the committed ledger, copied on the batch's first entry that changes it (most
 * batches hold only edits), plus the batch's own accepted edits by parcel. The committed ledger is
 * never written, so a batch that fails to commit leaves it as it was.
 */
export class BatchClaims {
	readonly #committed: ClaimLedger;
	#own: ClaimLedger | null = null;
	readonly #store: LogStore;
	readonly #edits = new Map<string, Set<string>>();

	constructor(committed: ClaimLedger, store: LogStore) {
		this.#committed = committed;
		this.#store = store;
	}

	/** The ledger after the batch's entries: the committed one itself while none changed it. */
	get ledger(): ClaimLedger {
		return this.#own ?? this.#committed;
	}

	/** The verdict on `s` at log time `now`; reads the store only for claims and decisions. */
	async check(s: Statement, now: number): Promise<ClaimVerdict> {
		if (s.kind !== 'claim' && s.kind !== 'decision') return this.ledger.check(s, now, NO_FACTS);
		// The parcel's entries (a few hundred bytes each), not its change bodies.
		const stored = (await this.#store.entriesOfParcel(s.parcelId)).flatMap(({ data }) => {
			const e = decodeEntry(data);
			return e.kind === 'edit' ? [toHex(e.changeHash)] : [];
		});
		const parcelChanges = new Set([...stored, ...(this.#edits.get(s.parcelId) ?? [])]);
		return this.ledger.check(s, now, { parcelHasEdits: parcelChanges.size > 0, parcelChanges });
	}

	/** Records an entry the batch accepted. */
	apply(index: number, e: Entry): void {
		if (e.kind === 'edit') {
			if (!this.#edits.has(e.parcelId)) this.#edits.set(e.parcelId, new Set());
			this.#edits.get(e.parcelId)!.add(toHex(e.changeHash));
		}
		if (!this.#own && this.#committed.changedBy(e)) this.#own = this.#committed.clone();
		if (this.#own) this.#own.apply(index, e);
	}
}

const NO_FACTS = { parcelHasEdits: false, parcelChanges: new Set<string>() };
