import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { formatCosignerKey } from '../core/witness/cosignature';
import { parsePolicy, type WitnessPolicy, type WitnessVerdict } from '../core/witness/policy';
import type { WitnessStatus } from './state';
import { decideWitnessStatus, type WitnessInput } from './witness-status';

const A = 'witness.example/a';
const B = 'witness.example/b';
const policy = ((): WitnessPolicy => {
	const p = parsePolicy(`witness ${formatCosignerKey(A, randomBytes(32))}\nwitness ${formatCosignerKey(B, randomBytes(32))}\nquorum 2\n`);
	if (!p.ok) throw new Error(p.message);
	return p.value;
})();
const verdict = (names: string[]): WitnessVerdict => ({
	ok: names.length >= 2,
	quorum: 2,
	cosigned: names.map((name) => ({ name, time: 1 })),
	missing: [A, B].filter((n) => !names.includes(n)),
	invalid: [],
	message: names.length >= 2 ? 'Witnessed' : 'NOT WITNESSED'
});
const status = (o: Partial<WitnessStatus>): WitnessStatus => ({ quorum: 2, witnesses: 2, size: 10, ok: false, cosigned: [], missing: [A, B], message: '', witnessedSize: null, at: 0, ...o });
const input = (o: Partial<WitnessInput>): WitnessInput => ({ policy, verdict: verdict([A, B]), note: 'n10+AB', size: 10, trusted: { size: 10, note: 'n10' }, prev: undefined, now: 5, ...o });

describe('the device witness status', () => {
	it('a fully cosigned trusted checkpoint: witnessed, and the trusted note gains the cosignatures', () => {
		const d = decideWitnessStatus(input({}));
		expect(d.status).toMatchObject({ ok: true, size: 10, cosigned: [A, B], missing: [], witnessedSize: 10, at: 5 });
		expect(d.trustedNote).toBe('n10+AB');
	});

	it('below the quorum: not witnessed, saying who is missing; a note with no cosignature is not kept', () => {
		const d = decideWitnessStatus(input({ verdict: verdict([]), note: 'n10' }));
		expect(d.status).toMatchObject({ ok: false, cosigned: [], missing: [A, B], message: 'NOT WITNESSED', witnessedSize: null });
		expect(d.trustedNote).toBeNull();
		expect(decideWitnessStatus(input({ verdict: verdict([A]), note: 'n10+A' })).trustedNote).toBe('n10+A');
	});

	it('an older copy of the same tree with fewer cosignatures does not replace a better status', () => {
		const prev = status({ ok: true, cosigned: [A, B], missing: [], witnessedSize: 10 });
		expect(decideWitnessStatus(input({ verdict: verdict([A]), note: 'n10+A', prev }))).toEqual({ status: null, trustedNote: null });
	});

	it('an older consistent tree that was witnessed moves only the newest witnessed size', () => {
		const prev = status({ cosigned: [A], missing: [B], witnessedSize: 4 });
		const d = decideWitnessStatus(input({ note: 'n8+AB', size: 8, prev }));
		expect(d.status).toEqual({ ...prev, witnessedSize: 8 });
		expect(d.trustedNote).toBeNull();
		expect(decideWitnessStatus(input({ note: 'n3+AB', size: 3, prev: { ...prev, witnessedSize: 8 } })).status).toBeNull();
	});

	it('the first check on an older tree says the trusted one is not checked yet', () => {
		const d = decideWitnessStatus(input({ size: 8, note: 'n8+AB' }));
		expect(d.status).toMatchObject({ ok: false, size: 10, cosigned: [], missing: [A, B], witnessedSize: 8 });
		expect(d.status?.message).toMatch(/has not been checked against the witness policy yet/);
	});
});
