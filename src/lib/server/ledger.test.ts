import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckPool } from './check-pool';
import { randomBytes } from 'node:crypto';
import { toHex } from '../core/bytes';
import { verifyInclusion } from '../core/log/proof';
import { leafHash } from '../core/log/hashing';
import { changeHash } from '../core/log/entry';
import { openCheckpoint } from '../core/log/checkpoint';
import { signEdit, signKeyEntry } from '../core/signing/submit';
import { makeActor } from '../core/crdt/actors';
import * as Automerge from '@automerge/automerge';
import { sampleParcel, samplePrivate, sampleTitle, sampleValuation } from '../core/record/samples';
import { nodeVerifier } from './ed25519';
import { editChange, genesisChange, ledgerFixture, newEditor, ORIGIN, type Fixture, type StoreKind } from './testing/fixture';
import { skipPostgres } from './store/postgres/test-database';
import type { ItemResult } from './ledger';

function accepted(r: ItemResult) {
	if (r.status !== 'accepted') throw new Error(`refused: ${r.code}: ${r.message}`);
	return r;
}

async function snapshot(f: Fixture) {
	const head = await f.store.head();
	const entries = await f.store.readEntries(0, 1_000_000);
	return JSON.stringify({ head, entries: entries.map((e) => [e.index, toHex(e.data)]) });
}

// Every store, and SQLite once more with the worker-thread check pool the server uses.
type Setup = { name: string; kind: StoreKind; pool: boolean };
const kinds: Setup[] = [
	{ name: 'sqlite', kind: 'sqlite', pool: false },
	{ name: 'sqlite with worker checks', kind: 'sqlite', pool: true },
	...(skipPostgres() ? [] : [{ name: 'postgres', kind: 'postgres' as const, pool: false }])
];
const pool = new CheckPool(2);
afterAll(() => pool.close());

