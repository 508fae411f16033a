// The sequencer's claims ledger is copied only by a batch that changes it, and never written in
// place: a batch that fails to commit leaves the committed ledger as it was.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signClaim, signDecision, signNotice } from '../../core/claims/sign';
import { sampleParcel } from '../../core/record/samples';
import type { Entry, Statement } from '../../core/log/entry';
import { ClaimLedger } from '../../core/claims/state';
import { Ledger } from '../ledger';
import { InjectedFault, withFaults, type FaultStep } from '../store/faults';
import { editChange, genesisChange, ledgerFixture, ORIGIN, type Fixture } from '../testing/fixture';
import { BatchClaims } from './gate';

const at = { author: new Uint8Array(32).fill(1), claimedTime: 1 };
const hash = (n: number) => new Uint8Array(32).fill(n);
const edit = (n: number): Statement => ({ kind: 'edit', parcelId: 'RIV-1', part: 'title', changeHash: hash(n), ...at });
const notice = (n: number): Statement => ({ kind: 'notice', parcelId: 'RIV-1', part: 'title', changeHash: hash(n), deadline: 100, text: 'sale', ...at });
/** The entry `s` becomes at log time `logTime`. */
const logged = (s: Statement, logTime: number): Entry => ({ ...s, logTime, signature: new Uint8Array(64) });
/** A store the batch never reads: apply() must not need one. */
const noStore = {} as ConstructorParameters<typeof BatchClaims>[1];

describe('BatchClaims', () => {
	it('keeps the committed ledger itself through a batch of plain edits and grants', () => {
		const committed = new ClaimLedger();
		committed.apply(1, { ...notice(7), logTime: 10 });
		const batch = new BatchClaims(committed, noStore);
		batch.apply(2, logged(edit(8), 20));
		batch.apply(3, logged({ kind: 'revoke', revoked: hash(3), reason: 'lost', ...at }, 20));
		expect(batch.ledger).toBe(committed);
	});

	it('copies on the first entry that changes the ledger and leaves the committed one as it was', () => {
		const committed = new ClaimLedger();
		committed.apply(1, { ...notice(7), logTime: 10 });
		const batch = new BatchClaims(committed, noStore);
		batch.apply(2, logged(edit(8), 20));
		batch.apply(3, logged(edit(7), 120));
		expect(batch.ledger).not.toBe(committed);
		expect(batch.ledger.notice(1)!.applied).toBe(true);
		expect(committed.notice(1)!.applied).toBe(false);
		batch.apply(4, logged(notice(9), 130));
		expect(batch.ledger.pendingChanges()).toHaveLength(1);
		expect(committed.notice(4)).toBeUndefined();
	});
});

describe('sequencer: a failed batch after a claim', () => {
	let f: Fixture;
	let ledger: Ledger;
	const armed = new Set<FaultStep>();
	const parcel = 'RIV-000200';

	beforeEach(async () => {
		f = await ledgerFixture('sqlite');
		const g = genesisChange(f.assessor, 'parcel', parcel, sampleParcel(parcel));
		const [r] = await f.ledger.submit([await f.edit(f.assessor, parcel, 'parcel', g.change)]);
		if (r.status !== 'accepted') throw new Error(`setup refused: ${r.code}`);
		await f.ledger.sequencer.drain();
		const store = withFaults(f.store, (step) => {
			if (!armed.delete(step)) return;
			throw new InjectedFault(step);
		});
		ledger = await Ledger.open({ store, identity: f.ledger.identity, clock: () => f.clock.now, maxDelayMs: 1 });
	});
	afterEach(async () => {
		await ledger.sequencer.drain();
		await f.cleanup();
	});

	const common = (text: string) => ({ origin: ORIGIN, signer: f.registrar.signer, parcelId: parcel, text, claimedTime: f.clock.now });

	it('leaves the committed ledger without the claim, even when reloading it fails too', async () => {
		const size = ledger.sequencer.size;
		const claim = await signClaim({ ...common('A fence moved.'), claimKind: 'boundary', contested: ['parcel.geometry'] });
		// The commit fails, and so does the reload after it: the sequencer keeps the ledger it had.
		armed.add('commit:before');
		armed.add('head');
		const [failed] = await ledger.submit([claim]);
		expect(failed).toMatchObject({ status: 'refused', code: 'unavailable' });
		await ledger.sequencer.drain();
		expect(armed.size).toBe(0);

		// Had the failed batch written the committed ledger, claim `size` would exist and this would be accepted.
		const [decided] = await ledger.submit([await signDecision({ ...common('No fence moved.'), claimIndex: size, outcome: 'rejected' })]);
		expect(decided).toMatchObject({ status: 'refused', code: 'unknown-claim' });
		expect(ledger.sequencer.size).toBe(size);

		// A later batch changing the ledger commits it: the claim, then its decision.
		const [again] = await ledger.submit([claim]);
		expect(again).toMatchObject({ status: 'accepted', index: size });
		const [decidedNow] = await ledger.submit([await signDecision({ ...common('No fence moved.'), claimIndex: size, outcome: 'rejected' })]);
		expect(decidedNow).toMatchObject({ status: 'accepted', index: size + 1 });
	});

	it('commits an edit of a change on notice once the notice closed, copying the ledger for it', async () => {
		const g = genesisChange(f.assessor, 'parcel', 'RIV-000201', sampleParcel('RIV-000201'));
		const pending = editChange(f.registrar, g.doc, 'parcel', { zoning: 'R3' }).change!;
		const [gen] = await ledger.submit([await f.edit(f.assessor, 'RIV-000201', 'parcel', g.change)]);
		expect(gen.status).toBe('accepted');
		const n = await signNotice({ ...common('Rezoning.'), parcelId: 'RIV-000201', part: 'parcel', change: pending, deadline: f.clock.now + 1000 });
		const [put] = await ledger.submit([n]);
		expect(put.status).toBe('accepted');
		const onNotice = await f.edit(f.registrar, 'RIV-000201', 'parcel', pending);
		expect((await ledger.submit([onNotice]))[0]).toMatchObject({ status: 'refused', code: 'on-notice' });
		f.clock.now += 2000;
		expect((await ledger.submit([onNotice]))[0]).toMatchObject({ status: 'accepted', duplicate: false });
	});
});
