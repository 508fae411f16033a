// The server's extract (docs/protocol.md "Extracts"): a v2 extract built from one version of the
// head — the checkpoint of exactly that size, its parcel map's proof, every entry of the parcel
// below that size — that verifies as complete, also while edits are being committed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../core/log/checkpoint';
import { decodeEntry } from '../../core/log/entry';
import { verifyExtract } from '../../core/extract/verify';
import type { Doc } from '@automerge/automerge';
import { samplePrivate, sampleParcel, sampleTitle } from '../../core/record/samples';
import { nodeVerifier } from '../ed25519';
import { editChange, genesisChange, sqliteFixture, type Fixture } from '../testing/fixture';
import { buildExtract } from './extract';

const ID = 'RIV-000001';
let f: Fixture;
beforeEach(async () => {
	docs.clear();
	f = await sqliteFixture();
});
afterEach(() => f.cleanup());

async function submit(...subs: Parameters<Fixture['ledger']['submit']>[0]) {
	for (const r of await f.ledger.submit(subs)) if (r.status !== 'accepted') throw new Error(`${r.status}: ${JSON.stringify(r)}`);
}

/** The next edit of a parcel's private part (its first creates it). */
const docs = new Map<string, Doc<unknown>>();
async function privateEdit(n: number, parcel = ID) {
	const prev = docs.get(parcel);
	const r = prev ? editChange(f.assessor, prev, 'private', { internalNotes: `note ${n}` }) : genesisChange(f.assessor, 'private', parcel, samplePrivate(parcel));
	docs.set(parcel, r.doc);
	return f.edit(f.assessor, parcel, 'private', r.change!);
}

describe('buildExtract', () => {
	it('builds a v2 extract that is complete up to the checkpoint it carries', async () => {
		await submit(await f.edit(f.assessor, ID, 'parcel', genesisChange(f.assessor, 'parcel', ID, sampleParcel(ID)).change));
		await submit(await privateEdit(1), await privateEdit(1, 'RIV-000002'));
		await submit(await f.edit(f.registrar, ID, 'title', genesisChange(f.registrar, 'title', ID, sampleTitle(ID)).change), await privateEdit(2));
		const x = (await buildExtract(f.ledger, ID))!;
		expect(x.format).toBe('parcel-ledger-extract/v2');
		const size = f.ledger.sequencer.size;
		expect(x.checkpoint).toBe(f.ledger.sequencer.checkpoint);
		expect(x.checkpoint).toMatch(/\nparcel-ledger\/map\/v2 [A-Za-z0-9+/]{43}=\n/);
		const r = await verifyExtract(JSON.stringify(x, null, 1), { verifier: nodeVerifier, expectedKey: f.ledger.identity.verifierKey });
		expect(r.ok, r.reason).toBe(true);
		expect(r.completeUpTo).toBe(size);
		expect(r.checks.find((c) => c.name === 'complete')?.detail).toMatch(`Complete up to checkpoint ${size}: every edit of ${ID} in the log below ${size} is here, and every claim, decision and notice. The parcel map the checkpoint signs counts 1 parcel edit, 1 title edit, 2 private edits`);
	});

	it('takes one version of the head while edits of the parcel are committed', async () => {
		await submit(await f.edit(f.assessor, ID, 'parcel', genesisChange(f.assessor, 'parcel', ID, sampleParcel(ID)).change));
		for (let round = 0; round < 8; round++) {
			const more = [await privateEdit(10 + round), await privateEdit(10 + round, 'RIV-000003')];
			const [x] = await Promise.all([buildExtract(f.ledger, ID), submit(...more)]);
			const r = await verifyExtract(x, { verifier: nodeVerifier });
			expect(r.ok, r.reason).toBe(true);
			const opened = await openCheckpoint(x!.checkpoint, f.ledger.identity.key, nodeVerifier);
			if (!opened.ok) throw new Error(opened.message);
			const size = opened.value.checkpoint.size;
			expect(r.completeUpTo).toBe(size);
			// Every entry naming the parcel below that size, and none past it.
			const below = (await f.store.entriesOfParcel(ID)).filter((e) => e.index < size && decodeEntry(e.data).kind === 'edit').map((e) => e.index);
			expect(x!.entries.map((e) => e.index)).toEqual(below);
		}
	});
});
