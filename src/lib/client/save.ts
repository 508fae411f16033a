// The save path: take the part's document with this tab's actor (from the tab's cache of opened
// parcels when it holds the stored bytes, else loaded), make one Automerge change, sign it on the
// device, then write the document, the outbox row and (when they change) the search row and its
// delta in ONE Dexie transaction (with a photo's blob, when the edit records one). If another
// writer changed the document meanwhile, the change is applied on top of that version inside the
// transaction, so neither edit is lost; on the parcel screen's basis (save-basis.ts) the writes go
// out with the reads and the transaction commits only if the reads show that basis. A transaction
// the browser refuses for lack of room writes nothing and is answered with `storage-full` and a
// message for people.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../core/bytes';
import { applyRemoteChanges, toPlain } from '../core/crdt/document';
import { editPart, type EditPatch } from '../core/crdt/edit';
import { listConflicts, resolveConflict } from '../core/crdt/conflicts';
import type { Issue } from '../core/record/issues';
import type { JsonValue } from '../core/record/json';
import { districtOf } from '../core/record/ids';
import { isPublicPart, writeRefusal, type PartName, type Role } from '../core/record/parts';
import type { Signer } from '../core/signing/ed25519';
import { editToWire, signEdit } from '../core/signing/submit';
import type { BlobRow, DocRow, FieldDatabase, SearchRow } from './db';
import { isBasis, rememberBasis, takeBasis, type SaveBasis } from './save-basis';
import { readDoc } from './doc-packs';
import { docCache, loadDoc } from './docs';
import { docKey, sameData } from './doc-cache';
import { emptyRow, updateRow } from './search-row';
import { deltaOf } from './search-index';
import { isQuotaError, storageFullMessage } from './storage';

export interface SaveContext {
	db: FieldDatabase;
	signer: Signer;
	/** This tab's actor (tab.ts). */
	actor: string;
	origin: string;
	/** The device key's grant, as replayed from the log; null when not granted (yet). */
	grant: { role: Role; districts: string[]; revoked: boolean } | null;
	now?: () => number;
}

export type SaveResult =
	| { ok: true; changed: boolean; changeHash: string | null }
	| { ok: false; code: string; message: string; issues: Issue[] };

/** The stored parcel moved on from the save's basis: the transaction is aborted and redone. */
class StaleBasis extends Error {}

const refuse = (code: string, message: string, issues: Issue[] = []): SaveResult => ({ ok: false, code, message, issues });

/** Why this device may not edit `part` of `parcelId`, or null. Checked before anything is signed. */
export function editRefusal(grant: SaveContext['grant'], parcelId: string, part: PartName): string | null {
	if (!grant) return 'This device’s key has not been granted by a registrar yet';
	if (grant.revoked) return 'This device’s key has been revoked';
	const refusal = writeRefusal(grant.role, part);
	if (refusal) return `${refusal} (you are ${grant.role === 'assessor' ? 'an assessor' : 'a registrar'})`;
	const district = districtOf(parcelId);
	if (!district || !(grant.districts.includes('*') || grant.districts.includes(district))) {
		return `Your key is not granted district ${district}`;
	}
	return null;
}

type Edit = { kind: 'patch'; patch: EditPatch } | { kind: 'resolve'; path: string; value: JsonValue } | { kind: 'given'; change: Uint8Array };

/** `blobs`: photos the edit records, stored in the same transaction (both or neither). */
export function saveEdit(ctx: SaveContext, parcelId: string, part: PartName, patch: EditPatch, summary: string, blobs: BlobRow[] = []): Promise<SaveResult> {
	return save(ctx, parcelId, part, { kind: 'patch', patch }, summary, blobs);
}

export function saveResolution(ctx: SaveContext, parcelId: string, part: PartName, path: string, value: JsonValue, summary: string): Promise<SaveResult> {
	return save(ctx, parcelId, part, { kind: 'resolve', path, value }, summary);
}

/**
 * Logs a change made earlier by this key (a notice's pending change, issue 21): applied to the
 * stored document and queued as an edit, like a change made now.
 */
