// What a verified checkpoint does to the device's witness status (docs/protocol.md "Witnesses" →
// "What clients check"), as a pure decision so its rules are tested without IndexedDB; witnesses.ts
// reads the stored status, asks, and writes what this returns.
import type { WitnessPolicy, WitnessVerdict } from '../core/witness/policy';
import type { WitnessStatus } from './state';

export interface WitnessInput {
	policy: WitnessPolicy;
	/** checkWitnesses of `note` against `policy`. */
	verdict: WitnessVerdict;
	/** The verified checkpoint's note and size. */
	note: string;
	size: number;
	/** What the device trusts now (the verified one, or a newer tree it already held). */
	trusted: { size: number; note: string };
	prev: WitnessStatus | undefined;
	now: number;
}

export interface WitnessDecision {
	/** The status to store, or null to keep the stored one. */
	status: WitnessStatus | null;
	/** The trusted checkpoint's note with the cosignatures it gained, or null to keep it. */
	trustedNote: string | null;
}

/**
 * The trusted tree's status is replaced unless an earlier copy of the same tree had more
 * cosignatures (a snapshot page may carry an older copy); an older consistent tree only moves the
 * newest witnessed size. The trusted note gains the cosignatures, so what the device shows and
 * gossips carries them.
 */
export function decideWitnessStatus(i: WitnessInput): WitnessDecision {
	const { policy, verdict: v, prev, trusted } = i;
	const witnessedSize = Math.max(prev?.witnessedSize ?? -1, v.ok ? i.size : -1);
	const next: WitnessStatus = {
		quorum: policy.quorum,
		witnesses: policy.witnesses.length,
		size: trusted.size,
		ok: v.ok,
		cosigned: v.cosigned.map((c) => c.name),
		missing: v.missing,
		message: v.message,
		witnessedSize: witnessedSize < 0 ? null : witnessedSize,
		at: i.now
	};
	const onlyWitnessedSize = (p: WitnessStatus): WitnessDecision => ({ status: p.witnessedSize !== next.witnessedSize ? { ...p, witnessedSize: next.witnessedSize } : null, trustedNote: null });
	if (i.size !== trusted.size) {
		if (prev && prev.size === trusted.size) return onlyWitnessedSize(prev);
		if (prev) return { status: null, trustedNote: null };
		return { status: { ...next, ok: false, cosigned: [], missing: policy.witnesses.map((w) => w.key.name), message: unchecked(policy, trusted.size) }, trustedNote: null };
	}
	if (prev && prev.size === trusted.size && prev.cosigned.length > next.cosigned.length) return onlyWitnessedSize(prev);
	return { status: next, trustedNote: i.note !== trusted.note && next.cosigned.length > 0 ? i.note : null };
}

const unchecked = (p: WitnessPolicy, size: number) =>
	p.quorum === 0 ? 'The witness policy requires no cosignatures.' : `The checkpoint of ${size} entries this device trusts has not been checked against the witness policy yet; sync to check it.`;
