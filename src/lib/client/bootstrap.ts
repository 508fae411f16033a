// Bootstrap of a district from GET /api/snapshot: pages of search rows and per-part change bytes,
// each page checked against the parcel map of its checkpoint before anything of it is stored
// (docs/protocol.md "Snapshot"): the checkpoint is signed with the pinned key and consistent with
// the device's last verified one; the page's map proof shows that its parcels are all of the
// district's since the previous page; every part's bytes, split into changes and hashed, are
// exactly the part's logged changes. No Automerge and no documents on this path: a document is
// loaded when its parcel is opened. One transaction per page (resumable); the next page is
// fetched while this one is checked, and checked while the one before is written.
import { fromHex } from '../core/bytes';
import { splitChanges } from '../core/crdt/change-chunks';
import type { Checkpoint } from '../core/log/checkpoint';
import type { MapLeaf } from '../core/map/leaf';
import { mapRootOf } from '../core/map/log-map';
import { checkSnapshotPage, type PageParcel, type SnapshotFailureCode } from '../core/map/snapshot';
import { isPartName, type PartName } from '../core/record/parts';
import { decodeBase64 } from './base64';
import { ForkError, halted, recordAlarm, verifyCheckpoint } from './checkpoints';
import { browserVerifier, sha256All, type Hasher } from './crypto';
import type { DocRow, FieldDatabase, SearchRow } from './db';
import { getJsonSized, RequestError, type Fetch } from './http';
import { chunkRow } from './map-store';
import { checkEntries, keyEntryRows, loadRegistry, replayKeyEntry, type EntryJson } from './registry';
import { rowFromServer, type ServerRow } from './search-row';
import { rebuildSearchIndex, SearchIndexBuilder, storeSearchIndex } from './search-index';
import { getState, putState, type DistrictRecord, type LogRecord } from './state';

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
	/** Parcels per page (the server caps it at 5,000). */
	pageSize?: number;
	/**
	 * bench/bootstrap.ts only: `false` stores pages unchecked (the unverified baseline it measures
	 * beside the verified download). The app never passes it.
	 */
	verify?: boolean;
	/** bench/bootstrap.ts only: the hash to compare (crypto.ts DEFAULT_HASHER otherwise). */
	hasher?: Hasher;
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

/** Search rows and document rows of one page, ready for bulkPut (unlisted parcels: documents only). */
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

type Verdict = { ok: true; leaves: MapLeaf[] } | { ok: false; code: SnapshotFailureCode | 'snapshot-checkpoint'; message: string; parcel: string | null; part: PartName | null };

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Checks one page against the map root of its (verified) checkpoint: split every part into its
 * changes, hash them all in one batch, then core's checkSnapshotPage. `anchor` is the `after` the
 * page was asked with.
 */