export function saveGivenChange(ctx: SaveContext, parcelId: string, part: PartName, change: Uint8Array, summary: string): Promise<SaveResult> {
	return save(ctx, parcelId, part, { kind: 'given', change }, summary);
}

/** A given change applied to the document: a missing dependency means it does not fit this version. */
function applyGiven(doc: Automerge.Doc<Record<string, unknown>>, change: Uint8Array) {
	const r = applyRemoteChanges(doc, [change]);
	if (!r.ok) return { ...r, issues: [] };
	if (r.missingDeps.length) return { ok: false as const, code: 'missing-deps', message: 'the change builds on a version this workstation does not hold', issues: [] };
	return { ok: true as const, doc: r.doc, change };
}

async function save(ctx: SaveContext, parcelId: string, part: PartName, edit: Edit, summary: string, blobs: BlobRow[] = []): Promise<SaveResult> {
	const refusal = editRefusal(ctx.grant, parcelId, part);
	if (refusal) return refuse('not-allowed', refusal);
	const { db } = ctx;
	const key = docKey(db.name, parcelId, part);
	// The open parcel's document, unless a write to the documents was seen since: then the row is
	// read first (the transaction below compares the stored bytes either way).
	let row: DocRow | undefined;
	let data = docCache.confirmed(key, ctx.actor);
	if (!data) {
		row = (await readDoc(db, parcelId))?.row;
		data = row?.parts[part] ?? null;
		if (!row || !data) return refuse('not-on-device', `The ${part} part of ${parcelId} is not on this device`);
	}
	const loaded = docCache.take(key, data, ctx.actor);
	if (!loaded.ok) return refuse('bad-document', loaded.message);
	const now = (ctx.now ?? Date.now)();
	// The salt only goes into private-part changes (crdt/write.ts saltMessage).
	const change = { actor: ctx.actor, time: Math.floor(now / 1000), salt: crypto.getRandomValues(new Uint8Array(16)) };
	const r =
		edit.kind === 'patch'
			? editPart(loaded.doc, part, edit.patch, change)
			: edit.kind === 'given'
				? applyGiven(loaded.doc, edit.change)
				: resolveConflict(loaded.doc, part, edit.path, edit.value, change);
	if (!r.ok) {
		Automerge.free(loaded.doc);
		return refuse(r.code, r.message, r.issues);
	}
	if (!r.change) {
		docCache.put(key, data, ctx.actor, r.doc); // still the stored document
		return { ok: true, changed: false, changeHash: null };
	}
	const ours = r.change;
	// WebCrypto signs off the main thread: the bytes and the row's input are made meanwhile.
	const signing = signEdit({ origin: ctx.origin, signer: ctx.signer, parcelId, part, change: ours, claimedTime: now });
	let doc = r.doc;
	let saved = Automerge.save(doc);
	let plain = isPublicPart(part) ? toPlain(part, doc) : null;
	const base = data;
	// The parcel screen's basis, if it holds the bytes this document came from: the writes then go
	// out with the reads (save-basis.ts).
	const held = takeBasis(db.name, parcelId);
	const basis = held && held.row.parts[part] !== undefined && sameData(held.row.parts[part]!, base) ? held : null;
	try {
		const sub = await signing;
		const wire = editToWire(sub);
		const changeHash = sub.statement.kind === 'edit' ? toHex(sub.statement.changeHash) : '';
		const tables = [db.docs, db.docPacks, db.parcels, db.searchDelta, db.outbox, db.conflicts, ...(blobs.length ? [db.blobs] : [])];
		// The writes of this save over `current` (the stored row), issued now; and what they leave.
		const writeOver = (current: DocRow, existing: SearchRow | undefined, conflictKeys: string[]) => {
			const written: SaveBasis = { row: { parcelId, parts: { ...current.parts, [part]: saved }, rev: current.rev + 1 }, packed: false, search: existing, conflictKeys };
			const writes: Promise<unknown>[] = [db.docs.put(written.row), db.outbox.add({ parcelId, part, changeHash, wire, createdAt: now, summary, status: 'pending' })];
			if (plain) {
				const next = updateRow(existing ?? emptyRow(parcelId), part, plain);
				// Each written only when it changed: a delta write makes every tab reread the search index.
				if (!existing || JSON.stringify(next) !== JSON.stringify(existing)) writes.push(db.parcels.put(next));
				if (!existing || next.words.join('\n') !== existing.words.join('\n')) writes.push(db.searchDelta.put(deltaOf(next)));
				written.search = next;
			}
			// A write to a conflicted field settles it: drop what the conflicts list no longer holds
			// (listed only when the part has stored conflicts: most saves have none).
			const mine = conflictKeys.filter((k) => k.startsWith(`${parcelId}|${part}|`));
			if (mine.length) {
				const open = new Set(listConflicts(part, doc).map((c) => `${parcelId}|${part}|${c.path}`));
				const stale = new Set(mine.filter((k) => !open.has(k)));
				if (stale.size) {
					writes.push(db.conflicts.bulkDelete([...stale]));
					written.conflictKeys = conflictKeys.filter((k) => !stale.has(k));
				}
			}
			if (blobs.length) writes.push(db.blobs.bulkPut(blobs.map((b) => ({ ...b, changeHash }))));
			return { writes, written };
		};
		const attempt = (assumed: SaveBasis | null) =>
			db.transaction('rw', tables, async () => {
				// Reads together (then writes together, or with them on a basis): IndexedDB pipelines
				// requests within a transaction. Conflict keys by primary key (getAllKeys): a filtered
				// delete would open a cursor, which costs ms.
				const reads = Promise.all([
					db.docs.get(parcelId),
					db.parcels.get(parcelId),
					db.conflicts.where('parcelId').equals(parcelId).primaryKeys()
				]);
				const ahead = assumed ? writeOver(assumed.row, assumed.search, assumed.conflictKeys) : null;
				const [stored, existing, conflictKeys] = await reads;
				if (assumed && ahead) {
					if (!isBasis(assumed, stored, existing, conflictKeys)) {
						for (const w of ahead.writes) w.catch(() => {}); // rejected by the abort
						throw new StaleBasis();
					}
					await Promise.all(ahead.writes);
					return ahead.written;
				}
				// No row: the parcel's documents are still in its download's pack, as read above
				// (a pack changes only with an erasure, which writes the row).
				const current = stored ?? row ?? (await readDoc(db, parcelId))?.row;
				if (!current) throw new Error(`${parcelId} is no longer on this device`);
				const theirData = current.parts[part];
				if (theirData && !sameData(theirData, base)) {
					// Another tab or a pull wrote this part meanwhile: put our change on top of its version.
					const theirs = loadDoc(theirData, ctx.actor);
					if (!theirs.ok) throw new Error(theirs.message);
					const merged = applyRemoteChanges(theirs.doc, [ours]);
					if (!merged.ok) throw new Error(merged.message);
					Automerge.free(doc);
					doc = merged.doc;
					saved = Automerge.save(doc);
					plain = isPublicPart(part) ? toPlain(part, doc) : null;
				}
				const { writes, written } = writeOver(current, existing, conflictKeys);
				await Promise.all(writes);
				return written;
			});
		let written: SaveBasis;
		try {
			written = await attempt(basis);
		} catch (e) {
			// The stored parcel is not what the basis said (another tab, a pull): nothing was written.
			if (!(e instanceof StaleBasis)) throw e;
			written = await attempt(null);
		}
		rememberBasis(db.name, written);
		// Committed: the next save of this part starts from this document, not from a load.
		docCache.put(key, saved, ctx.actor, doc);
		return { ok: true, changed: true, changeHash };
	} catch (e) {
		// IndexedDB aborted the whole transaction: the device holds exactly what it held before.
		Automerge.free(doc);
		if (isQuotaError(e)) return refuse('storage-full', await storageFullMessage(blobs.length ? 'this photo' : 'this edit'));
		throw e;
	}
}
