// bench/ingest-server: the SQLite ingest of bench/ingest.ts in a process that holds only the
// server's part — the ledger, its check workers, the store — so the peak RSS it reports is the
// server's own, not the bench's signed edits nor the Automerge heap that made them. The edits come
// from a file bench/ingest.ts wrote, one batch at a time, as clients would send them.
//   node --import tsx bench/ingest-server.ts <edits file> <database>  → {"rate":…,"rssMb":…}
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { nodeSigner } from '../src/lib/server/ed25519';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import type { Submission } from '../src/lib/core/log/submission';
import { BATCH, ingestBatches, type makeEdits } from './ingest';
// @ts-expect-error: plain ES module
import { serverEnv } from '../scripts/lib/server-env.mjs';

type Edits = Awaited<ReturnType<typeof makeEdits>>;

/** One record: a 4-byte big-endian length, then v8.serialize of the value. */
function record(value: unknown): Buffer {
	const body = serialize(value);
	const head = Buffer.alloc(4);
	head.writeUInt32BE(body.length);
	return Buffer.concat([head, body]);
}

/** Writes the header (keys, count) and the batches, then runs the ingest in a process of its own. */
export async function ingestInServerProcess(edits: Edits, file: string, database: string): Promise<{ rate: number; rssMb: number }> {
	const parts = [record({ registrarSeed: edits.registrarSeed, assessorKey: edits.assessor.publicKey, count: edits.subs.length })];
	for (let i = 0; i < edits.subs.length; i += BATCH) parts.push(record(edits.subs.slice(i, i + BATCH)));
	writeFileSync(file, Buffer.concat(parts));
	// Started as `npm start` starts the server (scripts/lib/server-env.mjs).
	const child = spawn(process.execPath, ['--import', 'tsx', 'bench/ingest-server.ts', file, database], { env: serverEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
	let out = '';
	child.stdout.on('data', (c) => (out += c));
	const code = await new Promise<number | null>((r) => child.once('exit', r));
	if (code !== 0) throw new Error(`bench/ingest-server.ts exited with ${code}`);
	return JSON.parse(out.trim().split('\n').pop()!);
}

/**
 * v8.deserialize makes every Uint8Array a view into the record it read, and posting a view to a
 * check worker copies its whole buffer (the batch): each array gets a buffer of its own, as
 * decoding a request's JSON gives it.
 */
function own(v: unknown): unknown {
	if (v instanceof Uint8Array) return v.slice();
	if (Array.isArray(v)) return v.map(own);
	if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, own(x)]));
	return v;
}

async function main(file: string, database: string): Promise<void> {
	const fd = openSync(file, 'r');
	let pos = 0;
	const read = (): unknown => {
		const head = Buffer.alloc(4);
		if (readSync(fd, head, 0, 4, pos) < 4) return undefined;
		const body = Buffer.alloc(head.readUInt32BE());
		readSync(fd, body, 0, body.length, pos + 4);
		pos += 4 + body.length;
		return own(deserialize(body));
	};
	const header = read() as { registrarSeed: Uint8Array; assessorKey: Uint8Array; count: number };
	const r = await ingestBatches(new SqliteLogStore(database), {
		registrar: nodeSigner(header.registrarSeed),
		assessorKey: header.assessorKey,
		count: header.count,
		next: () => read() as Submission[] | undefined
	});
	closeSync(fd);
	console.log(JSON.stringify(r));
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv[2], process.argv[3]);
