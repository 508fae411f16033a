// Crash points of a batch commit (Sunlight-style): a store that fails at each step the sequencer
// takes, on both stores. After every failure the log must be consistent — a fresh Ledger.open,
// which recomputes the whole tree, succeeds — every submitter was told `unavailable`, and
// resubmitting the same signed statements works (a batch that did commit answers with its
// existing indexes).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../core/bytes';
import { leafHash } from '../core/log/hashing';
import { verifyConsistency, verifyInclusion } from '../core/log/proof';
import { signKeyEntry } from '../core/signing/submit';
import type { Submission } from '../core/log/submission';
import { sampleParcel, sampleValuation } from '../core/record/samples';
import { Ledger, type ItemResult } from './ledger';
import { FAULT_STEPS, InjectedFault, withFaults, type FaultStep } from './store/faults';
import { SqliteLogStore } from './store/sqlite/log-store';
import { PostgresLogStore } from './store/postgres/log-store';
import { skipPostgres } from './store/postgres/test-database';
import type { LogStore } from './store/types';
import { databaseSnapshot } from './testing/snapshot';
import { handleSubmissions } from './http/submissions';
import { editToWire } from '../core/signing/submit';
import { editChange, genesisChange, ledgerFixture, newEditor, ORIGIN, type Fixture, type StoreKind } from './testing/fixture';

const kinds: StoreKind[] = ['sqlite', ...(skipPostgres() ? [] : ['postgres' as const])];

/** Steps a batch commit goes through (the other FAULT_STEPS belong to loading the head). */
const COMMIT_STEPS: FaultStep[] = ['findIdentities', 'changeFacts', 'readHashes', 'commit:before', 'commit:inside', 'commit:after'];

async function reopenStore(store: LogStore): Promise<LogStore> {
	const s =
		store instanceof SqliteLogStore
			? new SqliteLogStore(store.db.name)
			: new PostgresLogStore((store as PostgresLogStore).pool.options.connectionString!, { max: 2 });
	await s.migrate();
	return s;
}

/** Opens the store as a restarted server would: full verification of every entry and hash. */
async function freshOpen(f: Fixture): Promise<number> {
	const store = await reopenStore(f.store);
	try {
		const ledger = await Ledger.open({ store, identity: f.ledger.identity, verify: true });
		return ledger.sequencer.size;
	} finally {
		await store.close();
	}
}

function checkpointRoot(f: Fixture, note: string) {
	return f.ledger.identity.openCheckpoint(note);
}

