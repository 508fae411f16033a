import { describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes';
import { claimEntryFromWire } from '../core/claims/sign';
import { sha256 } from '../core/hash';
import { statementBytes } from '../core/log/entry';
import { secretKeySigner } from '../core/signing/ed25519';
import { claimIdentity, signClaim, signDecision } from './claim-sign';
import { claimRefusal } from './claims-outbox';

const signer = secretKeySigner(new Uint8Array(32).fill(7));
const origin = 'test.parcel-ledger.example/log';
const draft = { kind: 'boundary' as const, contested: ['parcel.geometry'], text: 'Fence moved.\nSee survey.', claimant: { name: 'Ada', contact: 'ada@example.org' } };

describe('signClaim', () => {
	it('signs the draft (never the claimant) and its wire item stands for the same statement', async () => {
		const { sub, wire } = await signClaim({ origin, signer, parcelId: 'RIV-000031', draft, notice: null, claimedTime: 1_767_225_600_000 });
		expect(wire).toMatchObject({ kind: 'claim', parcel: 'RIV-000031', claimKind: 'boundary', contested: ['parcel.geometry'], notice: null, text: draft.text, files: [] });
		expect(JSON.stringify(wire)).not.toContain('ada@example.org');
		const back = claimEntryFromWire(wire);
		expect(toHex(statementBytes(origin, back.statement))).toBe(toHex(statementBytes(origin, sub.statement)));
		expect(claimIdentity(origin, sub)).toBe(toHex(sha256(statementBytes(origin, sub.statement))));
	});

	it('signs a decision naming the claim and the caused edits', async () => {
		const caused = ['ab'.repeat(32)];
		const { wire } = await signDecision({ origin, signer, parcelId: 'RIV-000031', claimIndex: 42, draft: { outcome: 'upheld', text: 'Survey agrees.', caused }, claimedTime: 1 });
		expect(wire).toMatchObject({ kind: 'decision', parcel: 'RIV-000031', claim: 42, outcome: 'upheld', caused });
	});
});

describe('claimRefusal', () => {
	const assessor = { role: 'assessor' as const, districts: ['RIV'], revoked: false };
	it('lets a granted key of the district file, and only a registrar decide', () => {
		expect(claimRefusal(assessor, 'RIV-000001')).toBeNull();
		expect(claimRefusal(assessor, 'RIV-000001', 'decide')).toBe('only a registrar decides claims');
		expect(claimRefusal({ ...assessor, role: 'registrar', districts: ['*'] }, 'NORTH-000001', 'decide')).toBeNull();
	});
	it('refuses an ungranted, revoked or out-of-district key', () => {
		expect(claimRefusal(null, 'RIV-000001')).toMatch(/not been granted/);
		expect(claimRefusal({ ...assessor, revoked: true }, 'RIV-000001')).toMatch(/revoked/);
		expect(claimRefusal(assessor, 'EAST-000001')).toBe('your key is not granted district EAST');
	});
});