describe.each(kinds)('ledger on $name: sequencing signed edits', ({ kind, pool: usePool }) => {
	let f: Fixture;
	beforeEach(async () => {
		f = await ledgerFixture(kind, { checkPool: usePool ? pool : undefined });
	});
	afterEach(async () => {
		await f.cleanup();
	});

	it('accepts an edit durably, with an inclusion proof against a signed checkpoint', async () => {
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000001', sampleParcel('RIV-000001'));
		const r = accepted((await f.ledger.submit([await f.edit(f.assessor, 'RIV-000001', 'parcel', g.change)]))[0]);
		expect(r.index).toBe(2);
		expect(r.duplicate).toBe(false);
		const opened = await openCheckpoint(r.checkpoint, f.ledger.identity.key, nodeVerifier);
		if (!opened.ok) throw new Error(opened.message);
		expect(opened.value.checkpoint.size).toBe(3);
		const [stored] = await f.store.readEntries(2, 3);
		expect(verifyInclusion(leafHash(stored.data), r.index, r.treeSize, r.proof, opened.value.checkpoint.root)).toEqual({ ok: true });
		expect((await f.store.head())?.checkpoint).toBe(r.checkpoint);
		const change = await f.store.readChange(changeHash(g.change));
		expect(change?.body).toEqual(g.change);
		expect(change?.parcel).toBe('RIV-000001');
	});

	it('returns the existing index for a resubmitted edit, adding no entry', async () => {
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000002', sampleParcel('RIV-000002'));
		const sub = await f.edit(f.assessor, 'RIV-000002', 'parcel', g.change);
		const first = accepted((await f.ledger.submit([sub]))[0]);
		const again = accepted((await f.ledger.submit([sub]))[0]);
		expect(again.index).toBe(first.index);
		expect(again.duplicate).toBe(true);
		expect((await f.store.head())?.size).toBe(first.treeSize);
		// Twice in one batch: one entry.
		const g2 = genesisChange(f.assessor, 'parcel', 'RIV-000003', sampleParcel('RIV-000003'));
		const sub2 = await f.edit(f.assessor, 'RIV-000003', 'parcel', g2.change);
		const [a, b] = (await f.ledger.submit([sub2, sub2])).map(accepted);
		expect(a.index).toBe(b.index);
		expect((await f.store.head())?.size).toBe(a.index + 1);
	});

	it('commits 1,000 edits in one sequencer cycle', async () => {
		await f.ledger.sequencer.drain();
		const subs = [];
		for (let i = 0; i < 1000; i++) {
			const id = `RIV-${String(10_000 + i)}`;
			subs.push(await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change));
		}
		const before = (await f.store.head())!.size;
		const results = (await f.ledger.submit(subs)).map(accepted);
		expect(new Set(results.map((r) => r.treeSize))).toEqual(new Set([before + 1000]));
		expect(results.map((r) => r.index)).toEqual(Array.from({ length: 1000 }, (_, i) => before + i));
		// One checkpoint for the whole batch: the cycle committed once.
		expect(new Set(results.map((r) => r.checkpoint)).size).toBe(1);
	});

	it('accepts edits that build on earlier ones, in one batch or across batches', async () => {
		const id = 'RIV-000010';
		const g = genesisChange(f.assessor, 'parcel', id, sampleParcel(id));
		const e1 = editChange(f.assessor, g.doc, 'parcel', { addressLine: '14 Mill Lane' });
		const e2 = editChange(f.assessor, e1.doc, 'parcel', { zoning: 'R2' });
		const r = await f.ledger.submit([
			await f.edit(f.assessor, id, 'parcel', g.change),
			await f.edit(f.assessor, id, 'parcel', e1.change!)
		]);
		r.forEach(accepted);
		accepted((await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', e2.change!)]))[0]);
	});
});

describe.each(kinds)('ledger on $name: every refusal changes nothing', ({ kind, pool: usePool }) => {
	let f: Fixture;
	const id = 'RIV-000100';
	let parcelGenesis: ReturnType<typeof genesisChange<'parcel'>>;
	beforeEach(async () => {
		f = await ledgerFixture(kind, { checkPool: usePool ? pool : undefined });
		parcelGenesis = genesisChange(f.assessor, 'parcel', id, sampleParcel(id));
		accepted((await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', parcelGenesis.change)]))[0]);
	});
	afterEach(async () => {
		await f.cleanup();
	});

	async function expectRefused(sub: Parameters<Fixture['ledger']['submit']>[0][0], code: string) {
		const before = await snapshot(f);
		const [r] = await f.ledger.submit([sub]);
		expect(r.status).toBe('refused');
		if (r.status === 'refused') {
			expect(r.code).toBe(code);
			expect(r.message.length).toBeGreaterThan(5);
		}
		expect(await snapshot(f)).toBe(before);
	}

	it('refuses a bad signature', async () => {
		const e = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		const sub = await f.edit(f.assessor, id, 'parcel', e.change!);
		sub.signature = Uint8Array.from(sub.signature);
		sub.signature[10] ^= 1;
		await expectRefused(sub, 'bad-signature');
	});

	it('refuses a change hash that is not the hash of the bytes', async () => {
		const e = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		const sub = await f.edit(f.assessor, id, 'parcel', e.change!);
		const other = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R4' });
		await expectRefused({ ...sub, change: other.change! }, 'bad-change');
	});

	it('refuses bytes that are not an Automerge change', async () => {
		await expectRefused(await f.edit(f.assessor, id, 'parcel', randomBytes(200)), 'bad-change');
	});

	it("refuses a change whose actor is not the signer's", async () => {
		const stranger = newEditor();
		const e = editChange(stranger, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		await expectRefused(await f.edit(f.assessor, id, 'parcel', e.change!), 'foreign-actor');
	});

	it('refuses a key that was never granted', async () => {
		const stranger = newEditor();
		const e = editChange(stranger, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		await expectRefused(await f.edit(stranger, id, 'parcel', e.change!), 'unknown-key');
	});

	it('refuses an assessor writing the title (registrar-only) part', async () => {
		const g = genesisChange(f.assessor, 'title', id, sampleTitle(id));
		await expectRefused(await f.edit(f.assessor, id, 'title', g.change), 'part-not-allowed');
	});

	it('refuses a district outside the grant', async () => {
		const other = 'EAST-000001';
		const g = genesisChange(f.assessor, 'valuation', other, sampleValuation(other));
		await expectRefused(await f.edit(f.assessor, other, 'valuation', g.change), 'district-not-granted');
	});

	it('refuses a revoked key from its revocation on', async () => {
		const revoke = await signKeyEntry({
			origin: ORIGIN,
			signer: f.registrar.signer,
			body: { kind: 'revoke', revoked: f.assessor.signer.publicKey, reason: 'tablet lost' },
			claimedTime: f.clock.now
		});
		accepted((await f.ledger.submit([revoke]))[0]);
		const e = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		await expectRefused(await f.edit(f.assessor, id, 'parcel', e.change!), 'revoked-key');
	});

	it('refuses a change whose dependencies the document lacks', async () => {
		const e1 = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		const e2 = editChange(f.assessor, e1.doc, 'parcel', { zoning: 'R4' });
		await expectRefused(await f.edit(f.assessor, id, 'parcel', e2.change!), 'unknown-dependency');
	});

	it("refuses a change replayed to another parcel's document", async () => {
		const e1 = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		await expectRefused(await f.edit(f.assessor, 'RIV-000101', 'parcel', e1.change!), 'unknown-dependency');
	});

	it('refuses a second change with the same actor and sequence number', async () => {
		const a = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		accepted((await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', a.change!)]))[0]);
		const b = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R9' });
		await expectRefused(await f.edit(f.assessor, id, 'parcel', b.change!), 'duplicate-seq');
	});

	it('refuses the same change signed again under another statement', async () => {
		f.clock.now += 1000;
		await expectRefused(await f.edit(f.assessor, id, 'parcel', parcelGenesis.change), 'duplicate-change');
	});

	it('refuses a private-part change without a salt', async () => {
		const g = genesisChange(f.assessor, 'private', id, samplePrivate(id));
		accepted((await f.ledger.submit([await f.edit(f.assessor, id, 'private', g.change)]))[0]);
		// Written straight with Automerge, as a careless client would: no salt in the message.
		const bare = Automerge.change(Automerge.clone(g.doc, { actor: f.assessor.actor }), { time: 1_767_225_800 }, (d: Record<string, unknown>) => {
			d.internalNotes = 'x';
		});
		await expectRefused(await f.edit(f.assessor, id, 'private', Automerge.getLastLocalChange(bare)!), 'unsalted-private-change');
	});

	it('refuses a claimed time far in the future', async () => {
		const e = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		const sub = await signEdit({ origin: ORIGIN, signer: f.assessor.signer, parcelId: id, part: 'parcel', change: e.change!, claimedTime: f.clock.now + 3_600_000 });
		await expectRefused(sub, 'claimed-time-in-future');
	});

	it('refuses a statement signed for another log', async () => {
		const e = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		const sub = await signEdit({ origin: 'other.example/log', signer: f.assessor.signer, parcelId: id, part: 'parcel', change: e.change!, claimedTime: f.clock.now });
		await expectRefused(sub, 'bad-signature');
	});

	it('refuses an oversized change', async () => {
		await expectRefused(await f.edit(f.assessor, id, 'parcel', randomBytes(600 * 1024)), 'too-large');
	});

	it('refuses grants from a non-registrar', async () => {
		const sub = await signKeyEntry({
			origin: ORIGIN,
			signer: f.assessor.signer,
			body: { kind: 'grant', grantee: newEditor().signer.publicKey, role: 'assessor', name: 'Mallory', districts: ['RIV'] },
			claimedTime: f.clock.now
		});
		await expectRefused(sub, 'not-a-registrar');
	});

	it('keeps good items of a mixed batch and refuses the bad one alone', async () => {
		const good = editChange(f.assessor, parcelGenesis.doc, 'parcel', { zoning: 'R3' });
		const bad = genesisChange(f.assessor, 'title', id, sampleTitle(id));
		const [a, b] = await f.ledger.submit([
			await f.edit(f.assessor, id, 'parcel', good.change!),
			await f.edit(f.assessor, id, 'title', bad.change)
		]);
		expect(a.status).toBe('accepted');
		expect(b.status === 'refused' && b.code).toBe('part-not-allowed');
	});
});

describe('ledger: actors', () => {
	it('binds each tab session to its key', () => {
		const e = newEditor();
		expect(makeActor(e.signer.publicKey, randomBytes(8)).slice(0, 32)).toBe(e.actor.slice(0, 32));
	});
});
