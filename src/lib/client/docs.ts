// Reading parcel documents from the device: lazily loaded from their stored bytes (snapshot
// base64 is decoded here, on first open), with this tab's actor so edits need no clone.
import * as Automerge from '@automerge/automerge';
import Dexie, { RangeSet } from 'dexie';
import { loadPartDoc, toPlain } from '../core/crdt/document';
import { listConflicts, type Conflict } from '../core/crdt/conflicts';
import { fieldChanges, type ChangeSummary } from '../core/crdt/history';
import type { PartDoc } from '../core/crdt/representation';
import type { JsonObject } from '../core/record/json';
import { PART_NAMES, type PartName } from '../core/record/parts';
import { decodeBase64 } from './base64';
import { splitChanges } from '../core/crdt/change-chunks';
import { sha256 } from '../core/hash';
import { toHex } from '../core/bytes';
import { neutralizeText, neutralizeValue } from '../core/record/text-rules.js';
import type { DocRow, FieldDatabase, PartData } from './db';
import { readDoc } from './doc-packs';
import { rememberBasis } from './save-basis';
import { DocCache, docKey } from './doc-cache';

export const bytesOf = (data: PartData): Uint8Array => (typeof data === 'string' ? decodeBase64(data) : data);

/** A change of a stored part that Automerge refuses (issue 22): left out, the rest is loaded. */
export interface UnusableChange {
	/** SHA-256 of the change (hex): how its log entry names it. */
	hash: string;
	message: string;
}

/**
 * The document of a stored part, or an error message. A change in it that Automerge refuses (a
 * log from before the server checked every change) is left out and listed in `unusable`.
 */
export function loadDoc(data: PartData, actor?: string): { ok: true; doc: PartDoc; unusable: UnusableChange[] } | { ok: false; message: string } {
	const bytes = bytesOf(data);
	const loaded = loadPartDoc(bytes, actor ? { actor } : {});
	if (!loaded.ok) return { ok: false, message: loaded.message };
	let unusable: UnusableChange[] = [];
	if (loaded.bad.length) {
		const split = splitChanges(bytes);
		unusable = loaded.bad.map((b) => ({ hash: split.ok ? toHex(sha256(split.changes[b.index])) : '', message: b.message }));
	}
	return { ok: true, doc: loaded.doc, unusable };
}

export interface PartView {
	part: PartName;
	/** Null when the device does not hold this part (e.g. private details it may not read). */
	plain: JsonObject | null;
	conflicts: Conflict[];
	history: ChangeSummary[];
	error: string | null;
	/** Changes left out because Automerge refuses them; the part shows without them. */
	unusable: UnusableChange[];
}

/** The tab's loaded documents: the four parts of the two most recently opened parcels. */
export const docCache = new DocCache(8, loadDoc);
// Dexie reports every committed write, this tab's (before its transaction's promise settles) and
// other tabs' (broadcast): after one to `docs`, a save reads the row again before trusting the cache.
Dexie.on('storagemutated', (parts) => {
	for (const [part, keys] of Object.entries(parts)) {
		// `idb://<database>/docs/` holds the primary keys written (parcel ids); `all`: everything.
		const m = /^idb:\/\/(.+)\/docs\/(:dels)?$/.exec(part);
		if (m) {
			const written = RangeSet(keys); // a plain tree when another tab sent it
			docCache.unconfirm(m[1], (id) => written.hasKey(id));
		} else if (part === 'all') docCache.unconfirm(null);
		else {
			// Packs change only when a download stores them or an erasure empties them: rare, so
			// every document of the database is read again.
			const packs = /^idb:\/\/(.+)\/docPacks\/(:dels)?$/.exec(part);
			if (packs) docCache.unconfirm(packs[1]);
		}
	}
});

/**
 * The parcel's documents row, with its search row and conflict keys read in the same transaction
 * and kept as the basis of the tab's next save of it (save-basis.ts).
 */
async function readBasis(db: FieldDatabase, parcelId: string): Promise<DocRow | undefined> {
	const [stored, search, conflictKeys] = await db.transaction('r', [db.docs, db.docPacks, db.parcels, db.conflicts], () =>
		Promise.all([readDoc(db, parcelId), db.parcels.get(parcelId), db.conflicts.where('parcelId').equals(parcelId).primaryKeys()])
	);
	if (stored) rememberBasis(db.name, { ...stored, search, conflictKeys });
	return stored?.row;
}

/**
 * Everything the parcel screen shows about each part, read from the device's documents. With
 * `actor` (this tab's, tab.ts) the documents stay in `docCache`, ready for the save that follows.
 */
export async function readParcel(db: FieldDatabase, parcelId: string, actor?: string): Promise<PartView[]> {
	const row = actor ? await readBasis(db, parcelId) : (await readDoc(db, parcelId))?.row;
	return PART_NAMES.map((part) => {
		const data = row?.parts[part];
		if (!data) return { part, plain: null, conflicts: [], history: [], error: null, unusable: [] };
		const view = (doc: PartDoc, unusable: UnusableChange[]): PartView => {
			// Shown, never written back unless edited: text the rule refuses (written before it, or
			// by another implementation) appears as visible stand-ins that cannot reorder a field.
			const last = (path: string) => path.split('.').at(-1) ?? '';
			return {
				part,
				plain: neutralizeValue(toPlain(part, doc)),
				conflicts: listConflicts(part, doc).map((c) => ({ ...c, values: c.values.map((v) => ({ ...v, value: neutralizeValue(v.value, last(c.path)) })) })),
				history: fieldChanges(doc, part).map((h) => ({
					...h,
					message: h.message === null ? null : neutralizeText(h.message),
					diffs: h.diffs.map((d) => ({ ...d, before: neutralizeValue(d.before, last(d.path)), after: neutralizeValue(d.after, last(d.path)) }))
				})),
				error: null,
				unusable
			};
		};
		const failed = (message: string): PartView => ({ part, plain: null, conflicts: [], history: [], error: message, unusable: [] });
		if (actor) {
			const r = docCache.read(docKey(db.name, parcelId, part), data, actor, view);
			return r.ok ? r.value : failed(r.message);
		}
		const loaded = loadDoc(data);
		if (!loaded.ok) return failed(loaded.message);
		try {
			return view(loaded.doc, loaded.unusable);
		} finally {
			Automerge.free(loaded.doc);
		}
	});
}
