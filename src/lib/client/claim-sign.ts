// Signing a claim or decision from a checked form draft (client/claim-form.ts) with core's
// claims signing (core/claims/sign.ts), in the wire form /api/entries takes. Field devices and
// the registry workspace both use it.
import { toHex } from '../core/bytes';
import type { EvidenceFile } from '../core/claims/types';
import { claimEntryToWire, signClaim as signClaimEntry, signDecision as signDecisionEntry, type ClaimEntryWire } from '../core/claims/sign';
import { sha256 } from '../core/hash';
import { statementBytes } from '../core/log/entry';
import type { Submission } from '../core/log/submission';
import type { Signer } from '../core/signing/ed25519';
import type { ClaimDraft, DecisionDraft } from './claim-form';

export interface Signed {
	sub: Submission;
	wire: ClaimEntryWire;
}

interface SignOptions {
	origin: string;
	signer: Signer;
	parcelId: string;
	claimedTime: number;
}

export async function signClaim(o: SignOptions & { draft: ClaimDraft; notice: number | null; files?: EvidenceFile[] }): Promise<Signed> {
	const { kind: claimKind, contested, text } = o.draft;
	const sub = await signClaimEntry({ origin: o.origin, signer: o.signer, parcelId: o.parcelId, claimedTime: o.claimedTime, claimKind, contested, text, notice: o.notice, files: o.files });
	return { sub, wire: claimEntryToWire(sub) };
}

export async function signDecision(o: SignOptions & { claimIndex: number; draft: DecisionDraft }): Promise<Signed> {
	const { outcome, text, caused } = o.draft;
	const sub = await signDecisionEntry({ origin: o.origin, signer: o.signer, parcelId: o.parcelId, claimedTime: o.claimedTime, claimIndex: o.claimIndex, outcome, text, caused });
	return { sub, wire: claimEntryToWire(sub) };
}

/** A claim's identity: SHA-256 of its signed statement (docs/protocol.md "Entries"), hex. */
export const claimIdentity = (origin: string, sub: Submission): string => toHex(sha256(statementBytes(origin, sub.statement)));
