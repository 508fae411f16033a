// Reading a field device's IndexedDB as it is on disk (raw indexedDB in the page, no app code),
// and checking that every save is whole: its document change, its search row and its outbox (or
// synced) row are all there, or none of them is.
import type { Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import * as Automerge from '@automerge/automerge';
import { loadPartDoc, toPlain } from '../../src/lib/core/crdt/document';

export interface OutboxDump {
	id: number;
	parcelId: string;
	part: string;
	changeHash: string;
	summary: string;
	status: string;
	wire: Record<string, unknown>;
}

export interface DeviceDump {
	/** Per parcel: the docs row's rev and its parcel part as base64 (null when absent). */
	docs: Record<string, { rev: number; parcel: string | null } | null>;
	/** Per parcel: the search row as stored. */
	rows: Record<string, Record<string, unknown> | null>;
	/**
	 * Per parcel: the words offline search finds it by (its searchDelta row's when it has one,
	 * else those the district's search index lists it under), sorted.
	 */
	searchable: Record<string, string[]>;
	outbox: OutboxDump[];
	synced: { changeHash: string; parcelId: string; index: number; treeSize: number; summary: string }[];
	blobs: { hash: string; parcelId: string; bytes: number }[];
	sync: Record<string, unknown> | null;
}

/** Everything the checks need, read in ONE read-only IndexedDB transaction. */
export async function dumpDevice(page: Page, parcelIds: string[]): Promise<DeviceDump> {
	return page.evaluate(async (ids) => {
		// Opened without a version: never create the database when it is missing, say so instead.
		const open = indexedDB.open('parcel-ledger-field');
		const db: IDBDatabase = await new Promise((ok, fail) => {
			open.onupgradeneeded = () => open.transaction!.abort();
			open.onsuccess = () => ok(open.result);
			open.onerror = () => fail(new Error(`the device database cannot be opened: ${open.error?.name} (it does not exist when AbortError)`));
		});
		const tx = db.transaction(['docs', 'docPacks', 'parcels', 'searchDelta', 'searchIndex', 'outbox', 'synced', 'blobs', 'state'], 'readonly');
		const req = <T>(r: IDBRequest): Promise<T> => new Promise((ok, fail) => ((r.onsuccess = () => ok(r.result as T)), (r.onerror = () => fail(r.error))));
		const b64 = (x: unknown): string | null => {
			if (x === undefined || x === null) return null;
			if (typeof x === 'string') return x; // snapshot bytes are stored as received, in base64
			const bytes = x as Uint8Array;
			let s = '';
			for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
			return btoa(s);
		};
		const docs: Record<string, { rev: number; parcel: string | null } | null> = {};
		const rows: Record<string, Record<string, unknown> | null> = {};
		await Promise.all(
			ids.map(async (id) => {
				// A parcel's row, else (never written since the download) its entry in a pack.
				const d = await req<{ rev: number; parts: Record<string, unknown> } | undefined>(tx.objectStore('docs').get(id));
				const pack = d ? undefined : await req<{ ids: string[]; parts: Record<string, unknown>[] } | undefined>(tx.objectStore('docPacks').index('ids').get(id));
				const packed = pack?.parts[pack.ids.indexOf(id)];
				docs[id] = d ? { rev: d.rev, parcel: b64(d.parts.parcel) } : packed ? { rev: 0, parcel: b64(packed.parcel) } : null;
				rows[id] = (await req<Record<string, unknown> | undefined>(tx.objectStore('parcels').get(id))) ?? null;
			})
		);
		type Index = { ids: string[]; words: string[]; starts: Uint32Array; postings: Uint32Array };
		const [deltas, indexes, outbox, synced, blobs, sync] = await Promise.all([
			req<{ id: string; words: string[] }[]>(tx.objectStore('searchDelta').getAll()),
			req<Index[]>(tx.objectStore('searchIndex').getAll()),
			req<OutboxDump[]>(tx.objectStore('outbox').getAll()),
			req<DeviceDump['synced']>(tx.objectStore('synced').getAll()),
			req<{ hash: string; parcelId: string; bytes: number }[]>(tx.objectStore('blobs').getAll()),
			req<{ value: Record<string, unknown> } | undefined>(tx.objectStore('state').get('sync'))
		]);
		db.close();
		const searchable: Record<string, string[]> = {};
		for (const id of ids) {
			const delta = deltas.find((d) => d.id === id);
			const words = delta ? [...delta.words] : [];
			for (const index of delta ? [] : indexes) {
				const ord = index.ids.indexOf(id);
				if (ord < 0) continue;
				index.words.forEach((w, i) => {
					if (index.postings.subarray(index.starts[i], index.starts[i + 1]).includes(ord)) words.push(w);
				});
			}
			searchable[id] = words.sort();
		}
		return {
			docs,
			rows,
			searchable,
			outbox: outbox.map(({ id, parcelId, part, changeHash, summary, status, wire }) => ({ id, parcelId, part, changeHash, summary, status, wire })),
			synced: synced.map(({ changeHash, parcelId, index, treeSize, summary }) => ({ changeHash, parcelId, index, treeSize, summary })),
			blobs: blobs.map(({ hash, parcelId, bytes }) => ({ hash, parcelId, bytes })),
			sync: sync?.value ?? null
		};
	}, parcelIds);
}

export interface ParcelDoc {
	/** SHA-256 (hex) of every change in the document: the names log entries carry. */
	hashes: Set<string>;
	plain: Record<string, unknown>;
}

/** The parcel part's document: its changes' hashes and its plain value. */
export function parcelDoc(dump: DeviceDump, parcelId: string): ParcelDoc {
	const data = dump.docs[parcelId]?.parcel;
	if (!data) throw new Error(`${parcelId}: no parcel document on the device`);
	const loaded = loadPartDoc(new Uint8Array(Buffer.from(data, 'base64')));
	if (!loaded.ok) throw new Error(`${parcelId}: the stored document does not load: ${loaded.message}`);
	try {
		const hashes = new Set(Automerge.getAllChanges(loaded.doc).map((c) => createHash('sha256').update(c).digest('hex')));
		return { hashes, plain: toPlain('parcel', loaded.doc) as Record<string, unknown> };
	} finally {
		Automerge.free(loaded.doc);
	}
}

/** What a parcel's saves should have left: the values the UI confirmed, and the one in flight. */
export interface Expected {
	field: string;
	/** Value before the test's first save. */
	initial: string;
	confirmed: string[];
	/** A save started but not confirmed when the browser died (it may or may not be there). */
	inFlight: string | null;
}

export interface ParcelVerdict {
	problems: string[];
	/** This test's changes in the document (all hashes minus the baseline's). */
	own: string[];
	inFlightKept: boolean;
}

/**
 * Checks one parcel's saves are whole. `baseline` is the set of change hashes the document had
 * before the test edited it. Problems are sentences, so a failing expect says what broke.
 */
export function checkParcel(dump: DeviceDump, parcelId: string, baseline: Set<string>, want: Expected): ParcelVerdict {
	const problems: string[] = [];
	const doc = parcelDoc(dump, parcelId);
	const own = [...doc.hashes].filter((h) => !baseline.has(h));
	const rows = [
		...dump.outbox.filter((o) => o.parcelId === parcelId).map((o) => ({ hash: o.changeHash, summary: o.summary, where: `outbox (${o.status})` })),
		...dump.synced.filter((s) => s.parcelId === parcelId).map((s) => ({ hash: s.changeHash, summary: s.summary, where: 'synced' }))
	];
	const seen = new Map<string, number>();
	for (const r of rows) seen.set(r.hash, (seen.get(r.hash) ?? 0) + 1);
	for (const [h, n] of seen) if (n > 1) problems.push(`${parcelId}: change ${h.slice(0, 12)} is in the outbox/synced tables ${n} times`);
	for (const r of rows) if (!doc.hashes.has(r.hash)) problems.push(`${parcelId}: ${r.where} row "${r.summary}" has no change in the document (half-written save)`);
	for (const h of own) if (!seen.has(h)) problems.push(`${parcelId}: document change ${h.slice(0, 12)} has no outbox or synced row (half-written save)`);
	const prefix = `${want.field} → `;
	for (const v of want.confirmed) {
		const n = rows.filter((r) => r.summary === prefix + v).length;
		if (n !== 1) problems.push(`${parcelId}: confirmed save "${prefix}${v}" has ${n} outbox/synced rows, expected 1`);
	}
	const inFlightKept = want.inFlight !== null && rows.some((r) => r.summary === prefix + want.inFlight);
	const expectedRows = want.confirmed.length + (inFlightKept ? 1 : 0);
	if (rows.length !== expectedRows) problems.push(`${parcelId}: ${rows.length} outbox/synced rows, expected ${expectedRows} (${want.confirmed.length} confirmed${inFlightKept ? ' + the one in flight' : ''})`);
	const value = inFlightKept ? want.inFlight : (want.confirmed.at(-1) ?? want.initial);
	if (doc.plain[want.field] !== value) problems.push(`${parcelId}: the document's ${want.field} is ${JSON.stringify(doc.plain[want.field])}, expected ${JSON.stringify(value)}`);
	const row = dump.rows[parcelId];
	if (!row || row[want.field] !== doc.plain[want.field]) problems.push(`${parcelId}: the search row's ${want.field} is ${JSON.stringify(row?.[want.field])}, the document's ${JSON.stringify(doc.plain[want.field])}`);
	const words = [...((row?.words as string[] | undefined) ?? [])].sort();
	if (words.join(' ') !== dump.searchable[parcelId].join(' ')) problems.push(`${parcelId}: search finds it by ${JSON.stringify(dump.searchable[parcelId])}, its search row has ${JSON.stringify(words)}`);
	return { problems, own, inFlightKept };
}

/** Entries the server holds for a parcel: change hash → indexes. */
export async function serverEntries(baseURL: string, parcelId: string): Promise<Map<string, number[]>> {
	const res = await fetch(`${baseURL}/api/parcels/${parcelId}/entries`);
	if (!res.ok) throw new Error(`entries of ${parcelId}: ${res.status}`);
	const { entries } = (await res.json()) as { entries: { index: number; changeHash?: string }[] };
	const out = new Map<string, number[]>();
	for (const e of entries) if (e.changeHash) out.set(e.changeHash, [...(out.get(e.changeHash) ?? []), e.index]);
	return out;
}

/**
 * What a durability run starts from: each parcel's document change hashes on the device, the
 * expectation of its `zoning` field (no save confirmed yet), and its entries on the server.
 */
export async function startingPoint(page: Page, parcels: string[], baseURL: string) {
	const baseline = new Map<string, Set<string>>();
	const want = new Map<string, Expected>();
	const before = await dumpDevice(page, parcels);
	for (const id of parcels) {
		const doc = parcelDoc(before, id);
		baseline.set(id, doc.hashes);
		want.set(id, { field: 'zoning', initial: String(doc.plain.zoning ?? ''), confirmed: [], inFlight: null });
	}
	const serverBefore = new Map(await Promise.all(parcels.map(async (id) => [id, await serverEntries(baseURL, id)] as const)));
	return { baseline, want, serverBefore };
}
