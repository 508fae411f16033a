// The log's side of witnessing against real witness services (in-process HTTP, real state files)
// and a real SQLite ledger: cosignatures attached to the served checkpoint, a witness that is down
// and comes back, one that holds another history, and gossip.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { toBase64 } from '../../core/bytes';
import { signCheckpoint } from '../../core/log/checkpoint';
import { treeHash } from '../../core/log/tree';
import { checkWitnesses, parsePolicy, type WitnessPolicy } from '../../core/witness/policy';
import { sampleParcel } from '../../core/record/samples';
import { nodeVerifier } from '../ed25519';
import { genesisChange, sqliteFixture, ORIGIN, type Fixture } from '../testing/fixture';
import { openWitnessKey } from '../witness/files';
import { WitnessService } from '../witness/service';
import { Ledger } from '../ledger';
import { SqliteLogStore } from '../store/sqlite/log-store';
import { Gossip } from './gossip';
import { Witnessing } from './witnessing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function startWitness(dir: string, name: string, f: Fixture, port = 0): Promise<{ service: WitnessService; server: Server; url: string; vkey: string }> {
	const { key } = openWitnessKey(join(dir, `${name.replace(/\W/g, '_')}.key`), name);
	const service = new WitnessService({ key, logs: [f.ledger.identity.key], stateFile: join(dir, `${name.replace(/\W/g, '_')}.state`) });
	const server = service.httpServer();
	await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
	const stop = () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => (service.close(), r()))));
	cleanups.push(() => server.listening && stop());
	return { service, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, vkey: key.vkey };
}

function witnessing(f: Fixture, policy: WitnessPolicy) {
	const w = new Witnessing({
		policy,
		head: () => f.ledger.mapVersion(),
		prove: (a, b) => f.ledger.consistencyProof(a, b),
		attach: (size, text, lines) => void f.ledger.sequencer.addCosignatures(size, text, lines),
		verifier: nodeVerifier,
		timing: { minIntervalMs: 0, backoffMs: 20, maxBackoffMs: 100 }
	});
	cleanups.push(() => w.stop());
	w.start();
	return w;
}

