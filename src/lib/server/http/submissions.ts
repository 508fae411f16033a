// POST /api/edits and POST /api/keys: parse the batch, check and sequence it, answer per item.
// Status: 200 when every item was accepted, the item's own 4xx when every item was refused with
// one code, 207 when results are mixed (docs/protocol.md "Submitting edits").
import { json } from '@sveltejs/kit';
import { toBase64 } from '../../core/bytes';
import type { Submission } from '../../core/log/submission';
import type { Ledger, ItemResult } from '../ledger';
import { EditBatch, KeyBatch, parseWire, toSubmission, type EditItem, type KeyItem } from './wire';
import { HttpError, readJson, statusOf } from './respond';
import { MAX_BODY_BYTES } from './body-limits.js';

export { MAX_BODY_BYTES };

type WireItemResult =
	| { status: 'accepted'; index: number; duplicate: boolean; inclusionProof: { leafIndex: number; treeSize: number; hashes: string[] } }
	| { status: 'refused'; code: string; message: string };

function toWire(r: ItemResult): WireItemResult {
	if (r.status === 'refused') return { status: 'refused', code: r.code, message: r.message };
	return {
		status: 'accepted',
		index: r.index,
		duplicate: r.duplicate,
		inclusionProof: { leafIndex: r.index, treeSize: r.treeSize, hashes: r.proof.map(toBase64) }
	};
}

/**
 * `observe` sees the parsed request and the answer (e.g. registry/refusals.ts): the body is read
 * once, never copied (a copy of a streamed body holds every byte read until it is collected).
 */
export async function handleSubmissions(
	request: Request,
	ledger: Ledger,
	kind: 'edits' | 'keys',
	observe?: (body: unknown, answer: unknown, status: number) => void
): Promise<Response> {
	const body = await readJson(request, MAX_BODY_BYTES);
	const items: (EditItem | KeyItem)[] = [];
	if (kind === 'edits') {
		const parsed = parseWire(EditBatch, body);
		if (!parsed.ok) throw new HttpError(/edits: Invalid length/.test(parsed.message) ? 'too-large' : 'malformed', parsed.message);
		items.push(...parsed.value.edits);
	} else {
		const parsed = parseWire(KeyBatch, body);
		if (!parsed.ok) throw new HttpError('malformed', parsed.message);
		items.push(...parsed.value.entries);
	}

	// Items that do not even decode are refused in place; the rest go through the ledger.
	const results: (WireItemResult | null)[] = [];
	const subs: Submission[] = [];
	const slots: number[] = [];
	items.forEach((item, i) => {
		const s = toSubmission(item);
		if (s.ok) {
			slots.push(i);
			subs.push(s.value);
			results.push(null);
		} else {
			results.push({ status: 'refused', code: 'malformed', message: `item ${i}: ${s.message}` });
		}
	});
	const done = await ledger.submit(subs);
	// One checkpoint for the whole answer, and every proof to its size: a request may have been
	// sequenced in several batches, and later batches may have committed since (size and
	// checkpoint are read together, with no await between them).
	const size = ledger.sequencer.size;
	const checkpoint = ledger.sequencer.checkpoint;
	for (const [k, r] of done.entries()) {
		const same = r.status !== 'accepted' || r.treeSize === size ? r : { ...r, treeSize: size, proof: await ledger.inclusionProof(r.index, size) };
		results[slots[k]] = toWire(same);
	}
	const final = results as WireItemResult[];

	const refused = final.filter((r) => r.status === 'refused') as Extract<WireItemResult, { status: 'refused' }>[];
	const codes = new Set(refused.map((r) => r.code));
	const status = refused.length === 0 ? 200 : refused.length === final.length && codes.size === 1 ? statusOf(refused[0].code) : refused.length === final.length ? 400 : 207;
	const error = refused.length === final.length ? { code: codes.size === 1 ? refused[0].code : 'refused', message: refused[0].message } : undefined;
	// Every item `unavailable`: the store failed and nothing was written; say when to try again.
	const headers: Record<string, string> = status === 503 ? { 'retry-after': '2' } : {};
	const answer = { checkpoint, results: final, ...(error ? { error } : {}) };
	observe?.(body, answer, status);
	return json(answer, { status, headers });
}
