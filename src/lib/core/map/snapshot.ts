// Checking a snapshot page (docs/protocol.md "Snapshot") against the parcel map of its checkpoint:
// the page's map proof must show that its parcels are ALL the district's parcels the map holds
// between the previous page's last parcel (the anchor, exclusive) and its own last one (to the
// district's end on the last page): no hidden subtree may hold a key in that range (the anchor and
// the last parcel need no leaf of their own: a search row may run ahead of the page's size). Each
// part's changes must be
// exactly the part's logged changes (count and digest of their hashes, leaf.ts). A parcel's claims
// leaf is taken as the proof gives it (the device follows claims from the entries it pulls after
// the page, chaining them into it; a page carries no claims). Pure: the caller
// splits the bytes (crdt/change-chunks.ts) and hashes each change, with whatever hash is fastest
// where it runs, and passes the hashes in.
import { equalBytes } from '../bytes';
import { districtOf } from '../record/ids';
import { PART_CODES, PART_NAMES, type PartName } from '../record/parts';
import { districtPrefix, parcelPrefix } from './key';
import { digestOf, type MapLeaf } from './leaf';
import { MAP_PART_CODES } from './parts';
import { verifyMapProof, type VerifiedMapProof } from './proof';

/** What the page gave for one part of a parcel. */
export interface PagePart {
	/** SHA-256 of each change whose bytes were served, in the order served; null when none were. */
	served: Uint8Array[] | null;
	/** The page's `hashes.<part>`: every change of the part in log order, when the bytes are not all served. */
	listed: Uint8Array[] | null;
}

export interface PageParcel {
	id: string;
	parts: Partial<Record<PartName, PagePart>>;
}

export interface SnapshotPageInput {
	district: string;
	/** The page's map proof (decoded from base64). */
	proof: Uint8Array;
	/** The map root of the page's checkpoint (log-map.ts mapRootOf), already verified. */
	mapRoot: Uint8Array;
	/** The previous page's last parcel (`after`), or null on the first page. */
	anchor: string | null;
	/** No page follows: nothing of the district after this page's parcels may be hidden. */
	last: boolean;
	parcels: PageParcel[];
}

/**
 * Stable codes (docs/protocol.md "Snapshot", the device's alarms):
 * - `snapshot-map-proof`: the map proof is malformed or does not lead to the checkpoint's map root;
 * - `snapshot-incomplete`: the proof hides part of the district the page covers, or the page's
 *   parcels are not exactly the district's parcels in that range (one missing, one extra, one the
 *   log has no entry for, out of order or of another district);
 * - `snapshot-part-mismatch`: a part's changes are not exactly the changes the log holds for it.
 */
export type SnapshotFailureCode = 'snapshot-map-proof' | 'snapshot-incomplete' | 'snapshot-part-mismatch';

export type SnapshotPageCheck =
	| { ok: true; leaves: MapLeaf[] }
	| { ok: false; code: SnapshotFailureCode; message: string; parcel: string | null; part: PartName | null };

const failure = (code: SnapshotFailureCode, message: string, parcel: string | null = null, part: PartName | null = null): SnapshotPageCheck => ({
	ok: false,
	code,
	message,
	parcel,
	part
});

const short = (b: Uint8Array) => Array.from(b.subarray(0, 6), (x) => x.toString(16).padStart(2, '0')).join('') + '…';

/** Whether `sub` is a subsequence of `list` (in order, each element used once). */
function isSubsequence(sub: Uint8Array[], list: Uint8Array[]): boolean {
	let j = 0;
	for (const h of sub) {
		while (j < list.length && !equalBytes(list[j], h)) j++;
		if (j === list.length) return false;
		j++;
	}
	return true;
}

/** Checks one part against its leaf; null when it matches. */
export function checkPart(id: string, part: PartName, got: PagePart, leaf: MapLeaf): string | null {
	const what = `parcel ${id}, part ${part}`;
	let chain: Uint8Array[];
	if (got.listed) {
		if (got.served && !isSubsequence(got.served, got.listed)) {
			return `${what}: the server sent changes that are not among the part's logged changes it listed`;
		}
		chain = got.listed;
	} else chain = got.served ?? [];
	if (chain.length !== leaf.count) {
		return `${what}: the log holds ${leaf.count} change(s) of this part (up to entry ${leaf.lastIndex}), the server sent ${chain.length}`;
	}
	const digest = digestOf(chain);
	if (!equalBytes(digest, leaf.digest)) {
		return `${what}: the changes the server sent are not the ones the log holds (digest ${short(digest)}, the log's ${short(leaf.digest)})`;
	}
	return null;
}

const KEY_CHARS = 33;
/** The last character of a part's map key (key.ts mapKey). */
const PART_CHARS = Object.fromEntries(PART_NAMES.map((p) => [p, String.fromCharCode(PART_CODES[p])])) as Record<PartName, string>;
const CLAIMS_CHAR = String.fromCharCode(MAP_PART_CODES.claims);

