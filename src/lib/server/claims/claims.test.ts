// Claims, decisions and notices through POST /api/entries on both stores (docs/protocol.md
// "Claims and notices"): each refusal is a 4xx JSON error that leaves every table as it was, and
// a change on notice waits for its deadline and its objections, by the log's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64, toHex } from '../../core/bytes';
import { changeHash, decodeEntry } from '../../core/log/entry';
import type { Submission } from '../../core/log/submission';
import { claimEntryToWire, signClaim, signDecision, signNotice } from '../../core/claims/sign';
import { sampleParcel, sampleTitle } from '../../core/record/samples';
import { editToWire } from '../../core/signing/submit';
import { handleSubmissions } from '../http/submissions';
import { errorToResponse } from '../http/endpoint';
import { skipPostgres } from '../store/postgres/test-database';
import { databaseSnapshot } from '../testing/snapshot';
import { openProjection } from '../projection/open';
import { Projector } from '../projection/projector';
import { buildExtract } from '../public/extract';
import { verifyExtract } from '../../core/extract/verify';
import { extractSummary } from '../../core/extract/claims';
import { nobleVerifier } from '../../core/signing/ed25519';
import { editChange, genesisChange, ledgerFixture, ORIGIN, type Editor, type Fixture, type StoreKind } from '../testing/fixture';

const decodeEntryJson = (b64: string) => decodeEntry(fromBase64(b64));
const kinds: StoreKind[] = ['sqlite', ...(skipPostgres() ? [] : ['postgres' as const])];
const DAY = 86_400_000;

