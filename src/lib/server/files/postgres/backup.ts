// The file store's part of a PostgreSQL backup and restore (store/backup-files.ts has the format).
import type pg from 'pg';
import type { PartName } from '../../../core/log/entry';
import type { FileType } from '../../../core/files/sniff';
import type { FileBackupLine } from '../../store/backup-files';
import { POSTGRES_FILES_SCHEMA } from './schema';

type Row = Record<string, unknown>;
const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * Every complete file some logged change names, with those refs, then its chunk rows in order
 * (a few rows per query), read through `c` and its open snapshot. Nothing before the file store.
 */
export async function* postgresFileRecords(c: pg.ClientBase): AsyncGenerator<FileBackupLine> {
	if (!(await c.query(`SELECT to_regclass('files') AS t`)).rows[0].t) return;
	const files = (await c.query('SELECT hash, size, type FROM files WHERE complete ORDER BY hash')).rows as Row[];
	for (const f of files) {
		const hash = f.hash as string;
		const { rows } = await c.query('SELECT r.change_hash, r.parcel, r.part FROM file_refs r JOIN changes c ON c.hash = r.change_hash WHERE r.hash = $1 ORDER BY r.change_hash', [hash]);
		if (!rows.length) continue;
		const refs = (rows as Row[]).map((r) => ({ changeHash: new Uint8Array(r.change_hash as Buffer), parcel: r.parcel as string, part: r.part as PartName }));
		yield { t: 'file', hash, size: Number(f.size), type: f.type as FileType, refs };
		for (let off = -1; ; ) {
			const page = (await c.query('SELECT off, data FROM file_chunks WHERE hash = $1 AND off > $2 ORDER BY off LIMIT 8', [hash, off])).rows as Row[];
			for (const r of page) yield { t: 'file-chunk', hash, off: Number(r.off), data: new Uint8Array(r.data as Buffer) };
			if (page.length < 8) break;
			off = Number(page[page.length - 1].off);
		}
	}
}

/** Writes file records through `c` (inside the restore's transaction); the tally has checked their order. */
export async function postgresFileLoader(c: pg.ClientBase): Promise<(r: FileBackupLine) => Promise<void>> {
	await c.query(POSTGRES_FILES_SCHEMA);
	return async (r) => {
		if (r.t === 'file-chunk') {
			await c.query('INSERT INTO file_chunks (hash, off, data) VALUES ($1, $2, $3)', [r.hash, r.off, buf(r.data)]);
			return;
		}
		await c.query('INSERT INTO files (hash, size, type, received, complete) VALUES ($1, $2, $3, $2, true)', [r.hash, r.size, r.type]);
		for (const x of r.refs) await c.query('INSERT INTO file_refs (hash, change_hash, parcel, part) VALUES ($1, $2, $3, $4)', [r.hash, buf(x.changeHash), x.parcel, x.part]);
	};
}
