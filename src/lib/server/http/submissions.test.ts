// The answer to POST /api/edits: every inclusion proof verifies against the checkpoint sent with
// it (docs/protocol.md "Submitting edits"), also when one request is sequenced in several batches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../core/bytes';
import { leafHash } from '../../core/log/hashing';
import { verifyInclusion } from '../../core/log/proof';
import { editToWire, keyEntryToWire, signKeyEntry } from '../../core/signing/submit';
import { sampleParcel } from '../../core/record/samples';
import { Ledger } from '../ledger';
import { genesisChange, newEditor, ORIGIN, sqliteFixture, type Fixture } from '../testing/fixture';
import { handleSubmissions } from './submissions';

describe('POST /api/edits answers', () => {
	let f: Fixture;
	beforeEach(async () => {
		f = await sqliteFixture();
	});
	afterEach(async () => {
		await f.cleanup();
	});

	it('prove every accepted item against the checkpoint in the same answer, across sequencer batches', async () => {
		await f.ledger.sequencer.drain();
		// A small batch size, so that one request of 25 items is committed in three batches.
		const ledger = await Ledger.open({ store: f.store, identity: f.ledger.identity, clock: () => f.clock.now, maxBatch: 10, maxDelayMs: 1 });
		const edits = [];
		for (let i = 0; i < 25; i++) {
			const id = `RIV-P${i}`;
			edits.push(editToWire(await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change)));
		}
		const request = new Request('http://127.0.0.1/api/edits', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits }) });
		const res = await handleSubmissions(request, ledger, 'edits');
		expect(res.status).toBe(200);
		const body = (await res.json()) as { checkpoint: string; results: { index: number; inclusionProof: { treeSize: number; hashes: string[] } }[] };
		const cp = await f.ledger.identity.openCheckpoint(body.checkpoint);
		for (const r of body.results) {
			expect(r.inclusionProof.treeSize).toBe(cp.size);
			const [stored] = await f.store.readEntries(r.index, r.index + 1);
			expect(verifyInclusion(leafHash(stored.data), r.index, cp.size, r.inclusionProof.hashes.map(fromBase64), cp.root)).toEqual({ ok: true });
		}
	});

	const post = (path: string, body: string) =>
		new Request(`http://127.0.0.1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	type Answer = { results: { status: string; code?: string; message?: string }[]; error?: { code: string } };

	it('refuses a claimed time out of range per item (422 bad-claimed-time / claimed-time-in-future) and takes the rest (207)', async () => {
		const good = editToWire(await f.edit(f.assessor, 'RIV-T1', 'parcel', genesisChange(f.assessor, 'parcel', 'RIV-T1', sampleParcel('RIV-T1')).change));
		const other = editToWire(await f.edit(f.assessor, 'RIV-T2', 'parcel', genesisChange(f.assessor, 'parcel', 'RIV-T2', sampleParcel('RIV-T2')).change));
		const items = [JSON.stringify(good), ...['9007199254740991', '-1', '1.5', '1e400', '9007199254740993'].map((t) => JSON.stringify({ ...other, claimedTime: 0 }).replace('"claimedTime":0', `"claimedTime":${t}`))];
		const before = f.ledger.sequencer.size;
		const res = await handleSubmissions(post('/api/edits', `{"edits":[${items.join(',')}]}`), f.ledger, 'edits');
		expect(res.status).toBe(207);
		const body = (await res.json()) as Answer;
		expect(body.results.map((r) => r.status === 'accepted' ? 'accepted' : r.code)).toEqual([
			'accepted',
			'claimed-time-in-future',
			'bad-claimed-time',
			'bad-claimed-time',
			'bad-claimed-time',
			'bad-claimed-time'
		]);
		expect(body.results[1].message).toBe("claimed time 9007199254740991 ms is ahead of the log's clock");
		expect(f.ledger.sequencer.size).toBe(before + 1);

		// Every item refused with one code: that code's status for the whole answer.
		const only = await handleSubmissions(post('/api/edits', `{"edits":[${items[2]}]}`), f.ledger, 'edits');
		expect(only.status).toBe(422);
		expect(((await only.json()) as Answer).error?.code).toBe('bad-claimed-time');
		expect(f.ledger.sequencer.size).toBe(before + 1);
	});

	it('refuses key entries whose names or reasons hold control or bidi characters (422 bad-text), nothing logged', async () => {
		const before = f.ledger.sequencer.size;
		const grant = (name: string) =>
			signKeyEntry({ origin: ORIGIN, signer: f.registrar.signer, body: { kind: 'grant', grantee: newEditor().signer.publicKey, role: 'assessor', name, districts: ['RIV'] }, claimedTime: f.clock.now });
		const entries = [keyEntryToWire(await grant('Ada \u202eNimda')), keyEntryToWire(await grant('Eve\u001b[2J'))];
		const res = await handleSubmissions(post('/api/keys', JSON.stringify({ entries })), f.ledger, 'keys');
		expect(res.status).toBe(422);
		const body = (await res.json()) as Answer;
		expect(body.results.map((r) => r.code)).toEqual(['bad-text', 'bad-text']);
		expect(body.results[0].message).toMatch(/^name contains a line separator or bidi control U\+202E/);
		expect(f.ledger.sequencer.size).toBe(before);
	});
});
