// What a map leaf counts for a parcel: one leaf per record part (its edit entries), and one leaf
// `claims` (code 5) for its claim, decision and notice entries — so a proof of a parcel's leaves
// shows that a reader holds all of its disputes as well as all of its edits (issue 21).
import { leafHash } from '../log/hashing';
import type { Entry } from '../log/entry';
import { isClaimBody } from '../claims/body';
import { byCode, PART_CODES, type PartName } from '../record/parts';

export type MapPart = PartName | 'claims';

export const MAP_PART_CODES: Readonly<Record<MapPart, number>> = Object.freeze({ ...PART_CODES, claims: 5 });

export const mapPartFromCode = (code: number): MapPart | null => byCode(MAP_PART_CODES, code);

/**
 * What one entry adds to the map, or null when it adds nothing: an edit chains its change hash
 * into its part's leaf; a claim, decision or notice chains the entry's RFC 6962 leaf hash
 * (SHA-256(0x00 ‖ entry bytes), what its inclusion proof proves) into the parcel's claims leaf.
 * `data` is the entry's bytes, hashed only for those three kinds.
 */
export function mapFact(entry: Entry, data: Uint8Array): { parcel: string; part: MapPart; hash: Uint8Array } | null {
	if (entry.kind === 'edit') return { parcel: entry.parcelId, part: entry.part, hash: entry.changeHash };
	if (isClaimBody(entry)) return { parcel: entry.parcelId, part: 'claims', hash: leafHash(data) };
	return null;
}