let parcel = 0;
async function addEdit(f: Fixture): Promise<void> {
	const id = `RIV-${String(++parcel).padStart(6, '0')}`;
	const g = genesisChange(f.assessor, 'parcel', id, sampleParcel(id));
	const [r] = await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', g.change)]);
	if (r.status !== 'accepted') throw new Error(`${r.code}: ${r.message}`);
}

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
	const end = Date.now() + ms;
	while (!(await cond())) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('witnessing', () => {
	it('attaches both witnesses cosignatures to the served checkpoint, resumes after a witness comes back', async () => {
		const f = await sqliteFixture();
		cleanups.push(() => f.cleanup());
		const dir = mkdtempSync(join(tmpdir(), 'witnessing-'));
		cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
		const a = await startWitness(dir, 'w.example/a', f);
		let b = await startWitness(dir, 'w.example/b', f);
		const policy = parsePolicy(`witness ${a.vkey} ${a.url}\nwitness ${b.vkey} ${b.url}\nquorum 2\n`);
		if (!policy.ok) throw new Error(policy.message);
		const w = witnessing(f, policy.value);
		const witnessed = async () => (await checkWitnesses(f.ledger.sequencer.checkpoint, policy.value, nodeVerifier)).ok;

		await until(witnessed); // the genesis head
		await addEdit(f);
		w.schedule();
		await until(witnessed);
		expect((await w.health()).witnesses.map((h) => h.state)).toEqual(['ok', 'ok']);
		expect(f.ledger.mapVersion().checkpoint).toBe(f.ledger.sequencer.checkpoint);
		// Stored with the checkpoint: a restarted server serves them before any witness answers again.
		await f.ledger.sequencer.cosignaturesStored();
		expect((await f.store.head())?.checkpoint).toBe(f.ledger.sequencer.checkpoint);
		const reopened = new SqliteLogStore(join(f.dir, 'log.db'));
		await reopened.migrate();
		cleanups.push(() => reopened.close());
		const restarted = await Ledger.open({ store: reopened, identity: f.ledger.identity }); // verifies the whole store
		expect((await checkWitnesses(restarted.sequencer.checkpoint, policy.value, nodeVerifier)).ok).toBe(true);

		// b goes down: the log goes on, and says so.
		const port = Number(new URL(b.url).port);
		await new Promise<void>((r) => (b.server.closeAllConnections(), b.server.close(() => (b.service.close(), r()))));
		await addEdit(f);
		w.schedule();
		await until(async () => {
			const [x, y] = (await w.health()).witnesses;
			return y.state === 'down' && x.cosignedSize === f.ledger.sequencer.size;
		});
		const h = await w.health();
		expect(h.witnesses[0]).toMatchObject({ state: 'ok', cosignedSize: f.ledger.sequencer.size });
		expect(h.head).toMatchObject({ witnessed: false, cosigners: ['w.example/a'] });
		expect(h.head.message).toMatch(/NOT WITNESSED.*missing: w\.example\/b/);

		// b comes back on its state file: it cosigns the new head (with a proof from what it cosigned).
		b = await startWitness(dir, 'w.example/b', f, port);
		await until(witnessed);
		expect((await w.health()).witnesses[1]).toMatchObject({ state: 'ok', failures: 0 });
	});

	it('reports a witness that holds another history as a conflict, and gets no cosignature from it', async () => {
		const f = await sqliteFixture();
		cleanups.push(() => f.cleanup());
		const dir = mkdtempSync(join(tmpdir(), 'witnessing-'));
		cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
		await addEdit(f);
		// The witness cosigned a tree of 2 entries with another root: a fork of this log.
		writeFileSync(join(dir, 'w_example_a.state'), JSON.stringify({ format: 'parcel-ledger-witness-state/v1', logs: { [ORIGIN]: { origin: ORIGIN, size: 2, root: toBase64(randomBytes(32)), checkpoint: '', at: 0 } } }));
		const a = await startWitness(dir, 'w.example/a', f);
		const policy = parsePolicy(`witness ${a.vkey} ${a.url}\nquorum 1\n`);
		if (!policy.ok) throw new Error(policy.message);
		const w = witnessing(f, policy.value);
		await until(async () => (await w.health()).witnesses[0].state === 'conflict');
		expect((await w.health()).witnesses[0].lastError).toMatch(/inconsistent/);
		expect((await checkWitnesses(f.ledger.sequencer.checkpoint, policy.value, nodeVerifier)).cosigned).toEqual([]);
	});

	it('gossip: a checkpoint of this log it extends is consistent; another tree under its key is evidence', async () => {
		const f = await sqliteFixture();
		cleanups.push(() => f.cleanup());
		await addEdit(f);
		const gossip = new Gossip({ logKey: f.ledger.identity.key, verifier: nodeVerifier, head: () => f.ledger.mapVersion(), rootAt: (n) => treeHash(n, f.ledger.sequencer.hashReader) });
		const old = f.ledger.sequencer.checkpoint;
		await addEdit(f);
		expect((await gossip.receive(old)).status).toBe('consistent');
		const forged = await signCheckpoint({ origin: ORIGIN, size: 2, root: randomBytes(32) }, ORIGIN, f.logSigner);
		const ahead = await signCheckpoint({ origin: ORIGIN, size: 99, root: randomBytes(32) }, ORIGIN, f.logSigner);
		expect(await gossip.receive(forged)).toMatchObject({ status: 'inconsistent', message: expect.stringContaining('two different trees of 2 entries') });
		expect(await gossip.receive(ahead)).toMatchObject({ status: 'inconsistent', message: expect.stringContaining('tree of 99 entries') });
		await gossip.receive(forged);
		expect(gossip.conflicts.count).toBe(2);
		expect((await gossip.receive('not a note')).status).toBe('unverified');
	});
});
