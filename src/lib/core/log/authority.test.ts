import { describe, expect, it } from 'vitest';
import { KeyRegistry } from './authority';
import type { Statement } from './entry';

const key = (n: number) => new Uint8Array(32).fill(n);
const REG = key(1);
const ASR = key(2);
const OTHER = key(3);
const t = 1;

const grant = (author: Uint8Array, grantee: Uint8Array, role: 'assessor' | 'registrar', districts: string[]): Statement => ({
	kind: 'grant', grantee, role, name: `k${grantee[0]}`, districts, author, claimedTime: t
});
const edit = (author: Uint8Array, parcelId: string, part: 'parcel' | 'valuation' | 'title' | 'private'): Statement => ({
	kind: 'edit', parcelId, part, changeHash: new Uint8Array(32), author, claimedTime: t
});
const revoke = (author: Uint8Array, revoked: Uint8Array): Statement => ({ kind: 'revoke', revoked, reason: 'lost', author, claimedTime: t });

function accept(r: KeyRegistry, s: Statement) {
	const v = r.check(s);
	expect(v).toEqual({ ok: true });
	r.apply(s);
}
const code = (r: KeyRegistry, s: Statement) => {
	const v = r.check(s);
	return v.ok ? 'ok' : v.code;
};

describe('KeyRegistry', () => {
	it('accepts only a self-granted all-district registrar as the first entry', () => {
		const r = new KeyRegistry();
		expect(code(r, grant(REG, REG, 'registrar', ['RIV']))).toBe('bad-genesis');
		expect(code(r, grant(REG, ASR, 'registrar', ['*']))).toBe('bad-genesis');
		expect(code(r, grant(REG, REG, 'assessor', ['*']))).toBe('bad-genesis');
		expect(code(r, edit(REG, 'RIV-1', 'parcel'))).toBe('unknown-key');
		accept(r, grant(REG, REG, 'registrar', ['*']));
		expect(r.get(REG)?.grantedAt).toBe(0);
	});

	it('applies the role table and district scope to edits', () => {
		const r = new KeyRegistry();
		accept(r, grant(REG, REG, 'registrar', ['*']));
		accept(r, grant(REG, ASR, 'assessor', ['NORTH', 'RIV']));
		expect(code(r, edit(ASR, 'RIV-1', 'parcel'))).toBe('ok');
		expect(code(r, edit(ASR, 'NORTH-9', 'valuation'))).toBe('ok');
		expect(code(r, edit(ASR, 'RIV-1', 'private'))).toBe('ok');
		expect(code(r, edit(ASR, 'RIV-1', 'title'))).toBe('part-not-allowed');
		expect(code(r, edit(ASR, 'EAST-1', 'parcel'))).toBe('district-not-granted');
		expect(code(r, edit(REG, 'EAST-1', 'title'))).toBe('ok');
		expect(code(r, edit(REG, 'EAST-1', 'valuation'))).toBe('part-not-allowed');
		expect(code(r, edit(OTHER, 'RIV-1', 'parcel'))).toBe('unknown-key');
	});

	it('lets only registrars grant and revoke, within their own districts', () => {
		const r = new KeyRegistry();
		accept(r, grant(REG, REG, 'registrar', ['*']));
		accept(r, grant(REG, ASR, 'assessor', ['RIV']));
		expect(code(r, grant(ASR, OTHER, 'assessor', ['RIV']))).toBe('not-a-registrar');
		expect(code(r, revoke(ASR, REG))).toBe('not-a-registrar');
		accept(r, grant(REG, OTHER, 'registrar', ['RIV']));
		expect(code(r, grant(OTHER, key(4), 'assessor', ['EAST']))).toBe('district-not-granted');
		expect(code(r, grant(OTHER, key(4), 'assessor', ['*']))).toBe('district-not-granted');
		expect(code(r, grant(OTHER, key(4), 'assessor', ['RIV']))).toBe('ok');
	});

	it('refuses everything from a revoked key from the revocation on, and keeps it revoked', () => {
		const r = new KeyRegistry();
		accept(r, grant(REG, REG, 'registrar', ['*']));
		accept(r, grant(REG, ASR, 'assessor', ['RIV']));
		accept(r, edit(ASR, 'RIV-1', 'parcel'));
		expect(code(r, revoke(REG, OTHER))).toBe('unknown-key');
		accept(r, revoke(REG, ASR));
		expect(r.get(ASR)?.revokedAt).toBe(3);
		expect(code(r, edit(ASR, 'RIV-1', 'parcel'))).toBe('revoked-key');
		expect(code(r, revoke(REG, ASR))).toBe('already-revoked');
		expect(code(r, grant(REG, ASR, 'assessor', ['RIV']))).toBe('revoked-key');
	});

	it('lets any key of the district file a claim, and only its registrars decide or give notice', () => {
		const r = new KeyRegistry();
		accept(r, grant(REG, REG, 'registrar', ['*']));
		accept(r, grant(REG, ASR, 'assessor', ['RIV']));
		const body = { author: ASR, claimedTime: t };
		const claim: Statement = { kind: 'claim', parcelId: 'RIV-1', claimKind: 'boundary', contested: ['parcel.geometry'], notice: null, text: 'fence moved', files: [], ...body };
		const decision: Statement = { kind: 'decision', parcelId: 'RIV-1', claimIndex: 2, outcome: 'rejected', text: 'no', caused: [], ...body };
		const notice: Statement = { kind: 'notice', parcelId: 'RIV-1', part: 'title', changeHash: new Uint8Array(32), deadline: 9, text: 'sale', ...body };
		expect(code(r, claim)).toBe('ok');
		expect(code(r, { ...claim, parcelId: 'EAST-1' })).toBe('district-not-granted');
		expect(code(r, decision)).toBe('not-a-registrar');
		expect(code(r, notice)).toBe('not-a-registrar');
		expect(code(r, { ...decision, author: REG })).toBe('ok');
		expect(code(r, { ...notice, author: REG })).toBe('ok');
		expect(code(r, { ...claim, author: OTHER })).toBe('unknown-key');
	});

	it('clones independently', () => {
		const r = new KeyRegistry();
		accept(r, grant(REG, REG, 'registrar', ['*']));
		const c = r.clone();
		c.apply(grant(REG, ASR, 'assessor', ['RIV']));
		expect(c.get(ASR)).toBeDefined();
		expect(r.get(ASR)).toBeUndefined();
		expect(c.size).toBe(2);
		expect(r.size).toBe(1);
	});
});
