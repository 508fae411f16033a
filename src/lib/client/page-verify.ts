// Checking one snapshot page (docs/protocol.md "Snapshot", "Trust") against the map root of its
// verified checkpoint: every part split into its changes (core/crdt/change-chunks.ts), all of the
// page's changes hashed in one batch, then core's checkSnapshotPage (proof, range, digests). No
// Dexie and no DOM here: it runs in the verify worker (verify-worker.ts), or inline without one.
import { fromHex } from '../core/bytes';
import { splitChanges } from '../core/crdt/change-chunks';
import type { MapLeaf } from '../core/map/leaf';
import { checkSnapshotPage, type PageParcel, type SnapshotFailureCode } from '../core/map/snapshot';
import { isPartName, type PartName } from '../core/record/parts';
import { decodeBase64, decodeBase64Into } from './base64';
import type { SnapshotPage } from './bootstrap';
import { sha256All, type Hasher } from './crypto';

export type PageFailure = { ok: false; code: SnapshotFailureCode | 'snapshot-checkpoint'; message: string; parcel: string | null; part: PartName | null };
export type Verdict = { ok: true; leaves: MapLeaf[] } | PageFailure;

const HEX_HASH = /^[0-9a-f]{64}$/;

/**
 * Lets the thread handle what waits (IndexedDB's request events of the page being written) between
 * the steps of a page's check, when it runs on the thread that writes (two cores or fewer).
 */
const yieldToEvents = (): Promise<void> => new Promise((resolve) => {
	const { port1, port2 } = new MessageChannel();
	port1.onmessage = () => (port1.close(), resolve());
	port2.postMessage(null);
});

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
	// Every part decoded into one buffer of the page (they are only hashed, then dropped).
	let capacity = 0;
	for (const p of listed) for (const data of Object.values(p.parts ?? {})) if (typeof data === 'string') capacity += Math.ceil(data.length / 4) * 3;
	const scratch = new Uint8Array(capacity);
	let used = 0;
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
				const n = decodeBase64Into(data, scratch.subarray(used));
				bytes = scratch.subarray(used, used + n);
				used += n;
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
	await yieldToEvents();
	const hashes = await sha256All(flat, hasher);
	for (const r of refs) parcels[r.parcel].parts[r.part]!.served = hashes.slice(r.from, r.to);
	await yieldToEvents();
	return checkSnapshotPage({ district: page.district, proof, mapRoot, anchor, last: !page.next, parcels });
}
