// Erasure on a legal request: the bodies of a parcel's private changes are deleted (and, on
// SQLite, gone from the database files), the log still verifies end to end, and nothing can be
// built on the erased history any more.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeHash } from '../../core/log/entry';
import { loadPartDoc, toPlain } from '../../core/crdt/document';
import { planErasure } from '../../core/privacy/erasure';
import { samplePrivate } from '../../core/record/samples';
import { skipPostgres } from '../store/postgres/test-database';
import { editChange, genesisChange, ledgerFixture, ORIGIN, type Fixture, type StoreKind } from '../testing/fixture';
import { verifyStoredLog } from '../verify-store';

const kinds: StoreKind[] = skipPostgres() ? ['sqlite'] : ['sqlite', 'postgres'];
const SECRET = 'ERASE-ME-NID-7731904';
const id = 'RIV-000777';

describe.each(kinds)('erasure on %s', (kind) => {
	let f: Fixture;
	let bodies: Uint8Array[];
	beforeEach(async () => {
		f = await ledgerFixture(kind);
		const g = genesisChange(f.registrar, 'private', id, { ...samplePrivate(id), nationalIds: { p1: SECRET } });
		const e = editChange(f.assessor, g.doc, 'private', { 'contacts.p1.phone': '+44 1632 960321' });
		bodies = [g.change, e.change!];
		const rs = await f.ledger.submit([await f.edit(f.registrar, id, 'private', g.change), await f.edit(f.assessor, id, 'private', e.change!)]);
		expect(rs.map((r) => r.status)).toEqual(['accepted', 'accepted']);
	});
	afterEach(async () => {
		await f.cleanup();
	});

	const plan = (changes = bodies, paths = ['nationalIds.p1']) =>
		planErasure({ origin: ORIGIN, registrar: f.registrar.signer, parcelId: id, changes, paths, reason: 'Data subject request 2026-17', legalBasis: 'GDPR Art. 17(1)(a)', now: f.clock.now, random: (n) => randomBytes(n) });

	it('deletes the bodies, starts the document afresh, and the log still verifies', async () => {
		const p = await plan();
		if (!p.ok) throw new Error(p.message);
		const results = await f.ledger.submit(p.submissions);
		expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
		for (const b of bodies) {
			const row = await f.store.readChange(changeHash(b));
			expect(row?.erased).toBe(true);
			expect(row?.body.length).toBe(0);
		}
		// What remains rebuilds from the changes that are not erased: the fresh start.
		const live = (await f.store.changesOfParcel(id)).filter((c) => c.part === 'private' && !c.erased).map((c) => c.body);
		expect(live.length).toBe(1);
		const doc = loadPartDoc(live);
		if (!doc.ok) throw new Error(doc.message);
		const plain = toPlain('private', doc.doc);
		expect(JSON.stringify(plain)).not.toContain(SECRET);
		expect((plain.contacts as Record<string, Record<string, string>>).p1.phone).toBe('+44 1632 960321');
		expect(await verifyStoredLog(f.store, f.ledger.identity)).toBe(f.ledger.sequencer.size);
		if (kind === 'sqlite') {
			// The bytes are gone from the database files, not just from the rows.
			for (const file of ['log.db', 'log.db-wal']) {
				const path = join(f.dir, file);
				if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(SECRET)), file).toBe(false);
			}
		}
	});

	it('refuses an incomplete erasure, a second one, and edits built on erased history', async () => {
		const partial = await plan([bodies[0]]);
		if (!partial.ok) throw new Error(partial.message);
		const [r] = await f.ledger.submit([partial.submissions[0]]);
		expect(r.status === 'refused' && r.code).toBe('not-erasable');

		const p = await plan();
		if (!p.ok) throw new Error(p.message);
		await f.ledger.submit(p.submissions);
		// The same signed erasure again is answered with its index; a new one is refused.
		const [dup] = await f.ledger.submit([p.submissions[0]]);
		expect(dup.status === 'accepted' && dup.duplicate).toBe(true);
		f.clock.now += 1000;
		const again = await plan();
		if (!again.ok) throw new Error(again.message);
		const [r2] = await f.ledger.submit([again.submissions[0]]);
		expect(r2.status === 'refused' && r2.code).toBe('not-erasable');

		// An offline device that still holds the old document edits it: refused, with the reason.
		const old = loadPartDoc(bodies);
		if (!old.ok) throw new Error(old.message);
		const stale = editChange(f.assessor, old.doc, 'private', { internalNotes: 'written on the old document' });
		const [r3] = await f.ledger.submit([await f.edit(f.assessor, id, 'private', stale.change!)]);
		expect(r3.status === 'refused' && r3.code).toBe('depends-on-erased');
	});

	it('lets only a registrar erase', async () => {
		const p = await planErasure({ origin: ORIGIN, registrar: f.assessor.signer, parcelId: id, changes: bodies, paths: ['nationalIds.p1'], reason: 'r', legalBasis: 'b', now: f.clock.now, random: (n) => randomBytes(n) });
		if (!p.ok) throw new Error(p.message);
		const [r] = await f.ledger.submit([p.submissions[0]]);
		expect(r.status === 'refused' && r.code).toBe('not-a-registrar');
	});
});
