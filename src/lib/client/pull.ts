// Pulling the log for the device's districts from GET /api/sync, page by page. Every entry's
// signature is verified, every change body must hash to its entry's changeHash, grants and
// revocations are replayed so an edit the log should have refused is not applied, and the
// changes of each (parcel, part) document are applied in ONE applyRemoteChanges call. A page's
// documents, search rows, conflicts and cursor are written in one transaction.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../core/bytes';
import { applyRemoteChanges, loadPartDoc, toPlain } from '../core/crdt/document';
import { listConflicts } from '../core/crdt/conflicts';
import { districtOf } from '../core/record/ids';
import { isPublicPart, type PartName } from '../core/record/parts';
import { decodeBase64 } from './base64';
import { advanceCheckpoint } from './checkpoints';
import { browserVerifier, sha256HexAll } from './crypto';
import type { ConflictRow, DocRow, FieldDatabase, SearchRow } from './db';
import { loadDoc } from './docs';
import { getJson, type Fetch } from './http';
import { actorNames, authorOf, checkEntries, keyEntryRows, loadRegistry, replayKeyEntry, type EntryJson } from './registry';
import { emptyRow, updateRow } from './search-row';
import { deltaOf } from './search-index';
import { getState, putState, type LogRecord } from './state';

export interface PullDeps {
	db: FieldDatabase;
	fetch: Fetch;
	log: LogRecord;
	onProgress?: (done: number, total: number) => void;
	pageSize?: number;
}

interface SyncPage {
	treeSize: number;
	checkpoint: string;
	next: number | null;
	entries: EntryJson[];
	changes: Record<string, string>;
	withheld: string[];
}

export interface PullOutcome {
	entries: number;
	applied: number;
	conflicts: number;
}

export class BadLogError extends Error {}

export async function pullDistricts(deps: PullDeps): Promise<PullOutcome> {
	const { db } = deps;
	const districts = Object.values((await getState(db, 'districts')) ?? {}).filter((d) => d.status === 'ready');
	const outcome: PullOutcome = { entries: 0, applied: 0, conflicts: 0 };
	if (!districts.length) return outcome;
	const codes = districts.map((d) => d.code).sort();
	let since = Math.min(...districts.map((d) => d.since));
	const start = since;
	const registry = await loadRegistry(db, since);
	const verifier = await browserVerifier();
	const fetchPage = (from: number) => getJson<SyncPage>(deps.fetch, `/api/sync?districts=${codes.join(',')}&since=${from}&limit=${deps.pageSize ?? 2000}`);
	let pending = fetchPage(since);
	for (;;) {
		const page = await pending;
		// The server prepares the next page while this one is verified and applied.
		if (page.next !== null) {
			pending = fetchPage(page.next);
			pending.catch(() => {}); // awaited on the next turn; a page left unread must not warn
		}
		const trusted = await advanceCheckpoint(deps, page.checkpoint);
		const checked = await checkEntries(deps.log.origin, page.entries, verifier);
		if (!checked.ok) return badLog(db, trusted.note, checked.message, checked.raw);
		const beyond = checked.entries.find((c) => c.index >= trusted.size);
		if (beyond) return badLog(db, trusted.note, `entry ${beyond.index} is not in the checkpoint of ${trusted.size} entries`, beyond.raw);

		// Change bodies must be the bytes the entries name.
		const hashes = Object.keys(page.changes);
		const bodies = hashes.map((h) => decodeBase64(page.changes[h]));
		const actual = await sha256HexAll(bodies);
		const byHash = new Map<string, Uint8Array>();
		for (const [i, h] of hashes.entries()) {
			if (actual[i] !== h) return badLog(db, trusted.note, `the change sent as ${h.slice(0, 12)}… hashes to ${actual[i].slice(0, 12)}…`, null);
			byHash.set(h, bodies[i]);
		}

		const groups = new Map<string, Group>();
		for (const c of checked.entries) {
			const e = c.entry;
			if (e.kind === 'erase') {
				// A registrar erased private changes of this parcel (a legal request): the device drops
				// its private document and rebuilds it from what follows (the registrar's fresh start).
				if (c.index >= registry.size) registry.skipTo(c.index);
				const verdict = registry.check(e);
				registry.skipTo(c.index + 1);
				if (!verdict.ok) {
					await noteBadEntry(db, trusted.note, `erasure ${c.index} of ${e.parcelId} should have been refused (${verdict.message}); not applied`, c.raw);
					continue;
				}
				groups.set(`${e.parcelId}|private`, { parcelId: e.parcelId, part: 'private', changes: [], reset: true });
				continue;
			}
			if (e.kind !== 'edit') {
				const refused = replayKeyEntry(registry, c.index, e);
				if (refused) await noteBadEntry(db, trusted.note, `key entry ${c.index} should have been refused: ${refused}`, c.raw);
				continue;
			}
			if (c.index >= registry.size) registry.skipTo(c.index);
			const verdict = registry.check(e);
			registry.skipTo(c.index + 1);
			if (!verdict.ok) {
				await noteBadEntry(db, trusted.note, `edit ${c.index} of ${e.parcelId} should have been refused (${verdict.message}); not applied`, c.raw);
				continue;
			}
			const body = byHash.get(toHex(e.changeHash));
			if (!body || !codes.includes(districtOf(e.parcelId) ?? '')) continue; // withheld private body
			const key = `${e.parcelId}|${e.part}`;
			const g = groups.get(key) ?? { parcelId: e.parcelId, part: e.part, changes: [], reset: false };
			g.changes.push(body);
			groups.set(key, g);
		}

		const names = actorNames(registry);
		const next = page.next ?? Math.max(since, page.treeSize);
		const applied = await applyGroups(db, [...groups.values()], names);
		await db.transaction('rw', [db.keyEntries, db.state], async () => {
			await db.keyEntries.bulkPut(keyEntryRows(checked.entries));
			const all = (await getState(db, 'districts')) ?? {};
			for (const code of codes) if (all[code]) all[code] = { ...all[code], since: Math.max(all[code].since, next) };
			await putState(db, 'districts', all);
		});
		outcome.entries += checked.entries.length;
		outcome.applied += applied.changes;
		outcome.conflicts += applied.conflicts;
		deps.onProgress?.(next - start, Math.max(page.treeSize - start, 1));
		if (page.next === null) return outcome;
		since = page.next;
	}
}

