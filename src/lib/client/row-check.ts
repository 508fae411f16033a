// Search rows against documents. A snapshot's search rows come from the server's projection and
// are NOT proven by the parcel map (documents are; bootstrap.ts). Checking 100,000 rows at download
// would cost an Automerge load per part (minutes on a tablet), so the device checks them later:
// - when a parcel is opened, its row is recomputed from its verified documents (checkParcelRow);
// - after the download's first sync, a background pass in idle time does the same for every
//   parcel of the district, resumable (checkDistrictRows; the cursor is in DistrictRecord).
// A row that differs is replaced by the one computed from the documents, and a `bad-row` alarm
// (code `row-mismatch`) names the parcel and the field. Until the district's first sync after the
// download nothing is compared: an honest row may run ahead of the snapshot's size, and sync
// brings the changes behind it (and rewrites the rows of the parcels it touches).
import * as Automerge from '@automerge/automerge';
import { toPlain } from '../core/crdt/document';
import { districtOf } from '../core/record/ids';
import { isJsonObject, type JsonObject, type JsonValue } from '../core/record/json';
import { neutralizeText } from '../core/record/text-rules.js';
import { PUBLIC_PARTS } from '../core/record/parts';
import { recordAlarm } from './checkpoints';
import type { DocRow, FieldDatabase, SearchRow } from './db';
import { readDoc, readDocs } from './doc-packs';
import { loadDoc } from './docs';
import { deltaOf } from './search-index';
import { emptyRow, finishRow, updateRow } from './search-row';
import { getState, putState } from './state';

/**
 * The server's projection shows every string by the record text rule (refused characters as
 * visible stand-ins, core/record/text-rules.js); rows the device computes keep the text as it is.
 * Rows are compared in the server's form. Row fields are all one-line strings.
 */
function neutralized(x: unknown): unknown {
	if (typeof x === 'string') return neutralizeText(x);
	if (Array.isArray(x)) return x.map(neutralized);
	if (isJsonObject(x as JsonValue)) return Object.fromEntries(Object.entries(x as JsonObject).map(([k, v]) => [neutralizeText(k), neutralized(v)]));
	return x;
}

/** The search row the documents give, as pulls and saves compute it (public parts; a part that does not load is left out). */
export function rowFromDocs(id: string, parts: DocRow['parts'] | undefined): SearchRow {
	let row: SearchRow = finishRow(emptyRow(id));
	for (const part of PUBLIC_PARTS) {
		const data = parts?.[part];
		if (!data) continue;
		const loaded = loadDoc(data);
		if (!loaded.ok) continue;
		try {
			row = updateRow(row, part, toPlain(part, loaded.doc));
		} finally {
			Automerge.free(loaded.doc);
		}
	}
	return row;
}

const FIELDS = ['apn', 'status', 'addressLine', 'locality', 'postcode', 'landUse', 'zoning', 'recordedArea', 'owners', 'totalValue', 'valueYear', 'geometry', 'bbox'] as const;

const shown = (x: unknown) => {
	const s = JSON.stringify(x) ?? 'nothing';
	return s.length > 60 ? `${s.slice(0, 60)}…` : s;
};

/** The first field in which the stored row differs from the computed one, for people; null when equal. */
export function rowDifference(stored: SearchRow | undefined, computed: SearchRow): string | null {
	if (!stored) return 'the device holds no search row of it';
	for (const f of FIELDS) {
		const [a, b] = [neutralized(stored[f]), neutralized(computed[f])];
		if (JSON.stringify(a) !== JSON.stringify(b)) return `${f}: the server said ${shown(a)}, the documents say ${shown(b)}`;
	}
	return null;
}

/** Whether rows of the district can be compared yet: a sync followed it to the end after its download. */
async function comparable(db: FieldDatabase, id: string): Promise<boolean> {
	const d = districtOf(id);
	const rec = d ? (await getState(db, 'districts'))?.[d] : undefined;
	return !!rec && rec.status === 'ready' && !!rec.syncedAt && !!rec.downloadedAt && rec.syncedAt >= rec.downloadedAt;
}

/**
 * Replaces the rows that differ from their documents (unless a save or pull rewrote the documents
 * meanwhile) and raises one alarm per parcel. Returns the parcels whose rows were replaced.
 */
