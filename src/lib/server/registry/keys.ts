// The Keys page's data: every grant and revocation entry (raw, for the browser to verify and
// replay), each author's last edit from the projection, and recent refusals of revoked keys.
import { toBase64 } from '../../core/bytes';
import type { Ledger } from '../ledger';
import type { ProjectionStore } from '../projection/types';
import type { AuthorActivityRow, RefusalRow } from '../projection/registry-types';

export interface KeysAnswer {
	checkpoint: string;
	size: number;
	keyEntries: { index: number; entry: string }[];
	activity: AuthorActivityRow[];
	refusals: RefusalRow[];
	/** Entries below this index are reflected in `activity`. */
	projectedSize: number;
}

export async function keysAnswer(ledger: Ledger, projection: ProjectionStore): Promise<KeysAnswer> {
	const size = ledger.sequencer.size;
	const checkpoint = ledger.sequencer.checkpoint;
	const [entries, activity, refusals, projectedSize] = await Promise.all([
		ledger.store.keyEntries(),
		projection.authorActivity(),
		projection.refusals(200),
		projection.projectedSize()
	]);
	return {
		checkpoint,
		size,
		keyEntries: entries.filter((e) => e.index < size).map((e) => ({ index: e.index, entry: toBase64(e.data) })),
		activity,
		refusals,
		projectedSize
	};
}