/** Applies each group in one Automerge call; documents, rows and conflicts in one transaction. */
interface Group {
	parcelId: string;
	part: PartName;
	changes: Uint8Array[];
	/** Start the document afresh (after an erasure) instead of adding to the stored one. */
	reset: boolean;
}

async function applyGroups(db: FieldDatabase, groups: Group[], names: Map<string, string>) {
	let changes = 0;
	let conflicts = 0;
	if (!groups.length) return { changes, conflicts };
	await db.transaction('rw', [db.docs, db.parcels, db.searchDelta, db.conflicts], async () => {
		const ids = [...new Set(groups.map((g) => g.parcelId))];
		const docs = new Map<string, DocRow>();
		for (const r of await db.docs.bulkGet(ids)) if (r) docs.set(r.parcelId, { ...r, parts: { ...r.parts }, rev: r.rev + 1 });
		const searchRows = new Map<string, SearchRow>();
		for (const r of await db.parcels.bulkGet(ids)) if (r) searchRows.set(r.id, r);
		const conflictRows: ConflictRow[] = [];
		// Stored conflicts of these parcels, read once: a cursor per document costs milliseconds each.
		const storedConflicts = await db.conflicts.where('parcelId').anyOf(ids).primaryKeys();
		const stale: string[] = [];
		const dropConflicts = (g: Group) => stale.push(...storedConflicts.filter((k) => k.startsWith(`${g.parcelId}|${g.part}|`)));
		for (const g of groups) {
			const row = docs.get(g.parcelId) ?? { parcelId: g.parcelId, parts: {}, rev: 1 };
			if (g.reset) {
				delete row.parts[g.part];
				docs.set(g.parcelId, row);
				dropConflicts(g);
				if (!g.changes.length) continue;
			}
			const stored = row.parts[g.part];
			const base = stored ? loadDoc(stored) : null;
			if (base && !base.ok) continue; // unreadable stored bytes stay as they are, for inspection
			const loaded = base ? applyRemoteChanges(base.doc, g.changes) : loadPartDoc(g.changes);
			if (!loaded.ok) continue; // a document Automerge refuses stays as it was
			const doc = loaded.doc;
			try {
				row.parts[g.part] = Automerge.save(doc);
				docs.set(g.parcelId, row);
				if (isPublicPart(g.part)) searchRows.set(g.parcelId, updateRow(searchRows.get(g.parcelId) ?? emptyRow(g.parcelId), g.part, toPlain(g.part, doc)));
				dropConflicts(g);
				for (const c of listConflicts(g.part, doc)) {
					conflictRows.push({
						key: `${g.parcelId}|${g.part}|${c.path}`,
						parcelId: g.parcelId,
						part: g.part,
						path: c.path,
						values: c.values.map((x) => ({ value: x.value, actor: x.actor, author: authorOf(names, x.actor) })),
						seenAt: Date.now()
					});
				}
				changes += g.changes.length;
			} finally {
				Automerge.free(doc);
			}
		}
		await db.docs.bulkPut([...docs.values()]);
		const rowsOut = [...searchRows.values()];
		await db.parcels.bulkPut(rowsOut);
		await db.searchDelta.bulkPut(rowsOut.map(deltaOf));
		await db.conflicts.bulkDelete(stale); // before the put: a conflict still open is written again
		await db.conflicts.bulkPut(conflictRows);
		conflicts = conflictRows.length;
	});
	return { changes, conflicts };
}

async function noteBadEntry(db: FieldDatabase, trusted: string, message: string, raw: string | null): Promise<void> {
	await db.alarms.add({ kind: 'bad-entry', at: Date.now(), message, trusted, received: null, proof: null, entry: raw ?? undefined, acknowledged: false });
}

async function badLog(db: FieldDatabase, trusted: string, message: string, raw: string | null): Promise<never> {
	await noteBadEntry(db, trusted, message, raw);
	throw new BadLogError(`The log served something that does not verify: ${message}`);
}
