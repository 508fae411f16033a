// Entries as JSON for readers (docs/protocol.md "Reading entries"): the exact entry bytes in
// base64 — what a verifier hashes — plus the decoded fields for convenience.
import { toBase64, toHex } from '../../core/bytes';
import { decodeEntry, type Entry } from '../../core/log/entry';
import type { StoredEntry } from '../store/types';

export interface EntryJson {
	index: number;
	entry: string;
	kind: Entry['kind'];
	author: string;
	claimedTime: number;
	logTime: number;
	parcel?: string;
	part?: string;
	changeHash?: string;
	grantee?: string;
	role?: string;
	name?: string;
	districts?: string[];
	revoked?: string;
	reason?: string;
	changeHashes?: string[];
	legalBasis?: string;
	scope?: string;
	reader?: string;
	purpose?: string;
	/** Claims, decisions and notices (docs/protocol.md "Claims and notices"). */
	claimKind?: string;
	contested?: string[];
	notice?: number | null;
	text?: string;
	files?: { hash: string; size: number }[];
	claimIndex?: number;
	outcome?: string;
	caused?: string[];
	deadline?: number;
}

export function entryJson({ index, data }: StoredEntry): EntryJson {
	const e = decodeEntry(data);
	const base = { index, entry: toBase64(data), kind: e.kind, author: toHex(e.author), claimedTime: e.claimedTime, logTime: e.logTime };
	switch (e.kind) {
		case 'edit':
			return { ...base, parcel: e.parcelId, part: e.part, changeHash: toHex(e.changeHash) };
		case 'grant':
			return { ...base, grantee: toHex(e.grantee), role: e.role, name: e.name, districts: e.districts };
		case 'revoke':
			return { ...base, revoked: toHex(e.revoked), reason: e.reason };
		case 'erase':
			return { ...base, parcel: e.parcelId, part: 'private', changeHashes: e.changeHashes.map(toHex), reason: e.reason, legalBasis: e.legalBasis };
		case 'access':
			return { ...base, scope: e.scope, reader: toHex(e.reader), purpose: e.purpose };
		case 'claim':
			return { ...base, parcel: e.parcelId, claimKind: e.claimKind, contested: e.contested, notice: e.notice, text: e.text, files: e.files.map((f) => ({ hash: toHex(f.hash), size: f.size })) };
		case 'decision':
			return { ...base, parcel: e.parcelId, claimIndex: e.claimIndex, outcome: e.outcome, text: e.text, caused: e.caused.map(toHex) };
		case 'notice':
			return { ...base, parcel: e.parcelId, part: e.part, changeHash: toHex(e.changeHash), deadline: e.deadline, text: e.text };
	}
}
