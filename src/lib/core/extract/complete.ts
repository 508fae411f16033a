// The `complete` check of an extract (docs/protocol.md "Extracts"): the checkpoint's map line
// commits to the parcel map, whose leaves say, for each part of the parcel, how many edit entries
// the log holds below the checkpoint's size, the index of the last one and a digest of their change
// hashes in index order. The extract's map proof gives ALL of the parcel's leaves (or fails), and
// its entries of each part must be exactly what the leaf describes.
import { equalBytes } from '../bytes';
import type { Checkpoint } from '../log/checkpoint';
import { digestOf, leavesUnder, MAP_LINE_PREFIX, mapRootOf, parcelPrefix, verifyMapProof, type MapLeaf } from '../map';
import { PART_NAMES, type PartName } from '../record/parts';
import { plural, type Decoded } from './checks';
import type { ParsedExtract } from './format';

export type Completeness =
	/** Every edit of the parcel below `upTo` (the checkpoint's size) is in the extract. */
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
		const why = cp.extensions?.[0]?.startsWith(MAP_LINE_PREFIX) ? 'its map line is malformed' : `it has no "${MAP_LINE_PREFIX.trim()}" line`;
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
	const byPart = new Map<PartName, MapLeaf>(leaves.value.map((l) => [l.part, l]));
	const edits = entries.filter((d): d is EditEntry => d.e.kind === 'edit');
	const counted: string[] = [];
	for (const part of PART_NAMES) {
		const mine = edits.filter((d) => d.e.part === part);
		const problem = partProblem(part, byPart.get(part), mine, n);
		if (problem) return failed(problem);
		if (mine.length) counted.push(plural(mine.length, `${part} edit`));
	}
	return {
		status: 'complete',
		upTo: n,
		detail: `Complete up to checkpoint ${n}: every edit of ${x.parcel} in the log below ${n} is here. The parcel map the checkpoint signs counts ${counted.join(', ')}, with the same last indexes and the same digest of their changes.`
	};
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