async function fix(db: FieldDatabase, found: { id: string; rev: number; row: SearchRow; why: string }[]): Promise<string[]> {
	if (!found.length) return [];
	const fixed: string[] = [];
	await db.transaction('rw', [db.docs, db.docPacks, db.parcels, db.searchDelta], async () => {
		const now = await readDocs(db, found.map((f) => f.id));
		const still = found.filter((f) => (now.get(f.id)?.row.rev ?? -1) === f.rev);
		await db.parcels.bulkPut(still.map((f) => f.row));
		await db.searchDelta.bulkPut(still.map((f) => deltaOf(f.row)));
		fixed.push(...still.map((f) => f.id));
	});
	for (const f of found.filter((x) => fixed.includes(x.id))) {
		await recordAlarm(db, {
			kind: 'bad-row',
			code: 'row-mismatch',
			message: `The server's search row of parcel ${f.id} did not match its verified documents (${f.why}); the row was recomputed from them.`,
			received: null,
			parcel: f.id,
			district: districtOf(f.id) ?? undefined,
			evidence: JSON.stringify({ parcel: f.id, computed: f.row })
		});
	}
	return fixed;
}

/** Checks one parcel's row against its documents (the parcel screen calls it when a parcel is opened). */
export async function checkParcelRow(db: FieldDatabase, id: string): Promise<string | null> {
	if (!(await comparable(db, id))) return null;
	const [doc, stored] = await Promise.all([readDoc(db, id).then((d) => d?.row), db.parcels.get(id)]);
	if (!doc) return null;
	const row = rowFromDocs(id, doc.parts);
	const why = rowDifference(stored, row);
	if (!why) return null;
	await fix(db, [{ id, rev: doc.rev, row, why }]);
	return why;
}

export interface RowPassOptions {
	/** Parcels read per batch. */
	batch?: number;
	/** Waits for the next idle period; resolves with a function telling when it is used up. */
	idle?: () => Promise<() => boolean>;
}

const defaultIdle = (): Promise<() => boolean> =>
	new Promise((resolve) => {
		if (typeof requestIdleCallback === 'function') requestIdleCallback((d) => resolve(() => d.timeRemaining() < 4), { timeout: 2000 });
		else setTimeout(() => {
			const until = performance.now() + 30;
			resolve(() => performance.now() > until);
		}, 50);
	});

/**
 * The background pass over a district's rows, from its cursor on, in idle periods. Returns the
 * number of rows it replaced; marks the district checked when it reaches the end.
 */
export async function checkDistrictRows(db: FieldDatabase, district: string, o: RowPassOptions = {}): Promise<number> {
	const batch = o.batch ?? 20;
	const idle = o.idle ?? defaultIdle;
	let replaced = 0;
	for (;;) {
		const rec = (await getState(db, 'districts'))?.[district];
		if (!rec || rec.status !== 'ready' || !rec.syncedAt || rec.rowsCheckedAt) return replaced;
		const from = rec.rowsCheckedAfter ?? `${district}-`;
		const ids = (await db.parcels.where('id').above(from).limit(batch).primaryKeys()).filter((id) => id.startsWith(`${district}-`));
		if (ids.length) {
			const [stored, rows] = await Promise.all([readDocs(db, ids), db.parcels.bulkGet(ids)]);
			const docs = ids.map((id) => stored.get(id)?.row);
			const found: { id: string; rev: number; row: SearchRow; why: string }[] = [];
			let used = await idle();
			for (const [i, id] of ids.entries()) {
				if (used()) used = await idle();
				const row = rowFromDocs(id, docs[i]?.parts);
				const why = rowDifference(rows[i], row);
				if (why) found.push({ id, rev: docs[i]?.rev ?? -1, row, why: docs[i] ? why : 'the log holds no change of it' });
			}
			replaced += (await fix(db, found)).length;
		}
		const done = ids.length < batch;
		await db.transaction('rw', [db.state], async () => {
			const all = (await getState(db, 'districts')) ?? {};
			if (!all[district]) return;
			all[district] = { ...all[district], rowsCheckedAfter: ids.at(-1) ?? all[district].rowsCheckedAfter ?? null, ...(done ? { rowsCheckedAt: Date.now() } : {}) };
			await putState(db, 'districts', all);
		});
		if (done) return replaced;
	}
}
