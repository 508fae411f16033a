// The logical backup of a log store (`parcel-ledger-backup/v2`): newline-delimited JSON, one
// record per line, bytes in base64 — header, entries, change bodies, stored hashes, checkpoints,
// files and their bytes (v2; backup-files.ts), notices' pending changes (v2 files written since
// claims; older ones have none), then a trailer with the counts, so a truncated
// file is refused. v1 files (no files) are still read. Every store can write and read
// it, so it also moves a log between SQLite and PostgreSQL. The projection is not in it: it is
// derived, and a server rebuilds it from the log on start. The log key is never in it.
import { fromBase64, toBase64 } from '../../core/bytes';
import type { PartName } from '../../core/log/entry';
import type { ChangeRow, EntryRow, LogMeta, LogStore, NoticeChangeRow } from './types';
import type { NoticePart } from '../../core/claims/types';
import { decodeFileRecord, encodeFileRecord, FileTally, type FileBackupLine } from './backup-files';

export const BACKUP_FORMAT = 'parcel-ledger-backup/v2';
const READABLE = ['parcel-ledger-backup/v1', BACKUP_FORMAT] as const;

export interface BackupHeader extends LogMeta {
	t: 'header';
	format: (typeof READABLE)[number];
	/** The store the backup was taken from. */
	store: 'sqlite' | 'postgres';
	/** Tree size of the snapshot: every row below it, nothing above. */
	size: number;
	createdAt: string;
}

export interface BackupCounts {
	entries: number;
	changes: number;
	hashes: number;
	checkpoints: number;
	/** v2: files, and the bytes of their chunks. */
	files: number;
	fileBytes: number;
	/** Notices' pending changes (notice_changes). */
	noticeChanges: number;
}

export type BackupRecord =
	| BackupHeader
	| { t: 'entry'; row: EntryRow }
	| { t: 'change'; row: ChangeRow }
	| { t: 'notice-change'; row: NoticeChangeRow }
	| { t: 'hash'; index: number; hash: Uint8Array }
	| { t: 'checkpoint'; size: number; note: string }
	| FileBackupLine
	| { t: 'end'; counts: BackupCounts };

/** What a restore needs from a store besides its own loader: is it empty? */
export async function isEmptyStore(store: Pick<LogStore, 'readMeta' | 'head'>): Promise<boolean> {
	return (await store.readMeta()) === null && (await store.head()) === null;
}

const b64 = (b: Uint8Array | null) => (b ? toBase64(b) : null);
const bytes = (s: unknown, what: string): Uint8Array => {
	if (typeof s !== 'string') throw new Error(`${what} must be base64`);
	return fromBase64(s);
};

export function encodeRecord(r: BackupRecord): string {
	switch (r.t) {
		case 'entry': {
			const e = r.row;
			return JSON.stringify({ t: 'entry', index: e.index, data: b64(e.data), identity: b64(e.identity), kind: e.kind, author: b64(e.author), parcel: e.parcel, district: e.district, part: e.part, changeHash: b64(e.changeHash) });
		}
		case 'change': {
			const c = r.row;
			return JSON.stringify({ t: 'change', hash: b64(c.hash), parcel: c.parcel, part: c.part, amHash: c.amHash, actor: c.actor, seq: c.seq, body: b64(c.body) });
		}
		case 'notice-change':
			return JSON.stringify({ t: 'notice-change', hash: b64(r.row.hash), parcel: r.row.parcel, part: r.row.part, body: b64(r.row.body) });
		case 'hash':
			return JSON.stringify({ t: 'hash', index: r.index, hash: b64(r.hash) });
		case 'file':
		case 'file-chunk':
			return encodeFileRecord(r);
		default:
			return JSON.stringify(r);
	}
}

