// Bootstrap of a district from GET /api/snapshot: pages of search rows and per-part change
// bytes, stored as they come (no Automerge and no base64 work: a document is loaded when its
// parcel is opened), one transaction per page so an interrupted download resumes. The next
// page is fetched while the current one is written. Afterwards the device follows /api/sync.
import type { PartName } from '../core/record/parts';
import { advanceCheckpoint } from './checkpoints';
import { browserVerifier } from './crypto';
import type { DocRow, FieldDatabase, SearchRow } from './db';
import { getJsonSized, type Fetch } from './http';
import { checkEntries, keyEntryRows, loadRegistry, replayKeyEntry, type EntryJson } from './registry';
import { rowFromServer, type ServerRow } from './search-row';
import { rebuildSearchIndex, SearchIndexBuilder, storeSearchIndex } from './search-index';
import { getState, putState, type DistrictRecord, type LogRecord } from './state';

export interface SnapshotParcel {
	row: ServerRow;
	parts: Partial<Record<PartName, string>>;
	withheld: PartName[];
}

export interface SnapshotPage {
	district: string;
	size: number;
	checkpoint: string;
	total?: number;
	keyEntries?: EntryJson[];
	parcels: SnapshotParcel[];
	next: string | null;
}

export interface DownloadProgress {
	district: string;
	phase: 'checking' | 'downloading' | 'storing' | 'done';
	parcels: number;
	total: number;
	bytes: number;
}

export interface BootstrapDeps {
	db: FieldDatabase;
	fetch: Fetch;
	log: LogRecord;
	onProgress?: (p: DownloadProgress) => void;
	/** Parcels per page (the server caps it at 5,000). */
	pageSize?: number;
}

/** Search rows and document rows of one page, ready for bulkPut. */
export function pageRows(page: SnapshotPage): { rows: SearchRow[]; docs: DocRow[] } {
	const n = page.parcels.length;
	const rows: SearchRow[] = new Array(n);
	const docs: DocRow[] = new Array(n);
	for (let i = 0; i < n; i++) {
		const p = page.parcels[i];
		rows[i] = rowFromServer(p.row);
		docs[i] = { parcelId: p.row.id, parts: p.parts, rev: 0 };
	}
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
	const districts = (await getState(db, 'districts')) ?? {};
	const rec: DistrictRecord = districts[district] ?? {
		code: district,
		status: 'downloading',
		parcels: 0,
		total: 0,
		bytes: 0,
		after: null,
		since: Number.MAX_SAFE_INTEGER,
		downloadedAt: null
	};
	if (rec.status === 'ready') return rec;
	const limit = deps.pageSize ?? 2000;
	const url = (after: string | null) =>
		`/api/snapshot?district=${encodeURIComponent(district)}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
	const report = (phase: DownloadProgress['phase']) =>
		deps.onProgress?.({ district, phase, parcels: rec.parcels, total: rec.total, bytes: rec.bytes });

	report('downloading');
	// A download that starts from the beginning builds the district's search index as it goes.
	const index = rec.after === null ? new SearchIndexBuilder(district) : null;
	let pending = getJsonSized<SnapshotPage>(deps.fetch, url(rec.after));
	for (let first = true; ; first = false) {
		const { value: page, bytes } = await pending;
		// Fetch the next page while this one is checked and written.
		if (page.next) pending = getJsonSized<SnapshotPage>(deps.fetch, url(page.next));
		if (first) {
			report('checking');
			await advanceCheckpoint({ db, fetch: deps.fetch, log: deps.log }, page.checkpoint);
			if (page.keyEntries) await storeKeyEntries(deps, page.keyEntries);
			if (page.total !== undefined) rec.total = page.total;
		}
		report('storing');
		const { rows, docs } = pageRows(page);
		index?.add(rows);
		rec.parcels += rows.length;
		rec.bytes += bytes;
		rec.since = Math.min(rec.since, page.size);
		rec.after = page.next ?? rows.at(-1)?.id ?? rec.after;
		if (!page.next) {
			rec.status = 'ready';
			rec.downloadedAt = Date.now();
			rec.total = Math.max(rec.total, rec.parcels);
		}
		await db.transaction('rw', [db.docs, db.parcels, db.state, db.searchIndex], async () => {
			await db.docs.bulkPut(docs);
			await db.parcels.bulkPut(rows);
			if (!page.next && index) await storeSearchIndex(db, index.build());
			const all = (await getState(db, 'districts')) ?? {};
			await putState(db, 'districts', { ...all, [district]: { ...rec } });
		});
		if (!page.next) {
			if (!index) await rebuildSearchIndex(db, district); // resumed: index what is on the device
			report('done');
			return rec;
		}
		report('downloading');
	}
}
