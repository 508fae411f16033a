import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes';
import { KeyRegistry } from '../../core/log/authority';
import type { Statement } from '../../core/log/entry';
import { ClaimLedger } from '../../core/claims/state';
import { SqliteProjectionStore } from '../projection/sqlite';
import { claimsQueue, parcelDisputes, parseClaimQuery, type ClaimsView } from './read';

const REG = new Uint8Array(32).fill(1);
const ASR = new Uint8Array(32).fill(2);
const at = (author: Uint8Array) => ({ author, claimedTime: 1 });
const registry = new KeyRegistry();
const projection = new SqliteProjectionStore(new Database(':memory:'));
const view = (now: number): ClaimsView => ({ projection, registry, now });

beforeAll(async () => {
	const grant = (grantee: Uint8Array, role: 'assessor' | 'registrar', name: string, districts: string[]): Statement => ({ kind: 'grant', grantee, role, name, districts, ...at(REG) });
	for (const g of [grant(REG, 'registrar', 'Ada', ['*']), grant(ASR, 'assessor', 'Ben', ['EAST', 'RIV'])]) registry.apply(g);
	const claims = new ClaimLedger();
	const entries: [number, Statement, number][] = [
		[5, { kind: 'notice', parcelId: 'RIV-1', part: 'title', changeHash: new Uint8Array(32).fill(9), deadline: 500, text: 'Sale', ...at(REG) }, 100],
		[6, { kind: 'claim', parcelId: 'RIV-1', claimKind: 'ownership', contested: ['title.owners'], notice: 5, text: 'Mine', files: [{ hash: new Uint8Array(32).fill(3), size: 12 }], ...at(ASR) }, 110],
		[7, { kind: 'claim', parcelId: 'EAST-2', claimKind: 'boundary', contested: [], notice: null, text: 'Fence', files: [], ...at(ASR) }, 120],
		[8, { kind: 'decision', parcelId: 'EAST-2', claimIndex: 7, outcome: 'rejected', text: 'No', caused: [], ...at(REG) }, 130],
		[9, { kind: 'claim', parcelId: 'EAST-2', claimKind: 'charge', contested: [], notice: null, text: 'Bank', files: [], ...at(REG) }, 140]
	];
	for (const [index, s, logTime] of entries) claims.apply(index, { ...s, logTime });
	await projection.migrate();
	const parcels = ['RIV-1', 'EAST-2'];
	await projection.saveParcels([], 10, { claims: { claims: parcels.flatMap((p) => claims.claimsOf(p)), notices: parcels.flatMap((p) => claims.noticesOf(p)) } });
});

describe('claims as readers see them', () => {
	it('gives a parcel its claims, notices and whether it is disputed, at the log clock', async () => {
		const d = await parcelDisputes(view(200), 'RIV-1');
		expect(d.disputed).toBe(true);
		expect(d.claims).toEqual([
			{
				index: 6, parcelId: 'RIV-1', kind: 'ownership', contested: ['title.owners'], text: 'Mine', files: [{ hash: '03'.repeat(32), size: 12 }],
				filedAt: 110, filedBy: { key: toHex(ASR), name: 'Ben', role: 'assessor' }, notice: 5, state: 'open', decision: null
			}
		]);
		expect(d.notices).toEqual([
			{ index: 5, parcelId: 'RIV-1', part: 'title', changeHash: '09'.repeat(32), deadline: 500, text: 'Sale', filedAt: 100, filedBy: { key: toHex(REG), name: 'Ada' }, state: 'open', objections: [6] }
		]);
		expect((await parcelDisputes(view(600), 'RIV-1')).notices[0].state).toBe('blocked');
		const east = await parcelDisputes(view(200), 'EAST-2');
		expect(east.claims.map((c) => [c.index, c.state, c.decision?.decidedBy.name ?? null])).toEqual([[7, 'rejected', 'Ada'], [9, 'open', null]]);
		expect(await parcelDisputes(view(200), 'RIV-3')).toEqual({ disputed: false, claims: [], notices: [] });
	});

	it('filters, sorts and pages the registry queue', async () => {
		const q = (s: string) => {
			const p = parseClaimQuery(new URLSearchParams(s));
			if (!p.ok) throw new Error(p.message);
			return claimsQueue(view(200), p.value);
		};
		expect((await q('')).claims.map((c) => c.index)).toEqual([6, 7, 9]);
		expect((await q('sort=deadline')).claims.map((c) => [c.index, c.deadline])).toEqual([[6, 500], [7, null], [9, null]]);
		expect(await q('district=EAST&state=open')).toMatchObject({ total: 1, claims: [{ index: 9, district: 'EAST', kind: 'charge', filedBy: { name: 'Ada', role: 'registrar' } }] });
		expect((await q('kind=boundary')).claims.map((c) => c.index)).toEqual([7]);
		expect(await q('limit=1&offset=1')).toMatchObject({ total: 3, claims: [{ index: 7 }] });
		expect((await q('filedBefore=120')).claims.map((c) => c.index)).toEqual([6]);
		expect((await q('filedBefore=121&deadlineBefore=501')).claims.map((c) => c.index)).toEqual([6]);
		expect((await q('deadlineBefore=500')).total).toBe(0);
		for (const bad of ['district=riv', 'kind=roof', 'state=closed', 'sort=age', 'limit=0', 'limit=501', 'offset=-1', 'limit=x', 'filedBefore=-1', 'filedBefore=1.5', 'deadlineBefore=soon', 'deadlineBefore=1e9']) {
			const p = parseClaimQuery(new URLSearchParams(bad));
			expect(p.ok, bad).toBe(false);
			// The message names the parameter refused.
			if (!p.ok) expect(p.message.startsWith(bad.split('=')[0]), bad).toBe(true);
		}
	});
});