describe.each(kinds)('sequencer on %s: a failure at each step of a batch commit', (kind) => {
	let f: Fixture;
	let ledger: Ledger;
	let armed: Set<FaultStep>;
	let fired: FaultStep[];

	beforeEach(async () => {
		f = await ledgerFixture(kind);
		await f.ledger.sequencer.drain();
		armed = new Set();
		fired = [];
		const store = withFaults(f.store, (step) => {
			if (!armed.has(step)) return;
			armed.delete(step);
			fired.push(step);
			// The tripwire must fire inside the store's transaction, or `commit:inside` means nothing.
			if (step === 'commit:inside' && f.store instanceof SqliteLogStore) expect(f.store.db.inTransaction).toBe(true);
			throw new InjectedFault(step);
		});
		ledger = await Ledger.open({ store, identity: f.ledger.identity, clock: () => f.clock.now, maxDelayMs: 1 });
	});
	afterEach(async () => {
		await ledger.sequencer.drain();
		await f.cleanup();
	});

	/** One batch of every kind of work: new documents, an edit building on one in the same batch, a grant. */
	async function batch(tag: string): Promise<Submission[]> {
		const a = `RIV-${tag}A`;
		const b = `RIV-${tag}B`;
		const ga = genesisChange(f.assessor, 'parcel', a, sampleParcel(a));
		const ea = editChange(f.assessor, ga.doc, 'parcel', { zoning: 'R2' });
		const gb = genesisChange(f.assessor, 'parcel', b, sampleParcel(b));
		const vb = genesisChange(f.assessor, 'valuation', b, sampleValuation(b));
		const grant = await signKeyEntry({
			origin: ORIGIN,
			signer: f.registrar.signer,
			body: { kind: 'grant', grantee: newEditor().signer.publicKey, role: 'assessor', name: `Crash ${tag}`, districts: ['RIV'] },
			claimedTime: f.clock.now
		});
		return [
			await f.edit(f.assessor, a, 'parcel', ga.change),
			await f.edit(f.assessor, a, 'parcel', ea.change!),
			await f.edit(f.assessor, b, 'parcel', gb.change),
			await f.edit(f.assessor, b, 'valuation', vb.change),
			grant
		];
	}

	it.each(COMMIT_STEPS)('fails at %s: consistent log, unavailable answers, resubmission works', async (step) => {
		const subs = await batch(step.replace(/[^a-z]/gi, '').toUpperCase().slice(0, 10));
		const before = await databaseSnapshot(f.store);
		const beforeHead = (await f.store.head())!;
		armed.add(step);

		const failed = await ledger.submit(subs);
		expect(fired).toEqual([step]);
		for (const r of failed) {
			expect(r).toMatchObject({ status: 'refused', code: 'unavailable' });
			if (r.status === 'refused') expect(r.message).toMatch(/unavailable|injected fault/);
		}
		await ledger.sequencer.drain();
		const committed = step === 'commit:after';
		if (!committed) expect((await databaseSnapshot(f.store)).digest).toBe(before.digest);
		expect(await freshOpen(f)).toBe(beforeHead.size + (committed ? subs.length : 0));

		// The same process goes on: its view of the head was reloaded after the failure.
		const again = await ledger.submit(subs);
		const indexes = again.map((r) => (r.status === 'accepted' ? r.index : `${r.code}: ${r.message}`));
		expect(indexes).toEqual(subs.map((_, i) => beforeHead.size + i));
		for (const r of again) expect(r.status === 'accepted' && r.duplicate).toBe(committed);
		await checkAcknowledged(again, subs, beforeHead);
		expect(await freshOpen(f)).toBe(beforeHead.size + subs.length);
	});

	async function checkAcknowledged(results: ItemResult[], subs: Submission[], earlier: { size: number; checkpoint: string }) {
		const old = await checkpointRoot(f, earlier.checkpoint);
		for (const [i, r] of results.entries()) {
			if (r.status !== 'accepted') throw new Error(`refused: ${r.code}`);
			const cp = await checkpointRoot(f, r.checkpoint);
			const [stored] = await f.store.readEntries(r.index, r.index + 1);
			expect(toHex(stored.data)).toContain(toHex(subs[i].signature));
			expect(verifyInclusion(leafHash(stored.data), r.index, r.treeSize, r.proof, cp.root)).toEqual({ ok: true });
			const proof = await ledger.consistencyProof(old.size, cp.size);
			expect(verifyConsistency(old.size, cp.size, old.root, cp.root, proof)).toEqual({ ok: true });
		}
	}

	it('answers 503 with retry-after and a JSON reason over HTTP when the store fails', async () => {
		const subs = (await batch('HTTP')).slice(0, 4);
		armed.add('commit:before');
		const request = () =>
			new Request('http://127.0.0.1/api/edits', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ edits: subs.map(editToWire) })
			});
		const res = await handleSubmissions(request(), ledger, 'edits');
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe('2');
		const body = await res.json();
		expect(body.error.code).toBe('unavailable');
		expect(body.results.every((r: { code: string }) => r.code === 'unavailable')).toBe(true);
		const retry = await handleSubmissions(request(), ledger, 'edits');
		expect(retry.status).toBe(200);
	});

	it('survives a second failure while reloading the head after the first', async () => {
		const subs = await batch('TWICE');
		const beforeHead = (await f.store.head())!;
		armed.add('commit:after');
		armed.add('head');
		expect((await ledger.submit(subs)).every((r) => r.status === 'refused' && r.code === 'unavailable')).toBe(true);
		await ledger.sequencer.drain();
		expect(fired).toEqual(['commit:after', 'head']);
		// The sequencer's view is stale now; it must never answer from it with a wrong proof.
		let results: ItemResult[] = [];
		for (let attempt = 0; attempt < 3; attempt++) {
			results = await ledger.submit(subs);
			if (results.every((r) => r.status === 'accepted')) break;
			expect(results.every((r) => r.status === 'refused' && r.code === 'unavailable')).toBe(true);
		}
		expect(results.map((r) => r.status === 'accepted' && r.index)).toEqual(subs.map((_, i) => beforeHead.size + i));
		await checkAcknowledged(results, subs, beforeHead);
		expect(await freshOpen(f)).toBe(beforeHead.size + subs.length);
	});

	it('keeps every acknowledged entry through a storm of random failures at every step', async () => {
		let seed = 0x9e3779b9;
		const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
		const hookSteps = [...FAULT_STEPS];
		const acked = new Map<string, { index: number; sub: Submission }>();
		const checkpoints = new Set<string>();
		let pending: Submission[] = [];
		for (let round = 0; round < 40; round++) {
			pending.push(...(await batch(`S${round}`)).slice(round % 2 ? 0 : 2));
			// Each step of this round fails with probability 0.15.
			armed = new Set(hookSteps.filter(() => random() < 0.15));
			const results = await ledger.submit(pending);
			await ledger.sequencer.drain();
			const next: Submission[] = [];
			results.forEach((r, i) => {
				const id = toHex(pending[i].signature);
				if (r.status === 'accepted') {
					const known = acked.get(id);
					if (known) expect(r.index).toBe(known.index);
					acked.set(id, { index: r.index, sub: pending[i] });
					checkpoints.add(r.checkpoint);
				} else {
					// Only the store's failure may refuse these: they are all valid.
					expect(r.code, r.message).toBe('unavailable');
					next.push(pending[i]);
				}
			});
			pending = next;
		}
		armed.clear();
		for (const [i, r] of (await ledger.submit(pending)).entries()) {
			expect(r.status).toBe('accepted');
			if (r.status === 'accepted') acked.set(toHex(pending[i].signature), { index: r.index, sub: pending[i] });
		}
		expect(fired.length).toBeGreaterThan(10);
		const size = await freshOpen(f);
		const latest = await checkpointRoot(f, (await f.store.head())!.checkpoint);
		expect(latest.size).toBe(size);
		// Every acknowledged entry is at its index, once; every checkpoint anyone saw is a prefix of the latest.
		const seen = new Set<number>();
		for (const { index, sub } of acked.values()) {
			expect(seen.has(index)).toBe(false);
			seen.add(index);
			const [stored] = await f.store.readEntries(index, index + 1);
			expect(toHex(stored.data)).toContain(toHex(sub.signature));
			const proof = await ledger.inclusionProof(index, size);
			expect(verifyInclusion(leafHash(stored.data), index, size, proof, latest.root)).toEqual({ ok: true });
		}
		for (const note of checkpoints) {
			const cp = await checkpointRoot(f, note);
			expect(verifyConsistency(cp.size, size, cp.root, latest.root, await ledger.consistencyProof(cp.size, size))).toEqual({ ok: true });
		}
	});
});
