// Sending signed entries other than edits — key grants and revocations, claims, decisions and
// notices — and checking the answer as a pushed edit is checked: the checkpoint must extend the
// trusted one, the entry the log stored at each accepted index must carry exactly the signature
// sent, and its inclusion proof must lead to that checkpoint's root (RFC 9162 §2.1.3.2).
import { equalBytes } from '../core/bytes';
import { decodeEntry, type Entry } from '../core/log/entry';
import { leafHash } from '../core/log/hashing';
import { parseInclusionProofJson, verifyInclusion } from '../core/log';
import { decodeBase64 } from './base64';
import { advanceCheckpoint, ForkError, type TrustDeps } from './checkpoints';
import { getJson, postJson, type Fetch } from './http';
import type { CheckpointRecord } from './state';

export type EntryResult =
	| { status: 'accepted'; index: number; entry: Entry; treeSize: number }
	| { status: 'refused'; code: string; message: string };

interface EntriesAnswer {
	checkpoint?: string;
	results?: ({ status: 'accepted'; index: number; inclusionProof: unknown } | { status: 'refused'; code: string; message: string })[];
	error?: { code: string; message: string };
}

/** Entry bytes by index, fetched in ranges of at most 1,000. */
export async function entriesAt(f: Fetch, indexes: number[]): Promise<Map<number, Uint8Array>> {
	const out = new Map<number, Uint8Array>();
	const sorted = [...new Set(indexes)].sort((a, b) => a - b);
	for (let i = 0; i < sorted.length; ) {
		const start = sorted[i];
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] - start < 1000) j++;
		const page = await getJson<{ entries: { index: number; entry: string }[] }>(f, `/api/log/entries?start=${start}&end=${sorted[j] + 1}`);
		for (const e of page.entries) out.set(e.index, decodeBase64(e.entry));
		i = j + 1;
	}
	return out;
}

/** Null when `entry` is provably at `index` of the trusted tree, else why not. */
export async function inclusionProblem(f: Fetch, entry: Uint8Array, index: number, given: unknown, trusted: CheckpointRecord): Promise<string | null> {
	if (index >= trusted.size) return `its checkpoint has only ${trusted.size} entries`;
	let proof = parseInclusionProofJson(given);
	if (!proof.ok || proof.value.treeSize !== trusted.size || proof.value.leafIndex !== index) {
		proof = parseInclusionProofJson(await getJson(f, `/api/log/proof/inclusion?index=${index}&size=${trusted.size}`));
	}
	if (!proof.ok) return `gave a malformed inclusion proof (${proof.message})`;
	const verdict = verifyInclusion(leafHash(entry), index, trusted.size, proof.value.hashes, decodeBase64(trusted.root));
	return verdict.ok ? null : `cannot prove it is in the tree (${verdict.message})`;
}

/**
 * POSTs `wires` (one JSON body `{ entries }`) to `url` and checks every accepted one; `signatures`
 * are the signatures sent, in the same order. A log that answers "accepted" but cannot show it
 * gets a fork alarm (evidence, halting sync) and ForkError; a refusal of the whole batch throws Error.
 */
export async function submitEntries(deps: TrustDeps, url: string, wires: unknown[], signatures: Uint8Array[]): Promise<EntryResult[]> {
	const { value } = await postJson<EntriesAnswer>(deps.fetch, url, { entries: wires }, [207, 400, 403, 404, 409, 422]);
	if (!value.results || value.results.length !== wires.length || !value.checkpoint) {
		if (wires.length === 1 && value.error) return [{ status: 'refused', code: value.error.code, message: value.error.message }];
		throw new Error(`the server refused the batch: ${value.error?.message ?? 'no per-entry results'}`);
	}
	const trusted = await advanceCheckpoint(deps, value.checkpoint);
	const accepted = value.results.flatMap((r) => (r.status === 'accepted' ? [r.index] : []));
	const stored = accepted.length ? await entriesAt(deps.fetch, accepted) : new Map<number, Uint8Array>();
	const fork = async (message: string): Promise<never> => {
		await deps.db.alarms.add({ kind: 'fork', code: 'fork', at: Date.now(), message, trusted: trusted.note, received: null, proof: null, acknowledged: false });
		throw new ForkError(message);
	};
	const out: EntryResult[] = [];
	for (const [k, r] of value.results.entries()) {
		if (r.status !== 'accepted') {
			out.push(r);
			continue;
		}
		const raw = stored.get(r.index);
		const entry = raw ? decodeEntry(raw) : null;
		if (!raw || !entry || !equalBytes(entry.signature, signatures[k])) return fork(`The log accepted an entry at index ${r.index} but does not store that signed entry there.`);
		const problem = await inclusionProblem(deps.fetch, raw, r.index, r.inclusionProof, trusted);
		if (problem) return fork(`The log accepted an entry at index ${r.index} but ${problem}.`);
		out.push({ status: 'accepted', index: r.index, entry, treeSize: trusted.size });
	}
	return out;
}
