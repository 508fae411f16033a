// Seeds the demo county through the same signed-edit path as real edits: every parcel part is
// an Automerge document whose changes are signed by a demo key and sequenced by the ledger.
import * as Automerge from '@automerge/automerge';
import { createHash } from 'node:crypto';
import { makeActor } from '../../core/crdt/actors';
import { createPartDoc, loadPartDoc } from '../../core/crdt/document';
import { editPart, type EditPatch } from '../../core/crdt/edit';
import type { PartDoc } from '../../core/crdt/representation';
import type { Submission } from '../../core/log/submission';
import type { PartName } from '../../core/record/parts';
import type { Signer } from '../../core/signing/ed25519';
import { signEdit, signKeyEntry } from '../../core/signing/submit';
import { nodeSigner } from '../ed25519';
import type { Ledger } from '../ledger';
import { generateCounty, prng } from './generate';

export interface DemoKey {
	id: string;
	name: string;
	role: 'assessor' | 'registrar';
	districts: string[];
	signer: Signer;
	secretKey: Uint8Array;
	actor: string;
}

const seedBytes = (label: string) => createHash('sha256').update(`parcel-ledger demo: ${label}`).digest();
/** Deterministic salts keep the demo county byte-for-byte reproducible (its data is invented). */
const demoSalt = (id: string, part: string, n: number) => new Uint8Array(seedBytes(`salt ${id} ${part} ${n}`).subarray(0, 16));

function demoKey(id: string, name: string, role: DemoKey['role'], districts: string[]): DemoKey {
	const secretKey = new Uint8Array(seedBytes(`key ${id}`));
	const signer = nodeSigner(secretKey);
	return { id, name, role, districts, signer, secretKey, actor: makeActor(signer.publicKey, seedBytes(`actor ${id}`).subarray(0, 8)) };
}

/** The demo keys, derived from fixed labels so every demo county has the same editors. */
export function demoKeys() {
	return {
		registrar: demoKey('registrar', 'Rhea Registrar (demo)', 'registrar', ['*']),
		ava: demoKey('assessor-ava', 'Ava Assessor (demo)', 'assessor', ['NORTH', 'RIV']),
		bo: demoKey('assessor-bo', 'Bo Assessor (demo)', 'assessor', ['EAST', 'RIV']),
		cy: demoKey('assessor-cy', 'Cy Assessor (demo, revoked)', 'assessor', ['EAST'])
	};
}

export const demoLogSecret = (): Uint8Array => new Uint8Array(seedBytes('log key'));

export interface SeedOptions {
	ledger: Ledger;
	clock: { now: number };
	parcelsPerDistrict: number;
	progress?: (done: number, total: number) => void;
}

const DAY = 86_400_000;

export async function seedDemoCounty(o: SeedOptions): Promise<{ parcels: number; entries: number }> {
	const keys = demoKeys();
	const { ledger, clock } = o;
	const origin = ledger.origin;
	const rnd = prng(7);
	const submitAll = async (subs: Submission[]) => {
		const results = await ledger.submit(subs);
		results.forEach((r, i) => {
			if (r.status !== 'accepted') throw new Error(`demo seed: item ${i} refused: ${r.code}: ${r.message}`);
		});
	};

	const grants = [keys.ava, keys.bo, keys.cy].map((k) =>
		signKeyEntry({ origin, signer: keys.registrar.signer, body: { kind: 'grant', grantee: k.signer.publicKey, role: k.role, name: k.name, districts: k.districts }, claimedTime: clock.now })
	);
	await submitAll(await Promise.all(grants));

	const total = o.parcelsPerDistrict * 3;
	let done = 0;
	let pending: Submission[] = [];
	const flush = async () => {
		if (!pending.length) return;
		// The log's clock follows the latest claimed time, so the demo's history spans months.
		const latest = Math.max(...pending.map((s) => s.statement.claimedTime));
		clock.now = Math.max(clock.now, latest) + 60_000;
		await submitAll(pending);
		pending = [];
	};
	const sign = async (k: DemoKey, parcelId: string, part: PartName, change: Uint8Array, at: number) => {
		pending.push(await signEdit({ origin, signer: k.signer, parcelId, part, change, claimedTime: at }));
	};
	const time = (ms: number) => Math.floor(ms / 1000);

	for (const p of generateCounty({ parcelsPerDistrict: o.parcelsPerDistrict })) {
		const at = clock.now;
		const docs = {} as Record<PartName, PartDoc>;
		const create = async <P extends PartName>(k: DemoKey, part: P, init: Parameters<typeof createPartDoc<P>>[2]) => {
			const r = createPartDoc(part, p.id, init, { actor: k.actor, time: time(at), salt: demoSalt(p.id, part, 0) });
			if (!r.ok) throw new Error(`demo ${p.id} ${part}: ${r.message} ${JSON.stringify(r.issues)}`);
			docs[part] = r.doc;
			await sign(k, p.id, part, r.change, at);
		};
		await create(keys.registrar, 'parcel', p.parcel);
		await create(keys.registrar, 'title', p.title);
		await create(keys.registrar, 'private', p.private);
		const assessor = p.district.code === 'EAST' ? keys.bo : keys.ava;
		await create(assessor, 'valuation', p.valuation);

		const edit = async (k: DemoKey, part: PartName, patch: EditPatch, later: number) => {
			const r = editPart(docs[part], part, patch, { actor: k.actor, time: time(at + later), salt: demoSalt(p.id, part, later) });
			if (!r.ok) throw new Error(`demo edit ${p.id} ${part}: ${r.message} ${JSON.stringify(r.issues)}`);
			docs[part] = r.doc;
			if (r.change) await sign(k, p.id, part, r.change, at + later);
		};
		const roll = rnd();
		if (roll < 0.12) await edit(assessor, 'parcel', { notes: 'Site visit: boundary fence matches the plan.' }, 30 * DAY);
		if (roll > 0.9 && p.parcel.buildings.b1) await edit(assessor, 'parcel', { 'buildings.b1.floors': p.parcel.buildings.b1.floors + 1 }, 45 * DAY);
		if (roll > 0.8 && roll < 0.86) {
			const a = p.valuation.assessments['2024'];
			const land = Math.round(a.land * 1.04);
			await edit(assessor, 'valuation', { 'assessments.2025': { ...a, land, total: land + a.improvements, date: '2025-04-01' } }, 60 * DAY);
		}
		if (roll > 0.3 && roll < 0.32) await edit(keys.registrar, 'title', { 'parties.p1.name': `${p.title.parties.p1.name} (corrected)` }, 20 * DAY);
		if (roll > 0.5 && roll < 0.53) await edit(assessor, 'private', { 'contacts.p1.phone': '+44 1632 960999' }, 10 * DAY);

		for (const d of Object.values(docs)) Automerge.free(d);
		done++;
		if (pending.length >= 800) await flush();
		if (done % 100 === 0) o.progress?.(done, total);
	}
	await flush();
	await seedConflictsAndRevocation(o, keys);
	o.progress?.(total, total);
	return { parcels: total, entries: ledger.sequencer.size };
}

