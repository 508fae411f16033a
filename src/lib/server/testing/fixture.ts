// Test support: a real SQLite (or PostgreSQL) ledger in a temp folder with a registrar and an
// assessor, and helpers that make signed edits of real Automerge documents.
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Automerge from '@automerge/automerge';
import type { Doc } from '@automerge/automerge';
import type { PartDoc } from '../../core/crdt/representation';
import { createPartDoc, type PartInit } from '../../core/crdt/document';
import { editPart, type EditPatch } from '../../core/crdt/edit';
import { makeActor } from '../../core/crdt/actors';
import type { PartName } from '../../core/record/parts';
import type { Signer } from '../../core/signing/ed25519';
import { signEdit, signKeyEntry } from '../../core/signing/submit';
import type { Submission } from '../../core/log/submission';
import { nodeSigner } from '../ed25519';
import { logIdentity } from '../log-identity';
import { initLog } from '../init-log';
import type { Ledger } from '../ledger';
import { SqliteLogStore } from '../store/sqlite/log-store';
import type { LogStore } from '../store/types';
import type { CheckPool } from '../check-pool';
import { PostgresLogStore } from '../store/postgres/log-store';
import { createTestDatabase } from '../store/postgres/test-database';

export const ORIGIN = 'test.parcel-ledger.example/log';

export interface Editor {
	signer: Signer;
	actor: string;
}

export function newEditor(): Editor {
	const signer = nodeSigner(randomBytes(32));
	return { signer, actor: makeActor(signer.publicKey, randomBytes(8)) };
}

export interface Fixture {
	ledger: Ledger;
	store: LogStore;
	registrar: Editor;
	assessor: Editor;
	clock: { now: number };
	dir: string;
	logSigner: Signer;
	edit(e: Editor, parcelId: string, part: PartName, change: Uint8Array): Promise<Submission>;
	cleanup(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'postgres';

/** A fixture on a fresh store of the given kind (PostgreSQL: a new database on PG_TEST_URL). */
export async function ledgerFixture(kind: StoreKind, opts: { maxDelayMs?: number; checkPool?: CheckPool } = {}): Promise<Fixture> {
	if (kind === 'sqlite') return sqliteFixture(opts);
	const db = await createTestDatabase();
	const f = await sqliteFixture({ ...opts, store: new PostgresLogStore(db.url) });
	const cleanup = f.cleanup;
	f.cleanup = async () => {
		await cleanup();
		await db.drop();
	};
	return f;
}

export async function sqliteFixture(opts: { maxDelayMs?: number; store?: LogStore; checkPool?: CheckPool } = {}): Promise<Fixture> {
	const dir = mkdtempSync(join(tmpdir(), 'pl-ledger-'));
	const store = opts.store ?? new SqliteLogStore(join(dir, 'log.db'));
	const logSigner = nodeSigner(randomBytes(32));
	const identity = logIdentity(ORIGIN, logSigner);
	const clock = { now: 1_767_225_600_000 };
	const registrar = newEditor();
	const assessor = newEditor();
	const ledger = await initLog({
		store,
		identity,
		clock: () => clock.now,
		maxDelayMs: opts.maxDelayMs ?? 1,
		checkPool: opts.checkPool,
		registrar: registrar.signer,
		registrarName: 'Test Registrar'
	});
	const grant = await signKeyEntry({
		origin: ORIGIN,
		signer: registrar.signer,
		body: { kind: 'grant', grantee: assessor.signer.publicKey, role: 'assessor', name: 'Test Assessor', districts: ['NORTH', 'RIV'] },
		claimedTime: clock.now
	});
	const [g] = await ledger.submit([grant]);
	if (g.status !== 'accepted') throw new Error(`grant refused: ${JSON.stringify(g)}`);
	return {
		ledger,
		store,
		registrar,
		assessor,
		clock,
		dir,
		logSigner,
		edit: (e, parcelId, part, change) =>
			signEdit({ origin: ORIGIN, signer: e.signer, parcelId, part, change, claimedTime: clock.now }),
		async cleanup() {
			await ledger.sequencer.drain();
			await store.close().catch(() => {});
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** A new part document's first change, written by `e`. */
export function genesisChange<P extends PartName>(e: Editor, part: P, parcelId: string, init: PartInit<P>, time = 1_767_225_600) {
	const r = createPartDoc(part, parcelId, init, { actor: e.actor, time, salt: randomBytes(16) });
	if (!r.ok) throw new Error(`createPartDoc: ${r.message}`);
	return r;
}

export function editChange(e: Editor, doc: Doc<unknown>, part: PartName, patch: EditPatch, time = 1_767_225_700) {
	// A clone, so that tests can branch one document into concurrent (or colliding) edits.
	const r = editPart(Automerge.clone(doc as PartDoc, { actor: e.actor }), part, patch, { actor: e.actor, time, salt: randomBytes(16) });
	if (!r.ok) throw new Error(`editPart: ${r.message}`);
	if (!r.change) throw new Error('edit changed nothing');
	return r;
}
