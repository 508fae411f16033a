// The checks of an extract that need its decoded entries: change bodies against their entries,
// and authorization replayed through the log's own rules. Used by verify.ts.
import * as Automerge from '@automerge/automerge';
import { equalBytes, toHex } from '../bytes';
import { actorBelongsTo } from '../crdt/actors';
import { KeyRegistry } from '../log/authority';
import { changeHash, type Entry } from '../log/entry';
import type { ExtractItem, ParsedExtract } from './format';
import { isPublicPartName, type PublicChanges } from './record';

export type Decoded = { item: ExtractItem; e: Entry };

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * Every public entry's change is present, hashes (SHA-256) to the entry's change hash and was made
 * under its signer's actor; no other body is carried. Returns the verified bodies by part.
 */
export function checkChanges(x: ParsedExtract, entries: Decoded[]) {
	const byPart: PublicChanges = { parcel: [], valuation: [], title: [] };
	const named = new Set<string>();
	let privateCount = 0;
	let problem: string | null = null;
	const note = (p: string) => (problem ??= p);
	for (const { item, e } of entries) {
		if (e.kind !== 'edit') continue;
		const hex = toHex(e.changeHash);
		if (!isPublicPartName(e.part)) {
			privateCount++;
			if (x.changes.has(hex)) note(`The extract carries the body of private entry ${item.index}; private contents never belong in an extract.`);
			continue;
		}
		named.add(hex);
		const body = x.changes.get(hex);
		if (!body) {
			note(`The change of entry ${item.index} (${e.part}) is missing.`);
			continue;
		}
		if (!equalBytes(changeHash(body), e.changeHash)) {
			note(`The change given for entry ${item.index} has SHA-256 ${toHex(changeHash(body))}, not the entry's ${hex}.`);
			continue;
		}
		let actor: string | null = null;
		try {
			actor = Automerge.decodeChange(body).actor;
		} catch {
			// reported below
		}
		if (actor === null) note(`The change of entry ${item.index} is not an Automerge change.`);
		else if (!actorBelongsTo(actor, e.author)) note(`The change of entry ${item.index} was made under an actor that does not belong to its signer.`);
		else byPart[e.part].push(body);
	}
	const extra = [...x.changes.keys()].find((hex) => !named.has(hex));
	if (extra) note(`The extract carries a change (${extra.slice(0, 16)}…) that no public entry names.`);
	const count = byPart.parcel.length + byPart.valuation.length + byPart.title.length;
	const summary = `${plural(count, 'public change')} hash (SHA-256) to their entries' change hashes and were made under their signers' actors; ${plural(privateCount, 'private change')} listed without contents.`;
	return { byPart, count, problem, summary };
}

/** Replays key entries and edits in index order through log/authority.ts; null when all pass. */
export function authorizationProblem(entries: Decoded[], keys: Decoded[], badSignatures: Set<number>): string | null {
	const registry = new KeyRegistry();
	const all = [...keys, ...entries].sort((a, b) => a.item.index - b.item.index);
	for (const { item, e } of all) {
		registry.skipTo(item.index);
		if (badSignatures.has(item.index)) continue; // an unsigned entry authorizes nothing
		const verdict = registry.check(e);
		if (!verdict.ok) return `Entry ${item.index} is not authorized by the included key entries (${verdict.code}): ${verdict.message}.`;
		registry.apply(e);
	}
	return null;
}
