// Bootstrap of a district from GET /api/snapshot: pages of search rows and per-part change bytes,
// each page checked against the parcel map of its checkpoint before anything of it is stored
// (docs/protocol.md "Snapshot"): the checkpoint is signed with the pinned key and consistent with
// the device's last verified one; the page's map proof shows that its parcels are all of the
// district's since the previous page; every part's bytes, split into changes and hashed, are
// exactly the part's logged changes. No Automerge and no documents on this path: a document is
// loaded when its parcel is opened; the bytes are stored in packs of parcels (doc-packs.ts). One
// transaction per page (resumable); the next page is fetched while this one is checked, and
// checked while the one before is written.
import type { Checkpoint } from '../core/log/checkpoint';
import { mapRootOf } from '../core/map/log-map';
import type { PartName } from '../core/record/parts';
import { ForkError, halted, recordAlarm, verifyCheckpoint } from './checkpoints';
import { browserVerifier, type Hasher } from './crypto';
import type { DocRow, FieldDatabase, SearchRow } from './db';
import { getText, RequestError, type Fetch } from './http';
import { packDocs } from './doc-packs';
import { chunkRow } from './map-store';
import type { PageFailure } from './page-verify';
import { pageVerifier, type PackedVerdict } from './page-verifier';
import { checkEntries, keyEntryRows, loadRegistry, replayKeyEntry, type EntryJson } from './registry';
import { rowFromServer, type ServerRow } from './search-row';
import { rebuildSearchIndex, SearchIndexBuilder, storeSearchIndex } from './search-index';
import { getState, MAP_RULE, putState, type DistrictRecord, type LogRecord } from './state';
import { errorChain, isQuotaError, storageFullMessage } from './storage';

export interface SnapshotParcel {
	row: ServerRow;
	parts: Partial<Record<PartName, string>>;
	withheld: PartName[];
	/** Per part whose bytes are not all served (withheld, erased changes): every change hash of the part in log order, hex. */
	hashes?: Partial<Record<PartName, string[]>>;
}

/** A parcel the map holds in the page's range that has no search row yet (no usable `parcel` part). */
export interface UnlistedParcel {
	id: string;
	parts: Partial<Record<PartName, string>>;
	withheld: PartName[];
	hashes?: Partial<Record<PartName, string[]>>;
}

export interface SnapshotPage {
	district: string;
	size: number;
	checkpoint: string;
	/** Base64 map proof of the `after` parcel (if any) and every parcel of the page, at `size`. */
	mapProof?: string;
	total?: number;
	keyEntries?: EntryJson[];
	parcels: SnapshotParcel[];
	unlisted?: UnlistedParcel[];
	next: string | null;
}

export interface DownloadProgress {
	district: string;
	phase: 'checking' | 'downloading' | 'verifying' | 'storing' | 'done';
	parcels: number;
	total: number;
	bytes: number;
}

export interface BootstrapDeps {
	db: FieldDatabase;
	fetch: Fetch;
	log: LogRecord;
	onProgress?: (p: DownloadProgress) => void;
	/** Parcels per page (default 500; the server caps it at 5,000). */
	pageSize?: number;
	/**
	 * bench/bootstrap.ts only: `false` stores pages unchecked (the unverified baseline it measures
	 * beside the verified download). The app never passes it.
	 */
	verify?: boolean;
	/** bench/bootstrap.ts only: the hash to compare (crypto.ts DEFAULT_HASHER otherwise). */
	hasher?: Hasher;
	/** bench/bootstrap.ts only: `false` verifies on the main thread instead of the page verifier's worker. */
	worker?: boolean;
}

/** A snapshot page the device refused; the alarm is raised and sync halts (a ForkError). */
export class SnapshotRefused extends ForkError {
	constructor(
		message: string,
		readonly code: string,
		readonly parcel: string | null
	) {
		super(message);
		this.name = 'SnapshotRefused';
	}
}

/** Search rows and document rows of one page (unlisted parcels: documents only); stored as packs. */
export function pageRows(page: SnapshotPage): { rows: SearchRow[]; docs: DocRow[] } {
	const n = page.parcels.length;
	const rows: SearchRow[] = new Array(n);
	const docs: DocRow[] = new Array(n);
	for (let i = 0; i < n; i++) {
		const p = page.parcels[i];
		rows[i] = rowFromServer(p.row);
		docs[i] = { parcelId: p.row.id, parts: p.parts, rev: 0 };
	}
	for (const u of page.unlisted ?? []) if (Object.keys(u.parts).length) docs.push({ parcelId: u.id, parts: u.parts, rev: 0 });
	return { rows, docs };
}

