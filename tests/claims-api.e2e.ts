// Claims and notices over HTTP against the real build and the demo county (docs/protocol.md
// "Claims and notices"): a change put on public notice is served but held; an objection makes the
// parcel disputed in its record, in search and in the registry's queue; bad input is a 4xx JSON
// error that leaves the log as it was.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { fromBase64, toHex } from '../src/lib/core/bytes';
import { changeHash } from '../src/lib/core/log/entry';
import { claimEntryToWire, signClaim, signDecision, signNotice } from '../src/lib/core/claims/sign';
import type { ClaimRow, ParcelDisputes } from '../src/lib/core/claims/types';
import { signInStatement } from '../src/lib/server/sessions';
import { verifyExtract } from '../src/lib/core/extract/verify';
import { extractSummary } from '../src/lib/core/extract/claims';
import { nobleVerifier } from '../src/lib/core/signing/ed25519';
import { demoKey } from './support/demo';
import { origin, signedEdit } from './support/edits';

const PARCEL = 'RIV-000017';
const DAY = 86_400_000;

const logSize = async (request: APIRequestContext) => Number((await (await request.get('/log/checkpoint')).text()).split('\n')[1]);

async function signIn(request: APIRequestContext, key: ReturnType<typeof demoKey>) {
	const { nonce } = await (await request.post('/api/session/nonce')).json();
	const signature = Buffer.from(await key.signer.sign(signInStatement(await origin(request), nonce))).toString('base64');
	expect((await request.post('/api/session', { data: { publicKey: key.publicKey, nonce, signature } })).status()).toBe(200);
}

