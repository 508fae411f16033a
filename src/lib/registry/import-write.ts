// Writing confirmed import rows: each parcel's parcel, title and private parts are created as
// new Automerge documents (one first change each, by this tab's actor), signed on this
// workstation (WebCrypto, batched), and written like the save path writes an edit — the
// documents and their outbox rows in ONE Dexie transaction per chunk — then pushed like any
// outbox. The valuation part is left for an assessor (registrars may not write it).
import * as Automerge from '@automerge/automerge';
import { toHex } from '../core/bytes';
import { createPartDoc } from '../core/crdt/document';
import type { PartName } from '../core/record/parts';
import type { Signer } from '../core/signing/ed25519';
import { editToWire, signEdit } from '../core/signing/submit';
import type { DocRow, FieldDatabase, OutboxRow } from '../client/db';
import type { PreparedParcel } from './import-validate';

export interface ImportContext {
	db: FieldDatabase;
	signer: Signer;
	actor: string;
	origin: string;
}

export interface WriteOutcome {
	parcels: number;
	edits: number;
	ms: number;
	/** Where the time went: Automerge documents, signatures, the Dexie transactions. */
	split: { create: number; sign: number; store: number };
}

const PARTS = ['parcel', 'title', 'private'] as const;
const CHUNK = 250;

/** Creates, signs and stores every parcel; `onProgress(done, total)` after each chunk. */
export async function writeImport(ctx: ImportContext, parcels: PreparedParcel[], onProgress: (done: number, total: number) => void): Promise<WriteOutcome> {
	const t0 = performance.now();
	const now = Date.now();
	const time = Math.floor(now / 1000);
	let edits = 0;
	const split = { create: 0, sign: 0, store: 0 };
	for (let i = 0; i < parcels.length; i += CHUNK) {
		const chunk = parcels.slice(i, i + CHUNK);
		const tc = performance.now();
		const made: { parcelId: string; part: PartName; change: Uint8Array; row: number }[] = [];
		for (const p of chunk) {
			for (const part of PARTS) {
				const salt = part === 'private' ? crypto.getRandomValues(new Uint8Array(16)) : undefined;
				const r = createPartDoc(part, p.id, p[part] as never, { actor: ctx.actor, time, salt });
				if (!r.ok) throw new Error(`row ${p.row} (${p.id}) ${part}: ${r.message}`); // validated before: should not happen
				Automerge.free(r.doc);
				made.push({ parcelId: p.id, part, change: r.change, row: p.row });
			}
		}
		const ts = performance.now();
		split.create += ts - tc;
		const subs = await Promise.all(made.map((m) => signEdit({ origin: ctx.origin, signer: ctx.signer, parcelId: m.parcelId, part: m.part, change: m.change, claimedTime: now })));
		const tw = performance.now();
		split.sign += tw - ts;
		const docs = new Map<string, DocRow>();
		const outbox: OutboxRow[] = [];
		subs.forEach((sub, k) => {
			const m = made[k];
			const doc = docs.get(m.parcelId) ?? { parcelId: m.parcelId, parts: {}, rev: 1 };
			doc.parts[m.part] = m.change; // a part's first change alone loads as its document
			docs.set(m.parcelId, doc);
			const changeHash = sub.statement.kind === 'edit' ? toHex(sub.statement.changeHash) : '';
			outbox.push({ parcelId: m.parcelId, part: m.part, changeHash, wire: editToWire(sub), createdAt: now, summary: `imported (row ${m.row}): created the ${m.part} part`, status: 'pending' });
		});
		await ctx.db.transaction('rw', [ctx.db.docs, ctx.db.outbox], async () => {
			await ctx.db.docs.bulkPut([...docs.values()]);
			await ctx.db.outbox.bulkAdd(outbox);
		});
		split.store += performance.now() - tw;
		edits += outbox.length;
		onProgress(Math.min(i + CHUNK, parcels.length), parcels.length);
		await new Promise((r) => setTimeout(r, 0)); // let the page show the progress
	}
	return { parcels: parcels.length, edits, ms: performance.now() - t0, split };
}
