// The answer to POST /api/edits: every inclusion proof verifies against the checkpoint sent with
// it (docs/protocol.md "Submitting edits"), also when one request is sequenced in several batches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64 } from '../../core/bytes';
import { leafHash } from '../../core/log/hashing';
import { verifyInclusion } from '../../core/log/proof';
import { editToWire } from '../../core/signing/submit';
import { sampleParcel } from '../../core/record/samples';
import { Ledger } from '../ledger';
import { genesisChange, sqliteFixture, type Fixture } from '../testing/fixture';
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
});
