// Pulling the log for the device's districts from GET /api/sync, page by page. Every entry's
// signature is verified and its inclusion in the page's verified checkpoint checked against the
// log's tiles (inclusion.ts), every change body must hash to its entry's changeHash, grants and
// revocations are replayed so an edit the log should have refused is not applied, and the
// changes of each (parcel, part) document are applied in ONE applyRemoteChanges call. A page's
// documents, search rows, conflicts and cursor are written in one transaction. Every edit is
// chained into the device's parcel-map leaf of its part (map-store.ts); at the end of the log each
// district's leaves, with the server's path, must give the checkpoint's map root, or the server
// left out edits: a halting `missing-edits` alarm.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../core/bytes';
import { applyRemoteChanges, loadPartDoc, toPlain } from '../core/crdt/document';
import { listConflicts } from '../core/crdt/conflicts';
import { districtOf } from '../core/record/ids';
import { isPublicPart, type PartName } from '../core/record/parts';
import { decodeBase64 } from './base64';
import { fromBase64 } from '../core/bytes';
import type { Checkpoint } from '../core/log/checkpoint';
import { checkDistrictRoot } from '../core/map/device';
import { mapRootOf } from '../core/map/log-map';
import { isClaimBody } from '../core/claims/body';
import { leafHash } from '../core/log/hashing';
import { ForkError, recordAlarm, verifyCheckpoint } from './checkpoints';
import { cachedTiles, checkIncluded } from './inclusion';
import { PulledLeaves, subtreeOf } from './map-store';
import { browserVerifier, sha256HexAll } from './crypto';
import type { ConflictRow, DocRow, FieldDatabase, SearchRow } from './db';
import { dropFromPacks, readDocs } from './doc-packs';
import { loadDoc } from './docs';
import { getJson, type Fetch } from './http';
import { actorNames, authorOf, checkEntries, keyEntryRows, loadRegistry, replayKeyEntry, type EntryJson } from './registry';
import { emptyRow, updateRow } from './search-row';
import { deltaOf } from './search-index';
import { followsMap, getState, putState, type DistrictRecord, type LogRecord } from './state';

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
	/** Per requested district, its parcel-map path at `treeSize` (null: the map holds none of it). */
	mapPaths?: Record<string, { bit: number; hash: string }[] | null>;
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
	// Districts downloaded with verified snapshot pages have map leaves to follow and check.
	const leaves = new PulledLeaves(db, districts.filter(followsMap).map((d) => d.code));
	const fetchTile = cachedTiles(deps.fetch);
	const checkpoints = new Map<string, Awaited<ReturnType<typeof verifyCheckpoint>>>();
	const fetchPage = (from: number) => getJson<SyncPage>(deps.fetch, `/api/sync?districts=${codes.join(',')}&since=${from}&limit=${deps.pageSize ?? 2000}`);
	let pending = fetchPage(since);
	for (;;) {
		const page = await pending;
		// The server prepares the next page while this one is verified and applied.
		if (page.next !== null) {
			pending = fetchPage(page.next);
			pending.catch(() => {}); // awaited on the next turn; a page left unread must not warn
		}
		// Pages of one pull usually share a checkpoint: verified (and any consistency proof fetched) once.
		let verified = checkpoints.get(page.checkpoint);
		if (!verified) checkpoints.set(page.checkpoint, (verified = await verifyCheckpoint(deps, page.checkpoint)));
		const { trusted, checkpoint: cp } = verified;
		const checked = await checkEntries(deps.log.origin, page.entries, verifier);
		if (!checked.ok) return badLog(db, trusted.note, checked.message, checked.raw, 'bad-signature');
		// Every entry is the one the verified checkpoint holds at its index (tiles, per page).
		const included = await checkIncluded(cp, checked.entries, fetchTile);
		if (!included.ok) return badLog(db, trusted.note, included.message, included.raw, 'entry-not-included');

		// Change bodies must be the bytes the entries name.
		const hashes = Object.keys(page.changes);
		const bodies = hashes.map((h) => decodeBase64(page.changes[h]));
		const actual = await sha256HexAll(bodies);
		const byHash = new Map<string, Uint8Array>();
		for (const [i, h] of hashes.entries()) {
			if (actual[i] !== h) return badLog(db, trusted.note, `the change sent as ${h.slice(0, 12)}… hashes to ${actual[i].slice(0, 12)}…`, null, 'bad-change-body');
			byHash.set(h, bodies[i]);
		}

		await leaves.load(new Set(checked.entries.flatMap((c) => (c.entry.kind === 'edit' || isClaimBody(c.entry) ? [districtOf(c.entry.parcelId) ?? ''] : []))));
		const groups = new Map<string, Group>();
		for (const c of checked.entries) {
			const e = c.entry;
			// The map holds every logged edit, applied here or not (a withheld body, a refused edit).
			if (e.kind === 'edit') leaves.chain(e.parcelId, e.part, c.index, e.changeHash);
			// Claims, decisions and notices: the device does not apply them (the registry and the
			// public pages show them), but the map counts them in the parcel's claims leaf.
			if (isClaimBody(e)) {
				leaves.chain(e.parcelId, 'claims', c.index, leafHash(c.bytes));
				continue;
			}
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
				groups.set(`${e.parcelId}|private`, { parcelId: e.parcelId, part: 'private', changes: [], indexes: [], reset: true });
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
			const g = groups.get(key) ?? { parcelId: e.parcelId, part: e.part, changes: [], indexes: [], reset: false };
			g.changes.push(body);
			g.indexes.push(c.index);
			groups.set(key, g);
		}

		const names = actorNames(registry);
		const next = page.next ?? Math.max(since, page.treeSize);
		const applied = await applyGroups(db, [...groups.values()], names);
		for (const u of applied.unusable) await noteUnusableChange(db, trusted.note, u);
		const leafRows = leaves.take();
		await db.transaction('rw', [db.keyEntries, db.state, db.mapLeaves], async () => {
			await db.keyEntries.bulkPut(keyEntryRows(checked.entries));
			await db.mapLeaves.bulkPut(leafRows);
			const all = (await getState(db, 'districts')) ?? {};
			for (const code of codes) if (all[code]) all[code] = { ...all[code], since: Math.max(all[code].since, next) };
			for (const code of new Set(leafRows.map((r) => r.district))) if (all[code]) all[code] = { ...all[code], mapHash: null };
			await putState(db, 'districts', all);
		});
		outcome.entries += checked.entries.length;
		outcome.applied += applied.changes;
		outcome.conflicts += applied.conflicts;
		deps.onProgress?.(next - start, Math.max(page.treeSize - start, 1));
		if (page.next === null) {
			await checkDistricts(deps, page, cp, leaves, districts);
			return outcome;
		}
		since = page.next;
	}
}