/**
 * Two parcels where both assessors, offline, changed the same field: unresolved conflicts for the
 * registry queue. And Cy's lost tablet: an edit, then the revocation that ends the key.
 */
async function seedConflictsAndRevocation(o: SeedOptions, keys: ReturnType<typeof demoKeys>) {
	const { ledger, clock } = o;
	const origin = ledger.origin;
	const subs: Submission[] = [];
	const at = (clock.now += DAY);
	for (const [parcelId, field, a, b] of [
		['RIV-000003', 'zoning', 'R3', 'C2'],
		['RIV-000010', 'landUse', 'mixed use', 'vacant']
	] as const) {
		const changes = (await ledger.store.changesOfParcel(parcelId)).filter((c) => c.part === 'parcel').map((c) => c.body);
		for (const [k, value] of [[keys.ava, a], [keys.bo, b]] as const) {
			const base = loadPartDoc(changes, { actor: k.actor });
			if (!base.ok) throw new Error(base.message);
			const r = editPart(base.doc, 'parcel', { [field]: value }, { actor: k.actor, time: Math.floor(at / 1000) });
			if (!r.ok || !r.change) throw new Error(`demo conflict ${parcelId}: ${r.ok ? 'no change' : r.message}`);
			subs.push(await signEdit({ origin, signer: k.signer, parcelId, part: 'parcel', change: r.change, claimedTime: at }));
		}
	}
	const east = (await ledger.store.changesOfParcel('EAST-000002')).filter((c) => c.part === 'parcel').map((c) => c.body);
	const cyDoc = loadPartDoc(east, { actor: keys.cy.actor });
	if (!cyDoc.ok) throw new Error(cyDoc.message);
	const cyEdit = editPart(cyDoc.doc, 'parcel', { notes: 'Measured the frontage: 58 m.' }, { actor: keys.cy.actor, time: Math.floor(at / 1000) });
	if (!cyEdit.ok || !cyEdit.change) throw new Error('demo: Cy edit');
	subs.push(await signEdit({ origin, signer: keys.cy.signer, parcelId: 'EAST-000002', part: 'parcel', change: cyEdit.change, claimedTime: at }));
	clock.now += 60_000;
	const results = await ledger.submit(subs);
	results.forEach((r) => {
		if (r.status !== 'accepted') throw new Error(`demo seed refused: ${r.code}: ${r.message}`);
	});
	clock.now += DAY;
	const revoke = await signKeyEntry({ origin, signer: keys.registrar.signer, body: { kind: 'revoke', revoked: keys.cy.signer.publicKey, reason: 'Tablet reported lost (demo)' }, claimedTime: clock.now });
	const [r] = await ledger.submit([revoke]);
	if (r.status !== 'accepted') throw new Error(`demo revoke refused: ${r.code}`);
}