async function storeKeyEntries(deps: BootstrapDeps, list: EntryJson[]): Promise<void> {
	const checked = await checkEntries(deps.log.origin, list, await browserVerifier());
	if (!checked.ok) throw new Error(`the snapshot's key entries are not genuine: ${checked.message}`);
	const registry = await loadRegistry(deps.db, 0);
	for (const c of checked.entries) {
		const refused = replayKeyEntry(registry, c.index, c.entry);
		if (refused) throw new Error(`the log holds a key entry it should have refused (entry ${c.index}: ${refused})`);
	}
	await deps.db.keyEntries.bulkPut(keyEntryRows(checked.entries));
}

export async function downloadDistrict(deps: BootstrapDeps, district: string): Promise<DistrictRecord> {
	const { db } = deps;
	const verify = deps.verify ?? true;
	const districts = (await getState(db, 'districts')) ?? {};
	const rec: DistrictRecord = districts[district] ?? {
		code: district,
		status: 'downloading',
		parcels: 0,
		total: 0,
		bytes: 0,
		after: null,
		since: Number.MAX_SAFE_INTEGER,
		downloadedAt: null,
		mapVerified: verify,
		mapRule: MAP_RULE,
		mapHash: null
	};
	if (rec.status === 'ready') return rec;
	if (verify && (await halted(db))) throw new ForkError('An alarm halts sync and downloads on this device; see the alarm above.');
	// 500 parcels a page: at 100k parcels as fast as 2,000, and the tab's peak memory is lower (it
	// holds the page in flight, the one being checked and the one being written; performance.md).
	const limit = deps.pageSize ?? 500;
	const url = (after: string | null) =>
		`/api/snapshot?district=${encodeURIComponent(district)}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
	// 503 `unavailable`: the server's search rows are older than any map version it keeps; soon they are not.
	// The text is kept: the verifier's worker parses its own copy.
	const fetchPage = async (after: string | null): Promise<{ text: string; page: SnapshotPage }> => {
		for (let attempt = 1; ; attempt++) {
			try {
				const text = await getText(deps.fetch, url(after));
				return { text, page: JSON.parse(text) as SnapshotPage };
			} catch (e) {
				if (!(e instanceof RequestError && e.status === 503 && attempt < 30)) throw e;
				await new Promise((r) => setTimeout(r, 1000));
			}
		}
	};
	const report = (phase: DownloadProgress['phase']) =>
		deps.onProgress?.({ district, phase, parcels: rec.parcels, total: rec.total, bytes: rec.bytes });

	// Checkpoints already verified in this download (pages at one size share one).
	const checkpoints = new Map<string, Checkpoint>();
	const pageCheckpoint = async (page: SnapshotPage): Promise<Checkpoint> => {
		let cp = checkpoints.get(page.checkpoint);
		if (!cp) {
			cp = (await verifyCheckpoint({ db, fetch: deps.fetch, log: deps.log }, page.checkpoint)).checkpoint;
			checkpoints.set(page.checkpoint, cp);
		}
		return cp;
	};
	// The write of the page before: the next page is checked meanwhile, and waits for it before its own.
	let writing: Promise<void> = Promise.resolve();
	const refuse = async (page: SnapshotPage, anchor: string | null, v: PageFailure): Promise<never> => {
		await writing; // what was verified before is kept
		const parcel = v.parcel ? (page.parcels.find((p) => p.row?.id === v.parcel) ?? page.unlisted?.find((p) => p.id === v.parcel) ?? null) : null;
		const message = `Snapshot of district ${district} refused: ${v.message}`;
		await recordAlarm(db, {
			kind: 'bad-snapshot',
			code: v.code,
			message,
			received: page.checkpoint,
			parcel: v.parcel ?? undefined,
			district,
			evidence: JSON.stringify({ district, after: anchor, size: page.size, part: v.part, parcel, mapProof: page.mapProof ?? null })
		});
		throw new SnapshotRefused(message, v.code, v.parcel);
	};

	report('downloading');
	// A download that starts from the beginning builds the district's search index as it goes.
	const index = rec.after === null ? new SearchIndexBuilder(district) : null;
	const verifier = verify ? pageVerifier({ hasher: deps.hasher, useWorker: deps.worker }) : null;
	try {
		let anchor = rec.after;
		let pending = fetchPage(anchor);
		for (let first = true; ; first = false) {
			const { text, page } = await pending;
			const bytes = text.length;
			// Fetch the next page while this one is checked and written.
			if (page.next) {
				pending = fetchPage(page.next);
				pending.catch(() => {}); // awaited on the next turn
			}
			if (first) report('checking');
			let verdict: Promise<PackedVerdict> | null = null;
			if (verifier) {
				const cp = await pageCheckpoint(page);
				const root = mapRootOf(cp);
				const refused = (message: string, code: PageFailure['code'] = 'snapshot-checkpoint') => refuse(page, anchor, { ok: false, code, message, parcel: null, part: null });
				if (cp.size !== page.size) await refused(`the page is of ${page.size} entries, its checkpoint of ${cp.size}.`);
				if (!root.ok) return await refused(`${root.message}.`);
				if (page.district !== district) await refused(`the page is of district ${page.district}.`, 'snapshot-incomplete');
				report('verifying');
				// Verified (in the worker) while this thread prepares the rows and writes the page before.
				verdict = verifier.verify(text, page, anchor, root.value);
				verdict.catch(() => {}); // awaited below
			} else if (first) {
				await verifyCheckpoint({ db, fetch: deps.fetch, log: deps.log }, page.checkpoint);
			}
			if (first) {
				if (page.keyEntries) await storeKeyEntries(deps, page.keyEntries);
				if (page.total !== undefined) rec.total = page.total;
			}
			const { rows, docs } = pageRows(page);
			await writing; // the page before is committed before this one starts
			let chunk = null;
			if (verdict) {
				const v = await verdict;
				if (!v.ok) await refuse(page, anchor, v);
				else {
					chunk = chunkRow(district, page.size, v.packed, v.count, v.first);
					rec.verifiedParts = (rec.verifiedParts ?? 0) + v.count;
				}
			}
			index?.add(rows);
			report('storing');
			rec.parcels += rows.length;
			rec.bytes += bytes;
			rec.since = Math.min(rec.since, page.size);
			rec.after = page.next ?? rows.at(-1)?.id ?? rec.after;
			if (!page.next) {
				rec.status = 'ready';
				rec.downloadedAt = Date.now();
				rec.total = Math.max(rec.total, rec.parcels);
			}
			const snap = { ...rec };
			const built = !page.next && index ? index.build() : null;
			const packs = packDocs(district, docs);
			const ids = docs.map((d) => d.parcelId).sort();
			writing = db.transaction('rw', [db.docs, db.docPacks, db.parcels, db.state, db.searchIndex, db.mapChunks], async () => {
				// Every request of the page at once, then what depends on the reads: this thread
				// checks the next page meanwhile, and a step awaited between requests would wait for it.
				const [before, all] = await Promise.all([
					// Rows written before (the registry's opened parcels) give way to the snapshot: one
					// range read finds them (a page's ids are contiguous), usually none.
					ids.length ? db.docs.where('parcelId').between(ids[0], ids.at(-1)!, true, true).primaryKeys() : [],
					getState(db, 'districts'),
					db.docPacks.bulkPut(packs),
					db.parcels.bulkPut(rows),
					chunk && db.mapChunks.put(chunk),
					built && storeSearchIndex(db, built)
				]);
				const inPage = new Set(ids);
				const stale = before.filter((id) => inPage.has(id));
				await Promise.all([stale.length && db.docs.bulkDelete(stale), putState(db, 'districts', { ...all, [district]: snap })]);
			});
			writing.catch(() => {}); // awaited before the next write or at the end
			if (!page.next) {
				await writing;
				if (!index) await rebuildSearchIndex(db, district); // resumed: index what is on the device
				report('done');
				return rec;
			}
			anchor = page.next;
			report('downloading');
		}
	} finally {
		verifier?.close();
	}
}

/** The innermost message of an error (Dexie wraps IndexedDB's own error in `inner`). */
function reasonOf(e: unknown): string {
	let reason = String(e);
	for (const err of errorChain(e)) if (typeof err.message === 'string') reason = err.message;
	return reason;
}

/**
 * What a person is told when a download stops: a refused snapshot says why (its alarm is
 * raised); anything else, what happened and that the pages stored so far are kept, so that
 * "Resume" goes on from there.
 */
export async function downloadStoppedMessage(district: string, e: unknown): Promise<string> {
	if (e instanceof ForkError) return e.message;
	const kept = 'The parcels stored before it are kept, and downloading again continues from there.';
	if (isQuotaError(e)) return `${await storageFullMessage(`the rest of district ${district}`)} ${kept}`;
	return `The download of district ${district} stopped: ${reasonOf(e).replace(/\.?$/, '.')} ${kept}`;
}
