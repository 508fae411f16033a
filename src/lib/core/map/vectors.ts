// Test vectors of docs/protocol.md "Parcel map": a map of five edits, its leaves, root, proofs and
// checkpoint line, computed by the code; vectors.test.ts checks that the page quotes them.
import { toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import type { PartName } from '../record/parts';
import { districtPrefix, keyToBytes, mapKey, parcelPrefix } from './key';
import { leafHash } from '../log/hashing';
import { encodeMapLeaf, nextLeaf } from './leaf';
import { mapLine } from './log-map';
import { ParcelMap } from './trie';

export const MAP_VECTOR_EDITS: { index: number; parcel: string; part: PartName; change: string }[] = [
	{ index: 2, parcel: 'RIV-000123', part: 'parcel', change: 'change a' },
	{ index: 3, parcel: 'RIV-000123', part: 'private', change: 'change b' },
	{ index: 4, parcel: 'RIV-000124', part: 'parcel', change: 'change c' },
	{ index: 5, parcel: 'RIV-000123', part: 'parcel', change: 'change d' },
	{ index: 6, parcel: 'NORTH-000001', part: 'valuation', change: 'change e' }
];

export function mapVectorMap(): ParcelMap {
	let m = ParcelMap.empty;
	for (const e of MAP_VECTOR_EDITS) m = m.with(mapKey(e.parcel, e.part), (p) => nextLeaf(p, e.parcel, e.part, e.index, sha256(utf8(e.change))));
	return m;
}

export function mapVectors() {
	const m = mapVectorMap();
	const key = mapKey('RIV-000123', 'parcel');
	const leaf = m.get(key)!;
	return {
		key: toHex(keyToBytes(key)),
		leaf: toHex(encodeMapLeaf(leaf)),
		root: toHex(m.root),
		line: mapLine(m.root),
		parcelProof: toHex(m.prove([parcelPrefix('RIV-000123')])),
		absentProof: toHex(m.prove([parcelPrefix('RIV-000125')])),
		// A claims leaf (part code 5) of one entry at index 7 whose bytes are the ASCII text
		// `claim entry`: its digest chains that entry's RFC 6962 leaf hash.
		claimsKey: toHex(keyToBytes(mapKey('RIV-000123', 'claims'))),
		claimsLeaf: toHex(encodeMapLeaf(nextLeaf(undefined, 'RIV-000123', 'claims', 7, leafHash(utf8('claim entry'))))),
		districtPath: JSON.stringify(m.pathTo(districtPrefix('NORTH'))!.map(({ bit, hash }) => ({ bit, hash: toBase64(hash) })))
	};
}
