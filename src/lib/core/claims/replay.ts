// A whole log's claims replayed by a verifier (core/log/audit.ts): the ClaimLedger plus the edit
// facts it does not keep (each parcel's logged change hashes), so every claim, decision, notice and
// edit on notice is judged at its own position, by its own log time, as the sequencer judged it.
import { toHex } from '../bytes';
import type { Entry } from '../log/entry';
import { ClaimLedger, type ClaimVerdict } from './state';

export class ClaimReplay {
	readonly ledger = new ClaimLedger();
	/** Parcel → hex change hashes of its edit entries so far. */
	readonly #changes = new Map<string, Set<string>>();

	/** The verdict on the entry at `index`; an accepted entry is applied, a refused one is not. */
	step(index: number, e: Entry): ClaimVerdict {
		const changes = 'parcelId' in e ? this.#changes.get(e.parcelId) : undefined;
		const v = this.ledger.check(e, e.logTime, { parcelHasEdits: !!changes?.size, parcelChanges: changes ?? new Set() });
		if (!v.ok) return v;
		this.ledger.apply(index, e);
		if (e.kind === 'edit') {
			if (!this.#changes.has(e.parcelId)) this.#changes.set(e.parcelId, new Set());
			this.#changes.get(e.parcelId)!.add(toHex(e.changeHash));
		}
		return v;
	}
}
