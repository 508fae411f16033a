// Checking that entries are in the log: open the signed checkpoint with the log's verifier key,
// then run each entry's RFC 9162 inclusion proof to the checkpoint's root. Used by the extract
// verifier and by the parcel page's in-browser proof check.
import { fromBase64 } from '../bytes';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint';
import { leafHash } from '../log/hashing';
import { parseVerifierKey, type NoteVerifierKey } from '../log/note';
import { verifyInclusion } from '../log/proof';
import { decodeEntry, verifyStatement } from '../log/entry';
import type { SignatureVerifier } from '../signing/ed25519';
import type { ExtractItem } from './format';

export type Opened = { ok: true; key: NoteVerifierKey; checkpoint: Checkpoint } | { ok: false; message: string };

/** The checkpoint, if `note` is signed by `verifierKey` and names that key's log. */
export async function openLogCheckpoint(note: string, verifierKey: string, verifier: SignatureVerifier): Promise<Opened> {
	const key = parseVerifierKey(verifierKey);
	if (!key.ok) return { ok: false, message: key.message };
	const opened = await openCheckpoint(note, key.value, verifier);
	if (!opened.ok) return { ok: false, message: opened.message };
	return { ok: true, key: key.value, checkpoint: opened.value.checkpoint };
}

/** Null when `item` is leaf `item.index` of the checkpoint's tree, else why not. */
export function inclusionFailure(item: ExtractItem, cp: Checkpoint): string | null {
	if (item.index >= cp.size) return `entry ${item.index} is not below the checkpoint's size ${cp.size}`;
	const verdict = verifyInclusion(leafHash(item.bytes), item.index, cp.size, item.proof, cp.root);
	return verdict.ok ? null : `entry ${item.index}: ${verdict.message}`;
}

export interface ProofBundle {
	verifierKey: string;
	checkpoint: string;
	items: { index: number; entry: string; proof: string[] }[];
}

export type ProofCheck =
	| { ok: true; size: number; verified: number[] }
	| { ok: false; message: string; verified: number[]; failed: { index: number; message: string }[] };

/** Verifies every item of a bundle (inclusion and the author's signature); reports which entries pass. */
export async function verifyProofBundle(b: ProofBundle, verifier: SignatureVerifier): Promise<ProofCheck> {
	const opened = await openLogCheckpoint(b.checkpoint, b.verifierKey, verifier);
	if (!opened.ok) return { ok: false, message: `the checkpoint does not verify: ${opened.message}`, verified: [], failed: [] };
	const verified: number[] = [];
	const failed: { index: number; message: string }[] = [];
	for (const it of b.items) {
		let why: string | null;
		try {
			const bytes = fromBase64(it.entry);
			why = inclusionFailure({ index: it.index, bytes, proof: it.proof.map(fromBase64) }, opened.checkpoint);
			const e = decodeEntry(bytes);
			if (!why && !(await verifyStatement(opened.checkpoint.origin, e, e.signature, verifier))) {
				why = `entry ${it.index}: the author's signature does not verify`;
			}
		} catch (e) {
			why = `entry ${it.index}: ${(e as Error).message}`;
		}
		if (why) failed.push({ index: it.index, message: why });
		else verified.push(it.index);
	}
	if (failed.length) return { ok: false, message: failed[0].message, verified, failed };
	return { ok: true, size: opened.checkpoint.size, verified };
}
