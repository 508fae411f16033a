// Reading parcel documents from the device: lazily loaded from their stored bytes (snapshot
// base64 is decoded here, on first open), with this tab's actor so edits need no clone.
import * as Automerge from '@automerge/automerge';
import { loadPartDoc, toPlain } from '../core/crdt/document';
import { listConflicts, type Conflict } from '../core/crdt/conflicts';
import { fieldChanges, type ChangeSummary } from '../core/crdt/history';
import type { PartDoc } from '../core/crdt/representation';
import type { JsonObject } from '../core/record/json';
import { PART_NAMES, type PartName } from '../core/record/parts';
import { decodeBase64 } from './base64';
import type { FieldDatabase, PartData } from './db';

export const bytesOf = (data: PartData): Uint8Array => (typeof data === 'string' ? decodeBase64(data) : data);

/** The document of a stored part, or an error message. */
export function loadDoc(data: PartData, actor?: string): { ok: true; doc: PartDoc } | { ok: false; message: string } {
	const loaded = loadPartDoc(bytesOf(data), actor ? { actor } : {});
	return loaded.ok ? { ok: true, doc: loaded.doc } : { ok: false, message: loaded.message };
}

export interface PartView {
	part: PartName;
	/** Null when the device does not hold this part (e.g. private details it may not read). */
	plain: JsonObject | null;
	conflicts: Conflict[];
	history: ChangeSummary[];
	error: string | null;
}

/** Everything the parcel screen shows about each part, read from the device's documents. */
export async function readParcel(db: FieldDatabase, parcelId: string): Promise<PartView[]> {
	const row = await db.docs.get(parcelId);
	return PART_NAMES.map((part) => {
		const data = row?.parts[part];
		if (!data) return { part, plain: null, conflicts: [], history: [], error: null };
		const loaded = loadDoc(data);
		if (!loaded.ok) return { part, plain: null, conflicts: [], history: [], error: loaded.message };
		try {
			return {
				part,
				plain: toPlain(part, loaded.doc),
				conflicts: listConflicts(part, loaded.doc),
				history: fieldChanges(loaded.doc, part),
				error: null
			};
		} finally {
			Automerge.free(loaded.doc);
		}
	});
}
