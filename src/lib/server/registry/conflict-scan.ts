// The registry queue's conflicts, computed while the projector has a parcel's public documents
// loaded: every field that holds concurrent values (crdt listConflicts), and for each value the
// log entry of the change that wrote it (its author, claimed time and log time). An op ID
// `counter@actor` belongs to the change of that actor whose operations span the counter.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../../core/bytes';
import { listConflicts } from '../../core/crdt/conflicts';
import type { PartDoc } from '../../core/crdt/representation';
import { districtOf } from '../../core/record/ids';
import type { ChangeRow } from '../store/types';
import type { ConflictRow, ConflictValueRow, PublicPartName } from '../projection/registry-types';

export interface EntryInfo {
	index: number;
	author: string;
	claimedTime: number;
	logTime: number;
}

interface Span {
	start: number;
	end: number;
	hash: string;
}

/** Op-counter spans of an actor's changes of one part, decoded once per actor. */
function spansOf(changes: readonly ChangeRow[], actor: string, cache: Map<string, Span[]>): Span[] {
	let spans = cache.get(actor);
	if (spans) return spans;
	spans = [];
	for (const c of changes) {
		if (c.actor !== actor) continue;
		try {
			const d = Automerge.decodeChange(c.body);
			spans.push({ start: d.startOp, end: d.startOp + d.ops.length, hash: toHex(c.hash) });
		} catch {
			/* a change the log accepted always decodes; skip it if not */
		}
	}
	cache.set(actor, spans);
	return spans;
}

/**
 * Conflicts of one parcel's public documents. `changes` are the part's change rows (log order),
 * `entries` maps a change's SHA-256 (hex) to its entry below the projected size.
 */
export function scanConflicts(
	parcelId: string,
	docs: Partial<Record<PublicPartName, PartDoc>>,
	changes: Record<PublicPartName, ChangeRow[]>,
	entries: Map<string, EntryInfo>
): ConflictRow[] {
	const out: ConflictRow[] = [];
	for (const part of ['parcel', 'valuation', 'title'] as const) {
		const doc = docs[part];
		if (!doc) continue;
		const found = listConflicts(part, doc);
		if (!found.length) continue;
		const cache = new Map<string, Span[]>();
		for (const c of found) {
			const values: ConflictValueRow[] = c.values.map((v) => {
				const counter = Number(v.opId.slice(0, v.opId.indexOf('@')));
				const span = spansOf(changes[part], v.actor, cache).find((s) => counter >= s.start && counter < s.end);
				const e = span ? entries.get(span.hash) : undefined;
				return {
					value: v.value,
					actor: v.actor,
					opId: v.opId,
					index: e?.index ?? null,
					author: e?.author ?? null,
					claimedTime: e?.claimedTime ?? null,
					logTime: e?.logTime ?? null
				};
			});
			const lastIndex = Math.max(-1, ...values.map((v) => v.index ?? -1));
			out.push({ parcelId, district: districtOf(parcelId) ?? '', part, path: c.path, values, lastIndex });
		}
	}
	return out;
}
