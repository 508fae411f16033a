// Tampered extracts for the `complete` check's tests (core and CLI): a log of ten entries where
// RIV-000123 has edits of three parts, its honest extract, and each way of leaving something out,
// hiding it or swapping it, with the check that must catch it and what it must say.
import { fromHex, toBase64, utf8 } from '../bytes';
import { makeActor } from '../crdt/actors';
import { createPartDoc } from '../crdt/document';
import { changeHash, type Statement } from '../log/entry';
import { REGISTRAR_SECRET } from '../log/entry.vectors';
import { LOG_VECTOR_ORIGIN, LOG_VECTOR_SECRET } from '../log/vectors';
import { MAP_LINE_PREFIX, parcelPrefix } from '../map';
import type { PartName } from '../record/parts';
import { sampleTitle } from '../record/samples';
import { secretKeySigner, type Signer } from '../signing/ed25519';
import type { ExtractJson } from './format';
import { ben, mapOfLog, memoryExtract, signedEntry, VECTOR_PARCEL, vectorLog, type LogItem } from './vector-log';
import type { ExtractCheckName } from './verify';

export const logSigner = () => secretKeySigner(fromHex(LOG_VECTOR_SECRET));
const ada = () => secretKeySigner(fromHex(REGISTRAR_SECRET));
const T = 1767398400000; // 2026-01-03T00:00:00Z

async function edit(signer: Signer, parcelId: string, part: PartName, change: Uint8Array, at: number): Promise<LogItem> {
	const s: Statement = { kind: 'edit', parcelId, part, changeHash: changeHash(change), author: signer.publicKey, claimedTime: at };
	return { entry: await signedEntry(LOG_VECTOR_ORIGIN, s, signer, at + 1000), change };
}

function titleChange(): Uint8Array {
	const r = createPartDoc('title', VECTOR_PARCEL, sampleTitle(VECTOR_PARCEL), { actor: makeActor(ada().publicKey, new Uint8Array(8).fill(2)), time: T / 1000 });
	if (!r.ok) throw new Error(r.message);
	return r.change;
}

/**
 * The vector log (0–4) and five more: 5, 6 and 8 Ben's private edits of RIV-000123, 7 his private
 * edit of RIV-000124, 9 Ada Registrar creating RIV-000123's title part. So RIV-000123 has one
 * parcel edit (2), four private edits (3, 5, 6, 8) and one title edit (9), at size 10.
 */
export async function completenessLog(): Promise<LogItem[]> {
	const priv = (text: string, i: number, parcel = VECTOR_PARCEL) => edit(ben(), parcel, 'private', utf8(text), T + i * 60_000);
	return [
		...(await vectorLog()),
		await priv('private change 5', 5),
		await priv('private change 6', 6),
		await priv('private change 7', 7, 'RIV-000124'),
		await priv('private change 8', 8),
		await edit(ada(), VECTOR_PARCEL, 'title', titleChange(), T + 9 * 60_000)
	];
}

export const extractOfLog = (items: LogItem[], mapItems?: LogItem[]): Promise<ExtractJson> =>
	memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner: logSigner(), parcel: VECTOR_PARCEL, items, mapItems });

export interface TamperCase {
	what: string;
	extract: unknown;
	/** The first check that fails. */
	check: ExtractCheckName;
	reason: RegExp;
}

const withoutEntry = (x: ExtractJson, index: number): ExtractJson => ({ ...x, entries: x.entries.filter((e) => e.index !== index) });

/** Every tamper case of the `complete` check, on the extract of RIV-000123 at size 10. */
export async function tamperCases(): Promise<TamperCase[]> {
	const log = await completenessLog();
	const x = await extractOfLog(log);
	const map = mapOfLog(log);
	// A thorough forger who hides the title edit also drops its body and fixes the record, so that
	// every other check passes: only `complete` can tell.
	const before = await extractOfLog(log.slice(0, 9));
	const noTitle = { ...withoutEntry(x, 9), changes: before.changes, record: before.record };
	const swap = <T>(list: T[], i: number, j: number): T[] => list.map((v, k) => (k === i ? list[j] : k === j ? list[i] : v));
	// Its body is left out (it is no Automerge change): the check that reports first is `complete`.
	const valuationAt5 = { entry: (await edit(ben(), VECTOR_PARCEL, 'valuation', utf8('a valuation change'), T + 5 * 60_000)).entry };
	const checkpointLines = x.checkpoint.split('\n');
	const v1Checkpoint = (await memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner: logSigner(), parcel: VECTOR_PARCEL, items: log, v1: true })).checkpoint;
	return [
		{
			what: 'an entry in the middle left out',
			extract: withoutEntry(x, 5),
			check: 'complete',
			reason: /^The log has 4 edits of the private part up to checkpoint 10, the extract shows 3: an entry is left out\.$/
		},
		{
			what: 'the last (later) entry of a part hidden',
			extract: withoutEntry(x, 8),
			check: 'complete',
			reason: /^The log has 4 edits of the private part up to checkpoint 10, the extract shows 3; the last private edit is at index 8, the extract stops at 6: a later entry is hidden\.$/
		},
		{
			what: 'a part hidden whole, its body dropped and the record rebuilt without it',
			extract: noTitle,
			check: 'complete',
			reason: /^The log has 1 edit of the title part up to checkpoint 10, the extract shows none: it is left out \(the last at index 9\)\.$/
		},
		{
			what: 'an entry of another part swapped in (the tree holds a valuation edit where the signed map has a private one)',
			extract: await extractOfLog(log.map((it, i) => (i === 5 ? valuationAt5 : it)), log),
			check: 'complete',
			reason: /^The log has no edit of the valuation part up to checkpoint 10, the extract shows 1 \(entry 5\): the extract's entries are not the ones the log's parcel map holds\.$/
		},
		{
			what: 'the change hashes reordered (entries 5 and 6 in the tree in the other order than in the signed map)',
			extract: await extractOfLog(swap(log, 5, 6), log),
			check: 'complete',
			reason: /^The extract's private edits are not the ones the log holds up to checkpoint 10 \(the same number and the same last index, but the digest of their change hashes differs\)/
		},
		{
			what: 'the map proof of another parcel',
			extract: { ...x, mapProof: toBase64(map.prove([parcelPrefix('RIV-000124')])) },
			check: 'complete',
			reason: /^The map proof does not show all of RIV-000123's parts in the map of checkpoint 10: it hides a part of the map/
		},
		{
			what: "the map proof of an older checkpoint's map",
			extract: { ...x, mapProof: toBase64(mapOfLog(log.slice(0, 9)).prove([parcelPrefix(VECTOR_PARCEL)])) },
			check: 'complete',
			reason: /^The map proof does not verify against the parcel map of checkpoint 10 \(it does not hash to the map root of the checkpoint\): it is the proof of another checkpoint or another log, or it was altered\.$/
		},
		{
			what: 'the map line removed from the checkpoint',
			extract: { ...x, checkpoint: checkpointLines.filter((l) => !l.startsWith(MAP_LINE_PREFIX)).join('\n') },
			check: 'checkpoint',
			reason: /^The checkpoint is not validly signed by the extract's key/
		},
		{
			what: 'a checkpoint the log signed without a map line',
			extract: { ...x, checkpoint: v1Checkpoint },
			check: 'complete',
			reason: /^The checkpoint of size 10 commits to no parcel map \(it has no "parcel-ledger\/map\/v2" line\), so nothing shows that the extract lists every edit of RIV-000123\.$/
		}
	];
}
