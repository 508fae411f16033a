// The claims part of an extract (docs/protocol.md "Extracts", "Claims and notices"): the parcel's
// claim, decision and notice entries, each proven in the log, signed, allowed by the log's rules
// (core/log/authority.ts, core/claims/state.ts replayed with the listed edits), and the number of
// claims still open. That the list holds every claim is the `complete` check's (complete.ts: the
// parcel's claims leaf); `proven` says whether it passed, and the detail says which.
import type { Checkpoint } from '../log/checkpoint';
import { decodeEntry, verifyStatement } from '../log/entry';
import type { SignatureVerifier } from '../signing/ed25519';
import { ClaimReplay } from '../claims/replay';
import { claimState } from '../claims/state';
import type { ClaimKind, ClaimState } from '../claims/types';
import { authorizationProblem, plural, type Decoded } from './checks';
import type { ParsedExtract } from './format';
import { inclusionFailure } from './proofs';

export interface ExtractClaim {
	index: number;
	kind: ClaimKind;
	state: ClaimState;
	text: string;
}

export type DisputesResult = { ok: false; detail: string } | { ok: true; detail: string; open: number; claims: ExtractClaim[] };

export async function checkDisputes(
	x: ParsedExtract,
	entries: Decoded[],
	keys: Decoded[],
	cp: Checkpoint,
	verifier: SignatureVerifier,
	/** The parcel map proved the list complete (complete.ts). */
	proven: boolean
): Promise<DisputesResult> {
	const taken = new Set([...x.entries, ...x.keys].map((it) => it.index));
	const listed: Decoded[] = [];
	for (const [i, item] of x.claims.entries()) {
		if (i > 0 && item.index <= x.claims[i - 1].index) return { ok: false, detail: `The claims are not in strictly increasing index order (at ${item.index}).` };
		if (taken.has(item.index)) return { ok: false, detail: `Index ${item.index} is listed both as a claim and as another entry.` };
		const missing = inclusionFailure(item, cp);
		if (missing) return { ok: false, detail: `A claim entry is not proven to be in the log: ${missing}.` };
		let e;
		try {
			e = decodeEntry(item.bytes);
		} catch (err) {
			return { ok: false, detail: `Claim entry ${item.index} does not decode: ${(err as Error).message}.` };
		}
		if ((e.kind !== 'claim' && e.kind !== 'decision' && e.kind !== 'notice') || e.parcelId !== x.parcel) {
			return { ok: false, detail: `Entry ${item.index} is not a claim, decision or notice of parcel ${x.parcel}.` };
		}
		if (!(await verifyStatement(cp.origin, e, e.signature, verifier).catch(() => false))) {
			return { ok: false, detail: `The author's signature of claim entry ${item.index} does not verify.` };
		}
		listed.push({ item, e });
	}
	const unauthorized = authorizationProblem(listed, keys, new Set());
	if (unauthorized) return { ok: false, detail: unauthorized };
	// The log's rules, replayed with the parcel's edits (complete, by the map proof) in index order.
	const replay = new ClaimReplay();
	for (const { item, e } of [...entries, ...listed].sort((a, b) => a.item.index - b.item.index)) {
		const v = replay.step(item.index, e);
		if (!v.ok) return { ok: false, detail: `Entry ${item.index} should have been refused by the log (${v.code}): ${v.message}.` };
	}
	const claims = replay.ledger.claimsOf(x.parcel).map((c) => ({ index: c.index, kind: c.claimKind, state: claimState(c), text: c.text }));
	const open = claims.filter((c) => c.state === 'open').length;
	const which = claims.filter((c) => c.state === 'open').map((c) => `${c.kind} claim at entry ${c.index}`);
	return {
		ok: true,
		open,
		claims,
		detail: `Open claims: ${open}${which.length ? ` (${which.join(', ')})` : ''}, of ${plural(claims.length, 'claim')} listed with their decisions and notices (each in the log, signed and allowed by its rules). ${
			proven
				? `None is left out: the parcel map of checkpoint ${cp.size} counts exactly these claim entries.`
				: 'That no claim is left out is not proven: the checkpoint commits to no parcel map that counts claims.'
		}`
	};
}
