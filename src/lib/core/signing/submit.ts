// Building signed submissions and their JSON wire form (docs/protocol.md "Submitting edits").
// Used by the field client, the registry, the CLI and the demo seeder alike.
import { toBase64, toHex } from '../bytes';
import { changeHash, signStatement, type EntryBody, type Statement } from '../log/entry';
import type { Submission } from '../log/submission';
import type { PartName } from '../record/parts';
import type { Signer } from './ed25519';

export interface EditWire {
	kind?: 'edit';
	parcel: string;
	part: PartName;
	change: string;
	author: string;
	claimedTime: number;
	signature: string;
}
export type KeyWire =
	| { kind: 'grant'; grantee: string; role: 'assessor' | 'registrar'; name: string; districts: string[]; author: string; claimedTime: number; signature: string }
	| { kind: 'revoke'; revoked: string; reason: string; author: string; claimedTime: number; signature: string }
	| { kind: 'erase'; parcel: string; changeHashes: string[]; reason: string; legalBasis: string; author: string; claimedTime: number; signature: string }
	| { kind: 'access'; scope: string; reader: string; purpose: string; author: string; claimedTime: number; signature: string };

export async function signEdit(o: {
	origin: string;
	signer: Signer;
	parcelId: string;
	part: PartName;
	change: Uint8Array;
	claimedTime: number;
}): Promise<Submission> {
	const statement: Statement = {
		kind: 'edit',
		parcelId: o.parcelId,
		part: o.part,
		changeHash: changeHash(o.change),
		author: o.signer.publicKey,
		claimedTime: o.claimedTime
	};
	return { statement, signature: await signStatement(o.origin, statement, o.signer), change: o.change };
}

type KeyBody = Exclude<EntryBody, { kind: 'edit' }>;

export async function signKeyEntry(o: { origin: string; signer: Signer; body: KeyBody; claimedTime: number }): Promise<Submission> {
	const statement: Statement = { ...o.body, author: o.signer.publicKey, claimedTime: o.claimedTime };
	return { statement, signature: await signStatement(o.origin, statement, o.signer) };
}

export function editToWire(sub: Submission): EditWire {
	const s = sub.statement;
	if (s.kind !== 'edit' || !sub.change) throw new Error('not an edit submission');
	return {
		parcel: s.parcelId,
		part: s.part,
		change: toBase64(sub.change),
		author: toHex(s.author),
		claimedTime: s.claimedTime,
		signature: toBase64(sub.signature)
	};
}

export function keyEntryToWire(sub: Submission): KeyWire {
	const s = sub.statement;
	const common = { author: toHex(s.author), claimedTime: s.claimedTime, signature: toBase64(sub.signature) };
	if (s.kind === 'grant') {
		return { kind: 'grant', grantee: toHex(s.grantee), role: s.role, name: s.name, districts: s.districts, ...common };
	}
	if (s.kind === 'revoke') return { kind: 'revoke', revoked: toHex(s.revoked), reason: s.reason, ...common };
	if (s.kind === 'erase') {
		return { kind: 'erase', parcel: s.parcelId, changeHashes: s.changeHashes.map(toHex), reason: s.reason, legalBasis: s.legalBasis, ...common };
	}
	if (s.kind === 'access') return { kind: 'access', scope: s.scope, reader: toHex(s.reader), purpose: s.purpose, ...common };
	throw new Error('not a key submission');
}