test('a change on notice is held while an objection is open; the parcel is disputed in its record, search and the queue', async ({ request }) => {
	const registrar = demoKey('registrar');
	const ava = demoKey('assessor-ava');
	const at = await origin(request);
	const post = (sub: Awaited<ReturnType<typeof signClaim>>) => request.post('/api/entries', { data: { entries: [claimEntryToWire(sub)] } });
	const common = (k: typeof ava, text: string) => ({ origin: at, signer: k.signer, parcelId: PARCEL, text, claimedTime: Date.now() });

	// The registrar puts a transfer of ownership on notice: its bytes are served, not applied.
	const edit = await signedEdit(request, registrar.signer, PARCEL, 'title', { 'parties.p1.name': 'Cy Buyer' });
	const change = fromBase64(edit.change);
	const notice = await post(await signNotice({ ...common(registrar, 'Transfer to Cy Buyer'), part: 'title', change, deadline: Date.now() + 30 * DAY }));
	expect(notice.status(), await notice.text()).toBe(200);
	const noticeIndex = (await notice.json()).results[0].index;
	const served = await request.get(`/api/changes/${toHex(changeHash(change))}`);
	expect(served.status()).toBe(200);
	expect(new Uint8Array(await served.body())).toEqual(change);
	const held = await request.post('/api/edits', { data: { edits: [edit] } });
	expect(held.status()).toBe(409);
	expect((await held.json()).error.code).toBe('on-notice');

	// An assessor objects from the field.
	const claim = await post(await signClaim({ ...common(ava, 'The eastern strip is the neighbour\'s.'), claimKind: 'ownership', contested: ['title.owners'], notice: noticeIndex }));
	expect(claim.status(), await claim.text()).toBe(200);
	const claimIndex = (await claim.json()).results[0].index;

	// Bad input: a 4xx JSON error naming the problem, and the log keeps nothing.
	const size = await logSize(request);
	const refusals: [Awaited<ReturnType<typeof signClaim>>, number, string][] = [
		[await signDecision({ ...common(ava, 'Upheld.'), claimIndex, outcome: 'upheld' }), 403, 'not-a-registrar'],
		[await signClaim({ ...common(ava, 'Mine.'), parcelId: 'RIV-999999', claimKind: 'other', contested: [] }), 422, 'unknown-parcel'],
		[await signDecision({ ...common(registrar, 'Rejected.'), claimIndex: claimIndex + 1000, outcome: 'rejected' }), 422, 'unknown-claim'],
		[await signNotice({ ...common(registrar, 'Late.'), part: 'title', change, deadline: Date.now() - DAY }), 422, 'deadline-passed']
	];
	for (const [sub, status, code] of refusals) {
		const res = await post(sub);
		expect(res.status(), code).toBe(status);
		expect(res.headers()['content-type']).toMatch(/^application\/json/);
		expect((await res.json()).error).toMatchObject({ code, message: expect.stringMatching(/.{10}/) });
	}
	expect(await logSize(request)).toBe(size);

	// The public record and search say so (the projection follows the log within moments).
	await expect
		.poll(async () => ((await (await request.get(`/api/parcels/${PARCEL}`)).json()) as ParcelDisputes).disputed, { timeout: 10_000 })
		.toBe(true);
	const record = (await (await request.get(`/api/parcels/${PARCEL}`)).json()) as ParcelDisputes;
	expect(record.claims.find((c) => c.index === claimIndex)).toMatchObject({ state: 'open', notice: noticeIndex, filedBy: { name: ava.name, role: 'assessor' } });
	expect(record.notices.find((n) => n.index === noticeIndex)).toMatchObject({ state: 'open', objections: [claimIndex], changeHash: toHex(changeHash(change)) });
	expect(JSON.stringify(record)).not.toMatch(/contact/i);
	const search = await (await request.get(`/api/parcels?q=${PARCEL}`)).json();
	expect(search.features.find((f: { id: string }) => f.id === PARCEL).properties.disputed).toBe(true);

	// Its extract lists the claim and the notice; the verifier counts the open claim, and the parcel
	// map proves the list complete: served without the claim, the extract fails.
	const extract = await (await request.get(`/api/parcels/${PARCEL}/extract`)).json();
	const verified = await verifyExtract(extract, { verifier: nobleVerifier });
	expect(verified.ok, verified.reason).toBe(true);
	expect(verified.openClaims).toBe(1);
	expect(verified.completeUpTo).toBe(verified.treeSize);
	expect(extractSummary(verified)).toContain('Open claims: 1');
	expect(extractSummary(verified)).toContain('None is left out');
	const hiding = { ...extract, claims: extract.claims.filter((c: { index: number }) => c.index !== claimIndex) };
	const caught = await verifyExtract(hiding, { verifier: nobleVerifier });
	expect(caught.ok).toBe(false);
	expect(caught.reason).toMatch(/a claim entry is left out or added\.$/);

	// The registry's queue: staff only, filtered and sorted by the notice's deadline.
	expect((await request.get('/api/registry/claims')).status()).toBe(401);
	await signIn(request, registrar);
	const queue = await (await request.get('/api/registry/claims?district=RIV&state=open&sort=deadline')).json();
	const row = (queue.claims as ClaimRow[]).find((c) => c.index === claimIndex);
	expect(row).toMatchObject({ district: 'RIV', kind: 'ownership', deadline: expect.any(Number) });
	expect(queue.total).toBeGreaterThanOrEqual(1);
	expect((await request.get('/api/registry/claims?kind=roof')).status()).toBe(400);

	// Decided: the parcel is no longer disputed (the notice still holds the change until its deadline).
	const decided = await post(await signDecision({ ...common(registrar, 'The strip is in the deed.'), claimIndex, outcome: 'rejected' }));
	expect(decided.status(), await decided.text()).toBe(200);
	await expect
		.poll(async () => ((await (await request.get(`/api/parcels/${PARCEL}`)).json()) as ParcelDisputes).claims.find((c) => c.index === claimIndex)?.state, { timeout: 10_000 })
		.toBe('rejected');
	expect((await request.post('/api/edits', { data: { edits: [edit] } })).status()).toBe(409);
	await request.delete('/api/session');
});