/** The smallest (fill 0) or largest (fill 1) key of a hidden subtree: the witness's first `bit` bits, then `side`. */
function hiddenBound(witness: string, bit: number, side: number, fill: 0 | 1): string {
	const whole = bit >> 3; // bytes taken whole from the witness
	let out = witness.slice(0, whole);
	const keep = bit & 7; // leading bits of the next byte taken from the witness
	const mask = (0xff << (8 - keep)) & 0xff;
	const sideBit = 0x80 >> keep;
	const rest = (sideBit - 1) & 0xff; // the bits after `bit` in that byte
	out += String.fromCharCode((witness.charCodeAt(whole) & mask) | (side ? sideBit : 0) | (fill ? rest : 0));
	return out + (fill ? '\u00ff' : '\u0000').repeat(KEY_CHARS - whole - 1);
}

/**
 * The revealed leaves with lowExclusive < key ≤ highInclusive (with their keys), provided no
 * hidden subtree of the proof may hold a key in that range; null otherwise. Bounds are
 * 33-character keys (key.ts).
 */
export function leavesInRange(v: VerifiedMapProof, lowExclusive: string, highInclusive: string): { key: string; leaf: MapLeaf }[] | null {
	const out: { key: string; leaf: MapLeaf }[] = [];
	for (const item of v.items) {
		if (item.t === 'leaf') {
			if (item.key > lowExclusive && item.key <= highInclusive) out.push(item);
			continue;
		}
		if (item.witness === null) return null; // the whole map hidden
		if (hiddenBound(item.witness, item.bit, item.side, 1) > lowExclusive && hiddenBound(item.witness, item.bit, item.side, 0) <= highInclusive) return null;
	}
	return out;
}

/** Past every key of the parcel (no part code is 0xff). */
const afterParcel = (id: string) => parcelPrefix(id).key + '\u00ff';

/** Checks a snapshot page; on success, the map leaves it proves (the device keeps them). */
export function checkSnapshotPage(input: SnapshotPageInput): SnapshotPageCheck {
	const { district, parcels } = input;
	const v = verifyMapProof(input.proof, input.mapRoot);
	if (!v.ok) return failure('snapshot-map-proof', `The page's map proof does not verify against its checkpoint: ${v.message}`);

	for (let i = 0; i < parcels.length; i++) {
		const id = parcels[i].id;
		if (districtOf(id) !== district) return failure('snapshot-incomplete', `The page lists parcel ${id}, which is not in district ${district}.`, id);
		if (i > 0 && !(parcels[i - 1].id < id)) return failure('snapshot-incomplete', `The page lists parcel ${id} after ${parcels[i - 1].id}: out of order or twice.`, id);
	}
	if (input.anchor !== null && parcels.length && !(input.anchor < parcels[0].id)) {
		return failure('snapshot-incomplete', `The page starts at parcel ${parcels[0].id}, not after ${input.anchor}.`, parcels[0].id);
	}
	const lastId = parcels.at(-1)?.id;
	if (!input.last && lastId === undefined) return failure('snapshot-incomplete', 'A page that is not the last lists no parcel.');

	// The page covers the district's keys after the anchor's and through its last parcel's (to the
	// district's end on the last page). Nothing in that range may be hidden.
	const d = districtPrefix(district).key;
	const low = input.anchor !== null ? afterParcel(input.anchor) : d + '\u0000'.repeat(KEY_CHARS - d.length);
	const high = !input.last ? afterParcel(lastId!) : d + '\u00ff'.repeat(KEY_CHARS - d.length);
	const range = leavesInRange(v.value, low, high);
	if (!range) {
		const where = `${input.anchor ? `after ${input.anchor}` : 'from its start'}${input.last ? ' to its end' : ` up to ${lastId}`}`;
		return failure('snapshot-incomplete', `The page's map proof hides part of district ${district} ${where}.`);
	}

	const byKey = new Map<string, MapLeaf>();
	for (const item of range) byKey.set(item.key, item.leaf);
	let matched = 0;
	for (const p of parcels) {
		const prefix = parcelPrefix(p.id).key;
		for (const part of PART_NAMES) {
			const leaf = byKey.get(prefix + PART_CHARS[part]);
			const got = p.parts[part];
			const sent = !!got && (got.served !== null || got.listed !== null);
			if (!leaf) {
				if (sent) return failure('snapshot-part-mismatch', `parcel ${p.id}, part ${part}: the server sent changes of a part the log holds no entry for`, p.id, part);
				continue;
			}
			matched++;
			if (!sent) {
				return failure('snapshot-part-mismatch', `parcel ${p.id}, part ${part}: the log holds ${leaf.count} change(s) of this part, the server sent none`, p.id, part);
			}
			const bad = checkPart(p.id, part, got!, leaf);
			if (bad) return failure('snapshot-part-mismatch', bad, p.id, part);
		}
		// A parcel with no leaf and nothing sent: its search row is ahead of the page's size (the
		// device gets its changes from /api/sync); nothing to check.
		if (byKey.has(prefix + CLAIMS_CHAR)) matched++;
	}
	if (matched !== range.length) {
		const listed = new Set(parcels.map((p) => p.id));
		const missing = range.find((l) => !listed.has(l.leaf.parcel))!.leaf;
		return failure('snapshot-incomplete', `The log holds parcel ${missing.parcel} in this part of district ${district}, and the page left it out.`, missing.parcel);
	}
	return { ok: true, leaves: range.map((i) => i.leaf) };
}
