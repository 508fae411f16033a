// Pushing the outbox: batches to POST /api/edits. Accepted edits are checked before their rows
// leave the outbox: the answer's checkpoint must extend the device's trusted one, and the
// entry the log stored must carry exactly this device's signed statement and be included in
// that checkpoint's tree (RFC 9162 §2.1.3.2). Refused edits stay, with the server's reason.
import { equalBytes, toHex } from '../core/bytes';
import { decodeEntry } from '../core/log/entry';
import { decodeBase64 } from './base64';
import { advanceCheckpoint, ForkError } from './checkpoints';
import type { FieldDatabase, OutboxRow, SyncedRow } from './db';
import { entriesAt, inclusionProblem } from './entry-submit';
import { postJson, type Fetch } from './http';
import type { LogRecord, CheckpointRecord } from './state';

export interface PushDeps {
	db: FieldDatabase;
	fetch: Fetch;
	log: LogRecord;
	onProgress?: (done: number, total: number) => void;
	batchSize?: number;
}

type ItemResult =
	| { status: 'accepted'; index: number; duplicate: boolean; inclusionProof: unknown }
	| { status: 'refused'; code: string; message: string };

interface EditsAnswer {
	checkpoint?: string;
	results?: ItemResult[];
	error?: { code: string; message: string };
}

export interface PushOutcome {
	accepted: number;
	refused: number;
}

async function proveIncluded(deps: PushDeps, row: OutboxRow, index: number, entry: Uint8Array | undefined, given: unknown, trusted: CheckpointRecord): Promise<void> {
	const fail = (why: string): never => {
		throw new ForkError(`The log accepted the edit of ${row.parcelId} (${row.summary}) at index ${index} but ${why}.`);
	};
	if (!entry) return fail('does not serve that entry');
	const e = decodeEntry(entry);
	if (e.kind !== 'edit' || toHex(e.changeHash) !== row.changeHash || toHex(e.author) !== row.wire.author || !equalBytes(e.signature, decodeBase64(row.wire.signature))) {
		return fail('stores a different statement there');
	}
	const problem = await inclusionProblem(deps.fetch, entry, index, given, trusted);
	if (problem) fail(problem);
}

async function recordEvidence(db: FieldDatabase, trusted: CheckpointRecord, message: string): Promise<void> {
	await db.alarms.add({ kind: 'fork', code: 'fork', at: Date.now(), message, trusted: trusted.note, received: null, proof: null, acknowledged: false });
}

export async function pushOutbox(deps: PushDeps): Promise<PushOutcome> {
	const { db } = deps;
	const pending = await db.outbox.where('status').equals('pending').sortBy('id');
	const outcome: PushOutcome = { accepted: 0, refused: 0 };
	const size = deps.batchSize ?? 200;
	deps.onProgress?.(0, pending.length);
	for (let i = 0; i < pending.length; i += size) {
		const batch = pending.slice(i, i + size);
		const { value } = await postJson<EditsAnswer>(deps.fetch, '/api/edits', { edits: batch.map((r) => r.wire) }, [207, 400, 403, 409, 413, 422]);
		if (!value.results || value.results.length !== batch.length || !value.checkpoint) {
			throw new Error(`the server refused the batch: ${value.error?.message ?? 'no per-edit results'}`);
		}
		const trusted = await advanceCheckpoint(deps, value.checkpoint);
		const results = value.results;
		const acceptedIdx = results.flatMap((r) => (r.status === 'accepted' ? [r.index] : []));
		const entries = acceptedIdx.length ? await entriesAt(deps.fetch, acceptedIdx) : new Map<number, Uint8Array>();
		const synced: SyncedRow[] = [];
		try {
			for (const [k, r] of results.entries()) {
				if (r.status !== 'accepted') continue;
				const row = batch[k];
				await proveIncluded(deps, row, r.index, entries.get(r.index), r.inclusionProof, trusted);
				synced.push({ changeHash: row.changeHash, parcelId: row.parcelId, part: row.part, summary: row.summary, index: r.index, treeSize: trusted.size, verifiedAt: Date.now() });
			}
		} catch (e) {
			if (e instanceof ForkError) await recordEvidence(db, trusted, e.message);
			throw e;
		}
		// Bulk operations: one request each instead of one per row (a batch can hold 2,000 rows).
		const acceptedIds: number[] = [];
		const refusedRows: { key: number; changes: Partial<OutboxRow> }[] = [];
		for (const [k, r] of results.entries()) {
			if (r.status === 'accepted') acceptedIds.push(batch[k].id!);
			else refusedRows.push({ key: batch[k].id!, changes: { status: 'refused', code: r.code, message: r.message } });
		}
		await db.transaction('rw', [db.outbox, db.synced], async () => {
			await Promise.all([db.outbox.bulkDelete(acceptedIds), db.outbox.bulkUpdate(refusedRows), db.synced.bulkPut(synced)]);
		});
		outcome.accepted += synced.length;
		outcome.refused += results.length - synced.length;
		deps.onProgress?.(Math.min(i + size, pending.length), pending.length);
	}
	return outcome;
}