/** The stable start of the `map-mismatch` alarm's message (docs/protocol.md "Snapshot"). */
export const missingEditsMessage = (district: string) => `The log says district ${district} holds edits this device was not given`;

function parsePath(json: unknown): { bit: number; hash: Uint8Array }[] | null | undefined {
	if (json === null) return null;
	if (!Array.isArray(json)) return undefined;
	const out: { bit: number; hash: Uint8Array }[] = [];
	for (const x of json) {
		if (!x || typeof x !== 'object' || !Number.isInteger(x.bit) || typeof x.hash !== 'string') return undefined;
		let hash: Uint8Array;
		try {
			hash = fromBase64(x.hash);
		} catch {
			return undefined;
		}
		if (hash.length !== 32) return undefined;
		out.push({ bit: x.bit, hash });
	}
	return out;
}

/**
 * At the end of the log: each map-verified district's leaves (every entry below treeSize chained)
 * with the server's path must give the checkpoint's map root. A district the device had already
 * followed past this checkpoint (a lagging server) is not compared with it.
 */
async function checkDistricts(deps: PullDeps, page: SyncPage, cp: Checkpoint, leaves: PulledLeaves, before: DistrictRecord[]): Promise<void> {
	const { db } = deps;
	const all = (await getState(db, 'districts')) ?? {};
	const root = mapRootOf(cp);
	for (const d of before) {
		const rec = all[d.code];
		if (!rec) continue;
		if (!followsMap(d) || d.since > cp.size) {
			all[d.code] = { ...rec, syncedAt: Date.now() };
			continue;
		}
		const path = parsePath(page.mapPaths?.[d.code]);
		let subtree: { hash: string; held: number };
		if (!leaves.touched.has(d.code) && rec.mapHash) subtree = { hash: rec.mapHash, held: rec.mapHeld ?? 0 };
		else {
			await leaves.load([d.code]);
			subtree = subtreeOf(leaves.leavesOf(d.code)!);
		}
		const verdict = !root.ok
			? { ok: false as const, message: root.message }
			: path === undefined
				? { ok: false as const, message: `the server sent no well-formed map path for district ${d.code}` }
				: checkDistrictRoot(d.code, fromBase64(subtree.hash), subtree.held, path, root.value);
		if (!verdict.ok) {
			await putState(db, 'districts', all);
			const message = `${missingEditsMessage(d.code)}.`;
			await recordAlarm(db, {
				kind: 'missing-edits',
				code: 'map-mismatch',
				message,
				received: page.checkpoint,
				district: d.code,
				evidence: JSON.stringify({ district: d.code, treeSize: page.treeSize, path: page.mapPaths?.[d.code] ?? null, leavesHash: subtree.hash, leaves: subtree.held, detail: verdict.message })
			});
			throw new ForkError(message);
		}
		all[d.code] = { ...rec, mapHash: subtree.hash, mapHeld: subtree.held, mapCheckedSize: cp.size, syncedAt: Date.now() };
	}
	await putState(db, 'districts', all);
}