describe.each(kinds)('claims and notices (%s)', (kind) => {
	let f: Fixture;
	const parcel = 'RIV-000100';
	let pending: Uint8Array;
	/** A boundary change by the assessor, to put on notice (which only registrars may). */
	let assessorChange: Uint8Array;
	const digest = async () => (await databaseSnapshot(f.store)).digest;

	beforeAll(async () => {
		f = await ledgerFixture(kind);
		const g = genesisChange(f.assessor, 'parcel', parcel, sampleParcel(parcel));
		const t = genesisChange(f.registrar, 'title', parcel, sampleTitle(parcel));
		assessorChange = editChange(f.assessor, g.doc, 'parcel', { zoning: 'R2' }).change!;
		pending = editChange(f.registrar, t.doc, 'title', { 'parties.p1.name': 'Cy Buyer' }).change!;
		const done = await f.ledger.submit([await f.edit(f.assessor, parcel, 'parcel', g.change), await f.edit(f.registrar, parcel, 'title', t.change)]);
		for (const r of done) if (r.status !== 'accepted') throw new Error(`setup refused: ${r.code}`);
	});
	afterAll(() => f.cleanup());

	async function post(path: 'entries' | 'edits', items: unknown[]) {
		const body = JSON.stringify(path === 'entries' ? { entries: items } : { edits: items });
		const request = new Request(`http://127.0.0.1/api/${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
		try {
			return await handleSubmissions(request, f.ledger, path === 'entries' ? 'keys' : 'edits');
		} catch (e) {
			return errorToResponse(e, 'test');
		}
	}
	const common = (e: Editor, text = 'A fence moved.') => ({ origin: ORIGIN, signer: e.signer, parcelId: parcel, text, claimedTime: f.clock.now });
	const submit = async (sub: Submission) => post('entries', [claimEntryToWire(sub)]);
	async function accepted(sub: Submission): Promise<number> {
		const res = await submit(sub);
		const body = await res.json();
		expect(res.status, JSON.stringify(body)).toBe(200);
		return body.results[0].index;
	}
	async function refused(res: Response, status: number, code: string) {
		const before = await digest();
		const body = await res.json();
		expect(res.status, JSON.stringify(body)).toBe(status);
		expect(body.error.code).toBe(code);
		expect(body.error.message.length).toBeGreaterThan(10);
		expect(await digest()).toBe(before);
	}
	const refuse = async (sub: Submission, status: number, code: string) => {
		const before = await digest();
		await refused(await submit(sub), status, code);
		expect(await digest()).toBe(before);
	};
	const editPending = async () => post('edits', [editToWire(await f.edit(f.registrar, parcel, 'title', pending))]);

	it('refuses a claim on an unknown parcel, a decision by an assessor or for an unknown claim, a notice with a past deadline', async () => {
		await refuse(await signClaim({ ...common(f.assessor), parcelId: 'RIV-999999', claimKind: 'boundary', contested: ['parcel.geometry'] }), 422, 'unknown-parcel');
		const claim = await accepted(await signClaim({ ...common(f.assessor), claimKind: 'boundary', contested: ['parcel.geometry'] }));
		await refuse(await signDecision({ ...common(f.assessor, 'Fine.'), claimIndex: claim, outcome: 'rejected' }), 403, 'not-a-registrar');
		await refuse(await signDecision({ ...common(f.registrar, 'Fine.'), claimIndex: claim + 100, outcome: 'rejected' }), 422, 'unknown-claim');
		await refuse(await signDecision({ ...common(f.registrar, 'Fine.'), claimIndex: claim, outcome: 'upheld', caused: ['ab'.repeat(32)] }), 422, 'unknown-change');
		await refuse(await signNotice({ ...common(f.registrar, 'Sale.'), part: 'title', change: pending, deadline: f.clock.now }), 422, 'deadline-passed');
		await refuse(await signNotice({ ...common(f.assessor, 'Split.'), part: 'parcel', change: assessorChange, deadline: f.clock.now + DAY }), 403, 'not-a-registrar');
		await accepted(await signDecision({ ...common(f.registrar, 'No fence moved.'), claimIndex: claim, outcome: 'rejected' }));
		await refuse(await signDecision({ ...common(f.registrar, 'Again.'), claimIndex: claim, outcome: 'withdrawn' }), 409, 'already-decided');
	});

	it('holds a change on notice until the deadline, then while an objection is undecided', async () => {
		const notice = await accepted(await signNotice({ ...common(f.registrar, 'Transfer to Cy Buyer.'), part: 'title', change: pending, deadline: f.clock.now + 30 * DAY }));
		const kept = await f.store.readNoticeChange(changeHash(pending));
		expect(kept && toHex(kept.body)).toBe(toHex(pending));
		expect(await f.store.readChange(changeHash(pending))).toBeNull();
		await refused(await editPending(), 409, 'on-notice');

		const objection = await accepted(await signClaim({ ...common(f.registrar, 'The heir objects.'), claimKind: 'ownership', contested: ['title.owners'], notice }));
		await refuse(await signClaim({ ...common(f.registrar, 'Wrong notice.'), claimKind: 'other', contested: [], notice: objection }), 422, 'unknown-notice');
		f.clock.now += 31 * DAY;
		await refuse(await signClaim({ ...common(f.registrar, 'Too late.'), claimKind: 'ownership', contested: [], notice }), 422, 'notice-closed');
		await refused(await editPending(), 409, 'on-notice');

		// A restarted sequencer replays the same state from the store.
		await f.ledger.sequencer.load();
		await refused(await editPending(), 409, 'on-notice');
		await accepted(await signDecision({ ...common(f.registrar, 'The will does not name the heir.'), claimIndex: objection, outcome: 'rejected' }));
		const res = await editPending();
		expect(res.status, await res.clone().text()).toBe(200);
		const caused = toHex(changeHash(pending));
		const other = await accepted(await signClaim({ ...common(f.assessor, 'Late doubt.'), claimKind: 'other', contested: [] }));
		await accepted(await signDecision({ ...common(f.registrar, 'Logged.'), claimIndex: other, outcome: 'upheld', caused: [caused] }));
	});

	it("lists the parcel's claims in its extract; the verifier counts the open ones and refuses a decision without its claim", async () => {
		const open = await accepted(await signClaim({ ...common(f.registrar, 'A charge of the bank.'), claimKind: 'charge', contested: ['title'] }));
		const x = (await buildExtract(f.ledger, parcel))!;
		expect(x.claims?.length).toBe(8); // the tests above logged one notice, three claims and three decisions; one claim here
		const r = await verifyExtract(x, { verifier: nobleVerifier });
		expect(r.ok, r.reason).toBe(true);
		expect(r.openClaims).toBe(1);
		expect(r.claims?.find((c) => c.state === 'open')).toMatchObject({ index: open, kind: 'charge' });
		expect(r.checks.find((c) => c.name === 'claims')).toMatchObject({ ok: true, detail: expect.stringContaining('Open claims: 1') });
		expect(r.checks.find((c) => c.name === 'claims')?.notProven).toBeUndefined();
		expect(r.checks.find((c) => c.name === 'claims')?.detail).toContain('None is left out: the parcel map of checkpoint');
		expect(r.completeUpTo).toBe(x.checkpoint.split('\n').map(Number)[1]);
		expect(extractSummary(r)).toContain('claims: Open claims: 1');
		// The map's claims leaf counts them: leaving out the open claim (or any claim entry) fails the extract.
		const hidden = await verifyExtract({ ...x, claims: x.claims!.filter((it) => it.index !== open) }, { verifier: nobleVerifier });
		expect(hidden.ok).toBe(false);
		expect(hidden.reason).toMatch(/^The log holds 8 claim entries \(claims, decisions and notices\) of this parcel up to checkpoint \d+, the extract lists 7, the last at index \d+ where the log's is at \d+: a claim entry is left out or added\.$/);
		const none = await verifyExtract({ ...x, claims: undefined }, { verifier: nobleVerifier });
		expect(none.reason).toMatch(/the extract lists none: they are left out \(the last at index \d+\), so the extract hides the parcel's disputes\.$/);
		// A decision listed without its claim: the map's claims leaf counts one entry more.
		const decisions = x.claims!.filter((it) => decodeEntryJson(it.entry).kind === 'decision');
		const firstClaim = x.claims!.findIndex((it) => decodeEntryJson(it.entry).kind === 'claim');
		const bad = await verifyExtract({ ...x, claims: x.claims!.filter((_, i) => i !== firstClaim) }, { verifier: nobleVerifier });
		expect(decisions.length).toBeGreaterThan(0);
		expect(bad.ok).toBe(false);
		expect(bad.reason).toMatch(/a claim entry is left out or added\.$/);
	});

	it('projects every claim and notice as the ledger replays them', async () => {
		const projection = await openProjection(f.store);
		await new Projector({ log: f.store, projection }).catchUp();
		const { claims, notices } = await projection.claimsOfParcel(parcel);
		expect(claims.map((c) => [c.claimKind, c.decision?.outcome ?? 'open'])).toEqual([['boundary', 'rejected'], ['ownership', 'rejected'], ['other', 'upheld'], ['charge', 'open']]);
		expect(claims[2].decision?.caused).toEqual([toHex(changeHash(pending))]);
		expect(notices).toMatchObject([{ part: 'title', changeHash: toHex(changeHash(pending)), applied: true, objections: [claims[1].index] }]);
		const queue = await projection.claimQueue({ sort: 'deadline', limit: 10, offset: 0 });
		expect(queue.rows.map((r) => [r.claim.index, r.deadline])).toEqual([[claims[1].index, notices[0].deadline], [claims[0].index, null], [claims[2].index, null], [claims[3].index, null]]);
		expect(await projection.disputedAmong([parcel, 'RIV-000101'])).toEqual(new Set([parcel]));
	});
});