export async function verifyPage(page: SnapshotPage, anchor: string | null, mapRoot: Uint8Array, hasher?: Hasher): Promise<Verdict> {
	const bad = (code: SnapshotFailureCode, message: string, parcel: string | null = null, part: PartName | null = null): Verdict => ({ ok: false, code, message, parcel, part });
	if (typeof page.mapProof !== 'string') return bad('snapshot-map-proof', 'The page carries no map proof.');
	let proof: Uint8Array;
	try {
		proof = decodeBase64(page.mapProof);
	} catch {
		return bad('snapshot-map-proof', 'The page\'s map proof is not base64.');
	}
	// Parcels with a search row and those without one, in id order (the order of their map keys).
	const listed: { id: unknown; parts?: Record<string, string>; hashes?: Record<string, unknown> }[] = [
		...(Array.isArray(page.parcels) ? page.parcels : []).map((p) => ({ id: p?.row?.id, parts: p?.parts, hashes: p?.hashes })),
		...(Array.isArray(page.unlisted) ? page.unlisted : [])
	];
	if (listed.some((p) => typeof p?.id !== 'string')) return bad('snapshot-incomplete', 'a parcel of the page has no id');
	listed.sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0));
	const flat: Uint8Array[] = [];
	const refs: { parcel: number; part: PartName; from: number; to: number }[] = [];
	const parcels: PageParcel[] = new Array(listed.length);
	for (let i = 0; i < listed.length; i++) {
		const p = listed[i];
		const id = p.id as string;
		const parts: PageParcel['parts'] = {};
		for (const [part, data] of Object.entries(p.parts ?? {})) {
			if (!isPartName(part)) return bad('snapshot-part-mismatch', `parcel ${id}: the server sent a part named ${JSON.stringify(part.slice(0, 20))}`, id);
			let bytes: Uint8Array;
			try {
				if (typeof data !== 'string') throw new TypeError();
				bytes = decodeBase64(data);
			} catch {
				return bad('snapshot-part-mismatch', `parcel ${id}, part ${part}: the bytes are not base64`, id, part);
			}
			const split = splitChanges(bytes);
			if (!split.ok) return bad('snapshot-part-mismatch', `parcel ${id}, part ${part}: the bytes are not whole Automerge changes (${split.message})`, id, part);
			refs.push({ parcel: i, part, from: flat.length, to: flat.length + split.changes.length });
			for (const c of split.changes) flat.push(c);
			parts[part] = { served: null, listed: null };
		}
		for (const [part, list] of Object.entries(p.hashes ?? {})) {
			if (!isPartName(part) || !Array.isArray(list) || !list.every((h) => typeof h === 'string' && HEX_HASH.test(h))) {
				return bad('snapshot-part-mismatch', `parcel ${id}: the change hashes of part ${JSON.stringify(part.slice(0, 20))} are malformed`, id, isPartName(part) ? part : null);
			}
			parts[part] = { served: parts[part]?.served ?? null, listed: list.map(fromHex) };
		}
		parcels[i] = { id, parts };
	}
	const hashes = await sha256All(flat, hasher);
	for (const r of refs) parcels[r.parcel].parts[r.part]!.served = hashes.slice(r.from, r.to);
	return checkSnapshotPage({ district: page.district, proof, mapRoot, anchor, last: !page.next, parcels });
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
		mapHash: null
	};
	if (rec.status === 'ready') return rec;
	if (verify && (await halted(db))) throw new ForkError('An alarm halts sync and downloads on this device; see the alarm above.');
	const limit = deps.pageSize ?? 2000;
	const url = (after: string | null) =>
		`/api/snapshot?district=${encodeURIComponent(district)}&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
	// 503 `unavailable`: the server's search rows are older than any map version it keeps; soon they are not.
	const fetchPage = async (after: string | null) => {
		for (let attempt = 1; ; attempt++) {
			try {
				return await getJsonSized<SnapshotPage>(deps.fetch, url(after));
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
	const refuse = async (page: SnapshotPage, anchor: string | null, v: Extract<Verdict, { ok: false }>): Promise<never> => {
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
	let anchor = rec.after;
	let pending = fetchPage(anchor);
	for (let first = true; ; first = false) {
		const { value: page, bytes } = await pending;
		// Fetch the next page while this one is checked and written.
		if (page.next) {
			pending = fetchPage(page.next);
			pending.catch(() => {}); // awaited on the next turn
		}
		if (first) report('checking');
		let leaves: MapLeaf[] | null = null;
		if (verify) {
			const cp = await pageCheckpoint(page);
			const root = mapRootOf(cp);
			if (cp.size !== page.size) {
				await refuse(page, anchor, { ok: false, code: 'snapshot-checkpoint', message: `the page is of ${page.size} entries, its checkpoint of ${cp.size}.`, parcel: null, part: null });
			}
			if (!root.ok) await refuse(page, anchor, { ok: false, code: 'snapshot-checkpoint', message: `${root.message}.`, parcel: null, part: null });
			if (page.district !== district) {
				await refuse(page, anchor, { ok: false, code: 'snapshot-incomplete', message: `the page is of district ${page.district}.`, parcel: null, part: null });
			}
			report('verifying');
			const verdict = await verifyPage(page, anchor, root.ok ? root.value : new Uint8Array(32), deps.hasher);
			if (!verdict.ok) await refuse(page, anchor, verdict);
			else leaves = verdict.leaves;
		} else if (first) {
			await verifyCheckpoint({ db, fetch: deps.fetch, log: deps.log }, page.checkpoint);
		}
		if (first) {
			if (page.keyEntries) await storeKeyEntries(deps, page.keyEntries);
			if (page.total !== undefined) rec.total = page.total;
		}
		const { rows, docs } = pageRows(page);
		index?.add(rows);
		await writing; // the page before is committed before this one starts
		report('storing');
		rec.parcels += rows.length;
		rec.bytes += bytes;
		rec.since = Math.min(rec.since, page.size);
		if (leaves) rec.verifiedParts = (rec.verifiedParts ?? 0) + leaves.length;
		rec.after = page.next ?? rows.at(-1)?.id ?? rec.after;
		if (!page.next) {
			rec.status = 'ready';
			rec.downloadedAt = Date.now();
			rec.total = Math.max(rec.total, rec.parcels);
		}
		const snap = { ...rec };
		const chunk = leaves ? chunkRow(district, page.size, leaves) : null;
		const built = !page.next && index ? index.build() : null;
		writing = db.transaction('rw', [db.docs, db.parcels, db.state, db.searchIndex, db.mapChunks], async () => {
			await db.docs.bulkPut(docs);
			await db.parcels.bulkPut(rows);
			if (chunk) await db.mapChunks.put(chunk);
			if (built) await storeSearchIndex(db, built);
			const all = (await getState(db, 'districts')) ?? {};
			await putState(db, 'districts', { ...all, [district]: snap });
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
}
