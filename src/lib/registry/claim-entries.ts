// The parcel's claims as the log holds them, checked in the workspace: the server's JSON
// (projected from the entries) is compared with each claim's and decision's entry, whose
// signature and inclusion in the trusted checkpoint this browser verifies. The claim entry's
// identity is what the private part keys a claimant by (`claimants.<identity>`).
import { toHex } from '../core/bytes';
import type { PublicClaim } from '../core/claims/types';
import { sha256 } from '../core/hash';
import { decodeEntry, statementBytes, verifyStatement, type Entry } from '../core/log/entry';
import { browserVerifier } from '../client/crypto';
import { entriesAt, inclusionProblem } from '../client/entry-submit';
import { getState } from '../client/state';
import type { WorkspaceDeps } from './keys-sync';

export interface ClaimCheck {
	/** SHA-256 of the claim entry's statement, hex. */
	identity: string | null;
	/** Null when the claim (and its decision) are signed, included and say what the JSON says. */
	problem: string | null;
}

/** Why the entry does not carry what the JSON says of the claim, or null. */
function mismatch(c: PublicClaim, e: Entry, d: Entry | null): string | null {
	if (e.kind !== 'claim' || e.parcelId !== c.parcelId || e.claimKind !== c.kind || e.text !== c.text || e.contested.join() !== c.contested.join() || e.notice !== c.notice) {
		return 'the claim entry says something else than the server’s answer';
	}
	if (c.decision && (!d || d.kind !== 'decision' || d.claimIndex !== c.index || d.outcome !== c.decision.outcome || d.text !== c.decision.text)) {
		return 'the decision entry says something else than the server’s answer';
	}
	return null;
}

export async function checkClaims(deps: WorkspaceDeps, claims: PublicClaim[]): Promise<Map<number, ClaimCheck>> {
	const out = new Map<number, ClaimCheck>();
	const trusted = await getState(deps.db, 'checkpoint');
	if (!claims.length || !trusted) return out;
	const indexes = claims.flatMap((c) => (c.decision ? [c.index, c.decision.index] : [c.index]));
	const raw = await entriesAt(deps.fetch, indexes);
	const verifier = await browserVerifier();
	const checkOne = async (index: number): Promise<{ entry: Entry | null; problem: string | null }> => {
		const bytes = raw.get(index);
		if (!bytes) return { entry: null, problem: `the log does not serve entry #${index}` };
		const entry = decodeEntry(bytes);
		if (!(await verifyStatement(deps.log.origin, entry, entry.signature, verifier))) return { entry, problem: `entry #${index}’s signature does not verify` };
		const included = await inclusionProblem(deps.fetch, bytes, index, null, trusted);
		return { entry, problem: included && `entry #${index}: ${included}` };
	};
	for (const c of claims) {
		const claim = await checkOne(c.index);
		const decision = c.decision ? await checkOne(c.decision.index) : null;
		const identity = claim.entry ? toHex(sha256(statementBytes(deps.log.origin, claim.entry))) : null;
		const problem = claim.problem ?? decision?.problem ?? (claim.entry ? mismatch(c, claim.entry, decision?.entry ?? null) : null);
		out.set(c.index, { identity, problem });
	}
	return out;
}
