// The `complete` check of an extract (docs/protocol.md "Extracts"): the checkpoint's map line
// commits to the parcel map, whose leaves say, for each part of the parcel, how many edit entries
// the log holds below the checkpoint's size, the index of the last one and a digest of their change
// hashes in index order; and its claims leaf the same of the parcel's claim, decision and notice
// entries (by their leaf hashes). The extract's map proof gives ALL of the parcel's leaves (or
// fails), and its entries of each part, and its claims list, must be exactly what the leaf describes.
import { equalBytes } from '../bytes';
import type { Checkpoint } from '../log/checkpoint';
import { leafHash } from '../log/hashing';
import { digestOf, leavesUnder, MAP_LINE_PREFIX, MAP_V1_LINE_PREFIX, mapRootOf, parcelPrefix, verifyMapProof, type MapLeaf, type MapPart } from '../map';
import { PART_NAMES, type PartName } from '../record/parts';
import { plural, type Decoded } from './checks';
import type { ParsedExtract } from './format';

export type Completeness =
	/** Every edit, claim, decision and notice of the parcel below `upTo` (the checkpoint's size) is in the extract. */
	| { status: 'complete'; upTo: number; detail: string }
	/** A v1 extract: it carries no map proof, so completeness is neither shown nor refuted. */
	| { status: 'not-proven'; detail: string }
	| { status: 'failed'; detail: string };

type EditEntry = Decoded & { e: { kind: 'edit' } };

/** Checks the extract's entries (already shown to be in the checkpoint's tree) against its map proof. */
export function checkCompleteness(x: ParsedExtract, entries: Decoded[], cp: Checkpoint): Completeness {
	const n = cp.size;
	const failed = (detail: string): Completeness => ({ status: 'failed', detail });
	if (x.mapProof === null) {
		return {
			status: 'not-proven',
			detail: `Not proven: this is an older ${x.format} extract, which carries no parcel-map proof, so nothing shows that it lists every edit of ${x.parcel} up to checkpoint ${n}. A parcel-ledger-extract/v2 extract (download it again) proves that.`
		};
	}
	const root = mapRootOf(cp);
	if (!root.ok) {
		const line = cp.extensions?.[0] ?? '';
		const why = line.startsWith(MAP_LINE_PREFIX)
			? 'its map line is malformed'
			: line.startsWith(MAP_V1_LINE_PREFIX)
				? `its map line is of the first rule, "${MAP_V1_LINE_PREFIX.trim()}", which does not count claims; download the extract again`
				: `it has no "${MAP_LINE_PREFIX.trim()}" line`;
		return failed(`The checkpoint of size ${n} commits to no parcel map (${why}), so nothing shows that the extract lists every edit of ${x.parcel}.`);
	}
	const proof = verifyMapProof(x.mapProof, root.value);
	if (!proof.ok) {
		const why = proof.message.replace(/^map proof: /, '');
		return failed(
			proof.code === 'malformed-map-proof'
				? `The map proof is malformed (${why}).`
				: `The map proof does not verify against the parcel map of checkpoint ${n} (${why}): it is the proof of another checkpoint or another log, or it was altered.`
		);
	}
	const leaves = leavesUnder(proof.value, parcelPrefix(x.parcel));
	if (!leaves.ok) {
		return failed(`The map proof does not show all of ${x.parcel}'s parts in the map of checkpoint ${n}: it hides a part of the map where they would be (it is the proof of another parcel, or it was cut down).`);
	}
	const byPart = new Map<MapPart, MapLeaf>(leaves.value.map((l) => [l.part, l]));
	const edits = entries.filter((d): d is EditEntry => d.e.kind === 'edit');
	const counted: string[] = [];
	for (const part of PART_NAMES) {
		const mine = edits.filter((d) => d.e.part === part);
		const problem = partProblem(part, byPart.get(part), mine, n);
		if (problem) return failed(problem);
		if (mine.length) counted.push(plural(mine.length, `${part} edit`));
	}
	const claimsProblem = claimsLeafProblem(byPart.get('claims'), x.claims, n);
	if (claimsProblem) return failed(claimsProblem);
	const claims = x.claims.length ? ` and ${plural(x.claims.length, 'claim entry', 'claim entries')} (claims, decisions and notices)` : ', and no claim entry';
	return {
		status: 'complete',
		upTo: n,
		detail: `Complete up to checkpoint ${n}: every edit of ${x.parcel} in the log below ${n} is here, and every claim, decision and notice. The parcel map the checkpoint signs counts ${counted.join(', ')}${claims}, with the same last indexes and the same digests.`
	};
}

/** Null when the extract's claims list is exactly the entries the parcel's claims leaf counts. */
function claimsLeafProblem(leaf: MapLeaf | undefined, listed: ParsedExtract['claims'], n: number): string | null {
	if (!leaf && !listed.length) return null;
	const upTo = `up to checkpoint ${n}`;
	if (!leaf) return `The log holds no claim, decision or notice of this parcel ${upTo}, the extract lists ${listed.length} (entry ${listed[0].index}): they are not the ones the log's parcel map holds.`;
	const head = `The log holds ${plural(leaf.count, 'claim entry', 'claim entries')} (claims, decisions and notices) of this parcel ${upTo}, the extract lists ${listed.length || 'none'}`;
	if (!listed.length) return `${head}: ${leaf.count === 1 ? 'it is' : 'they are'} left out (the last at index ${leaf.lastIndex}), so the extract hides the parcel's disputes.`;
	const last = listed[listed.length - 1].index;
	if (listed.length !== leaf.count || last !== leaf.lastIndex) return `${head}, the last at index ${last} where the log's is at ${leaf.lastIndex}: a claim entry is left out or added.`;
	if (!equalBytes(digestOf(listed.map((it) => leafHash(it.bytes))), leaf.digest)) {
		return `The extract's claim entries are not the ones the log holds ${upTo} (the same number and the same last index, but the digest of their leaf hashes differs): one was swapped for another, or they are in another order.`;
	}
	return null;
}

/** Null when the extract's edits of one part are exactly those the leaf describes. */
function partProblem(part: PartName, leaf: MapLeaf | undefined, mine: EditEntry[], n: number): string | null {
	if (!leaf && !mine.length) return null;
	const upTo = `up to checkpoint ${n}`;
	if (!leaf) {
		return `The log has no edit of the ${part} part ${upTo}, the extract shows ${mine.length} (entry ${mine[0].item.index}): the extract's entries are not the ones the log's parcel map holds.`;
	}
	const head = `The log has ${plural(leaf.count, 'edit')} of the ${part} part ${upTo}, the extract shows ${mine.length || 'none'}`;
	if (!mine.length) return `${head}: ${leaf.count === 1 ? 'it is' : 'they are'} left out (the last at index ${leaf.lastIndex}).`;
	const last = mine[mine.length - 1].item.index;
	if (last < leaf.lastIndex) return `${head}; the last ${part} edit is at index ${leaf.lastIndex}, the extract stops at ${last}: a later entry is hidden.`;
	if (mine.length < leaf.count) return `${head}: an entry is left out.`;
	if (last > leaf.lastIndex || mine.length > leaf.count) {
		return `${head}, the last at index ${last} where the log's is at ${leaf.lastIndex}: the extract's ${part} edits are not the ones the log's parcel map holds.`;
	}
	if (!equalBytes(digestOf(mine.map((d) => d.e.changeHash)), leaf.digest)) {
		return `The extract's ${part} edits are not the ones the log holds ${upTo} (the same number and the same last index, but the digest of their change hashes differs): one was swapped for another, or they are in another order.`;
	}
	return null;
}
