// The `witnesses` check of an extract (docs/protocol.md "Witnesses" → "What clients check"): the
// vector extract with a witness policy, without and with the cosignature it requires.
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { addSignatureLines, cosign, splitNote } from '../witness/cosignature';
import { WITNESS_VECTORS as W } from '../witness/vectors';
import { extractSummary, extractVerdict } from './claims';
import { parseExtract } from './format';
import { vectorExtract } from './vector-log';
import { verifyExtract } from './verify';

const policy = `witness ${W.w1.vkey}\nwitness ${W.w2.vkey}\nquorum 1\n`;

describe('extract witnesses', () => {
	it('an extract without cosignatures verifies, NOT WITNESSED, and says what is missing', async () => {
		const x = { ...(await vectorExtract()), witnesses: policy };
		const r = await verifyExtract(x, { verifier: nobleVerifier });
		expect(r.ok, r.reason).toBe(true);
		expect(r.witnessed).toBe(false);
		const check = r.checks.find((c) => c.name === 'witnesses');
		expect(check).toMatchObject({ ok: true, notProven: true });
		expect(check?.detail).toMatch(/NOT WITNESSED: this checkpoint carries 0 of the 1 .*missing: witness\.example\/w1, witness\.example\/w2/);
		expect(extractVerdict(r)).toBe('VERIFIED: extract of parcel RIV-000123, complete up to checkpoint 5; its checkpoint is NOT WITNESSED (0 of the 1 cosignatures the policy requires)');
		expect(extractSummary(r)).toContain('? witnesses: NOT WITNESSED');
	});

	it('a cosigned checkpoint is witnessed; a policy given by the user overrides the extract\'s', async () => {
		const base = await vectorExtract();
		const line = await cosign(splitNote(base.checkpoint)!.text, W.w1.name, secretKeySigner(fromHex(W.w1.secret)), 1767225600);
		const x = { ...base, witnesses: policy, checkpoint: addSignatureLines(base.checkpoint, [line]) };
		const r = await verifyExtract(x, { verifier: nobleVerifier });
		expect(r.ok, r.reason).toBe(true);
		expect(r.witnessed).toBe(true);
		expect(extractVerdict(r)).toMatch(/complete up to checkpoint 5, witnessed$/);
		const strict = await verifyExtract(x, { verifier: nobleVerifier, policy: policy.replace('quorum 1', 'quorum 2'), policySource: 'the policy in p.txt' });
		expect(strict.witnessed).toBe(false);
		expect(strict.checks.find((c) => c.name === 'witnesses')?.detail).toMatch(/missing: witness\.example\/w2\)\..*\(the policy in p\.txt\)$/);
	});

	it('the member is optional in v2, a string, and refused in v1', async () => {
		const x = await vectorExtract();
		expect(parseExtract({ ...x, witnesses: policy }).ok).toBe(true);
		expect(parseExtract({ ...x, witnesses: 7 }).ok).toBe(false);
		expect((await verifyExtract({ ...x, witnesses: 'quorum one' }, { verifier: nobleVerifier })).reason).toMatch(/witness policy is not usable/);
	});
});