/** Parses one line; throws naming the line on anything unexpected. */
export function decodeRecord(line: string, lineNo: number): BackupRecord {
	try {
		const o = JSON.parse(line) as Record<string, unknown>;
		const int = (k: string) => {
			if (!Number.isSafeInteger(o[k]) || (o[k] as number) < 0) throw new Error(`${k} must be a non-negative integer`);
			return o[k] as number;
		};
		const str = (k: string) => {
			if (typeof o[k] !== 'string') throw new Error(`${k} must be a string`);
			return o[k] as string;
		};
		const opt = (k: string) => (o[k] === null ? null : str(k));
		switch (o.t) {
			case 'header':
				if (!READABLE.includes(o.format as BackupHeader['format'])) throw new Error(`not a ${BACKUP_FORMAT} file`);
				if (o.store !== 'sqlite' && o.store !== 'postgres') throw new Error('store must be sqlite or postgres');
				return { t: 'header', format: o.format as BackupHeader['format'], store: o.store, origin: str('origin'), verifierKey: str('verifierKey'), size: int('size'), createdAt: str('createdAt') };
			case 'entry':
				return {
					t: 'entry',
					row: {
						index: int('index'),
						data: bytes(o.data, 'data'),
						identity: bytes(o.identity, 'identity'),
						kind: int('kind'),
						author: bytes(o.author, 'author'),
						parcel: opt('parcel'),
						district: opt('district'),
						part: opt('part') as PartName | null,
						changeHash: o.changeHash === null ? null : bytes(o.changeHash, 'changeHash')
					}
				};
			case 'change':
				return { t: 'change', row: { hash: bytes(o.hash, 'hash'), parcel: str('parcel'), part: str('part') as PartName, amHash: str('amHash'), actor: str('actor'), seq: int('seq'), body: bytes(o.body, 'body') } };
			case 'notice-change': {
				const part = str('part');
				if (part !== 'parcel' && part !== 'title') throw new Error('a notice holds a parcel or title change');
				return { t: 'notice-change', row: { hash: bytes(o.hash, 'hash'), parcel: str('parcel'), part: part as NoticePart, body: bytes(o.body, 'body') } };
			}
			case 'hash':
				return { t: 'hash', index: int('index'), hash: bytes(o.hash, 'hash') };
			case 'checkpoint':
				return { t: 'checkpoint', size: int('size'), note: str('note') };
			case 'file':
			case 'file-chunk':
				return decodeFileRecord(o);
			case 'end': {
				const c = o.counts as Record<string, unknown>;
				const n = (k: string, v1 = false) => {
					if (v1 && c?.[k] === undefined) return 0; // a v1 trailer counts no files, an older v2 no notice changes
					if (!Number.isSafeInteger(c?.[k])) throw new Error(`counts.${k} must be an integer`);
					return c[k] as number;
				};
				return { t: 'end', counts: { entries: n('entries'), changes: n('changes'), hashes: n('hashes'), checkpoints: n('checkpoints'), files: n('files', true), fileBytes: n('fileBytes', true), noticeChanges: n('noticeChanges', true) } };
			}
			default:
				throw new Error(`unknown record type ${JSON.stringify(o.t)}`);
		}
	} catch (e) {
		throw new Error(`backup line ${lineNo}: ${(e as Error).message}`);
	}
}

/**
 * Checks the order and completeness of a record stream as it passes: header first, entries in
 * index order below the header's size, the trailer's counts equal to what came. A loader feeds
 * every record through `accept` and calls `finish` before it commits.
 */
export class BackupTally {
	header: BackupHeader | null = null;
	readonly counts: BackupCounts = { entries: 0, changes: 0, hashes: 0, checkpoints: 0, files: 0, fileBytes: 0, noticeChanges: 0 };
	readonly #files = new FileTally();
	#ended = false;

	accept(r: BackupRecord): void {
		if (this.#ended) throw new Error('backup: records after the trailer');
		if (r.t === 'header') {
			if (this.header) throw new Error('backup: a second header');
			this.header = r;
			return;
		}
		if (!this.header) throw new Error('backup: the header is missing');
		switch (r.t) {
			case 'entry':
				if (r.row.index !== this.counts.entries) throw new Error(`backup: entry ${r.row.index} where ${this.counts.entries} was expected`);
				if (r.row.index >= this.header.size) throw new Error(`backup: entry ${r.row.index} is past the snapshot size ${this.header.size}`);
				this.counts.entries++;
				return;
			case 'change':
				this.counts.changes++;
				return;
			case 'notice-change':
				this.counts.noticeChanges++;
				return;
			case 'hash':
				this.counts.hashes++;
				return;
			case 'checkpoint':
				if (r.size > this.header.size) throw new Error(`backup: checkpoint ${r.size} is past the snapshot size ${this.header.size}`);
				this.counts.checkpoints++;
				return;
			case 'file':
			case 'file-chunk':
				this.#files.accept(r);
				this.counts.files = this.#files.files;
				this.counts.fileBytes = this.#files.fileBytes;
				return;
			case 'end': {
				this.#files.finish();
				this.#ended = true;
				const want = JSON.stringify(r.counts);
				const got = JSON.stringify(this.counts);
				if (want !== got) throw new Error(`backup: the trailer counts ${want}, the file holds ${got}`);
				return;
			}
		}
	}

	finish(): BackupHeader {
		if (!this.header) throw new Error('backup: empty file');
		if (!this.#ended) throw new Error('backup: the file ends before its trailer (truncated?)');
		if (this.counts.entries !== this.header.size) throw new Error(`backup: ${this.counts.entries} entries for a snapshot of size ${this.header.size}`);
		return this.header;
	}
}