/** Applies each group in one Automerge call; documents, rows and conflicts in one transaction. */
interface Group {
	parcelId: string;
	part: PartName;
	changes: Uint8Array[];
	/** The entry index of each change. */
	indexes: number[];
	/** Start the document afresh (after an erasure) instead of adding to the stored one. */
	reset: boolean;
}

/** A change Automerge refuses, left out of its document (the rest is applied): issue 22. */
interface Unusable {
	parcelId: string;
	part: PartName;
	/** Its entry, when it came in this pull; else the change's SHA-256 (it was already stored). */
	index: number | null;
	hash: string | null;
	message: string;
}

/** Listed (never halting): the parcel screen shows it beside the part. */
async function noteUnusableChange(db: FieldDatabase, trusted: string, u: Unusable): Promise<void> {
	const which = u.index !== null ? `entry ${u.index}` : `change ${u.hash?.slice(0, 16)}…`;
	const message = `${which} of ${u.parcelId} (${u.part}) holds a change this device cannot apply; it is left out and the rest of the parcel is kept (${u.message})`;
	await db.alarms.add({ kind: 'bad-entry', code: 'unusable-change', at: Date.now(), message, trusted, received: null, proof: null, parcel: u.parcelId, acknowledged: false });
}

async function applyGroups(db: FieldDatabase, groups: Group[], names: Map<string, string>) {
	let changes = 0;
	let conflicts = 0;
	const unusable: Unusable[] = [];
	if (!groups.length) return { changes, conflicts, unusable };
	await db.transaction('rw', [db.docs, db.docPacks, db.parcels, db.searchDelta, db.conflicts], async () => {
		const ids = [...new Set(groups.map((g) => g.parcelId))];
		const docs = new Map<string, DocRow>();
		for (const [id, { row }] of await readDocs(db, ids)) docs.set(id, { parcelId: id, parts: { ...row.parts }, rev: row.rev + 1 });
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
			// A change Automerge refuses is left out, never the whole group (issue 22): the stored
			// document is loaded again to apply the rest one by one.
			const rebase = () => {
				const again = loadDoc(stored!);
				if (!again.ok) throw new Error(again.message);
				return again.doc;
			};
			const loaded = base ? applyRemoteChanges(base.doc, g.changes, { rebase }) : loadPartDoc(g.changes);
			if (!loaded.ok) continue; // a document Automerge refuses stays as it was
			// Saved below without them: the alarms keep them named.
			for (const u of base?.unusable ?? []) unusable.push({ parcelId: g.parcelId, part: g.part, index: null, hash: u.hash, message: u.message });
			for (const b of loaded.bad) unusable.push({ parcelId: g.parcelId, part: g.part, index: g.indexes[b.index], hash: null, message: b.message });
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
		// Erased bytes leave the device: out of the download's packs too (their rows are written above).
		await dropFromPacks(db, [...new Set(groups.filter((g) => g.reset).map((g) => g.parcelId))]);
		const rowsOut = [...searchRows.values()];
		await db.parcels.bulkPut(rowsOut);
		await db.searchDelta.bulkPut(rowsOut.map(deltaOf));
		await db.conflicts.bulkDelete(stale); // before the put: a conflict still open is written again
		await db.conflicts.bulkPut(conflictRows);
		conflicts = conflictRows.length;
	});
	return { changes, conflicts, unusable };
}

async function noteBadEntry(db: FieldDatabase, trusted: string, message: string, raw: string | null, code = 'should-have-been-refused'): Promise<void> {
	await db.alarms.add({ kind: 'bad-entry', code, at: Date.now(), message, trusted, received: null, proof: null, entry: raw ?? undefined, acknowledged: false });
}

async function badLog(db: FieldDatabase, trusted: string, message: string, raw: string | null, code: string): Promise<never> {
	await noteBadEntry(db, trusted, message, raw, code);
	throw new BadLogError(`The log served something that does not verify: ${message}`);
}
