// Assembles a parcel's extract (docs/protocol.md "Extracts") from the log: its entries below the
// current checkpoint with inclusion proofs, the key entries that authorized their authors, the
// parcel-map proof that they are all of them, the PUBLIC change bodies, the files they name and
// the record they produce, and the parcel's claims, decisions and notices (all of them: the map's
// claims leaf counts them). Private change bodies are never read here.
import { toBase64, toHex } from '../../core/bytes';
import { decodeEntry } from '../../core/log/entry';
import { parcelPrefix } from '../../core/map';
import { extractJson, type ExtractItemJson, type ExtractJson } from '../../core/extract/format';
import { isPublicPartName, publicRecordFromChanges, type PublicChanges } from '../../core/extract/record';
import { filesOfChanges } from '../../core/extract/files';
import type { Ledger } from '../ledger';
import type { StoredEntry } from '../store/types';
import { inclusionProofs, parcelLog } from './parcel-log';

/**
 * The extract, or null when the log holds no public parcel part of that parcel. `witnesses`: the
 * log's witness policy text (without URLs) when it names witnesses; the checkpoint carries their
 * cosignatures gathered so far.
 */
export async function buildExtract(ledger: Ledger, parcelId: string, witnesses?: string): Promise<ExtractJson | null> {
	// One version of the head: the checkpoint of exactly this size commits to exactly this map,
	// and the entries are those below this size, however far the sequencer moves meanwhile.
	const version = ledger.mapVersion();
	const log = await parcelLog(ledger, parcelId, version);
	if (log.entries.length === 0) return null;

	const wanted = new Map<string, (typeof log.entries)[number]>();
	for (const e of log.entries) if (isPublicPartName(e.entry.part)) wanted.set(toHex(e.entry.changeHash), e);
	const byPart: PublicChanges = { parcel: [], valuation: [], title: [] };
	const changes: Record<string, string> = {};
	for (const c of await ledger.store.changesOfParcel(parcelId)) {
		if (!isPublicPartName(c.part)) continue; // never touch a private body
		const hex = toHex(c.hash);
		if (!wanted.has(hex)) continue; // logged after the checkpoint
		byPart[c.part].push(c.body);
		changes[hex] = toBase64(c.body);
	}
	const rebuilt = publicRecordFromChanges(parcelId, byPart);
	if (!rebuilt.ok) return null;

	const claims = (await ledger.store.claimEntries()).filter((s) => s.index < log.size && (decodeEntry(s.data) as { parcelId: string }).parcelId === parcelId);
	const authors = [...log.entries.map((e) => e.entry.author), ...claims.map((s) => decodeEntry(s.data).author)].map(toHex);
	const keys = await authorizingKeyEntries(ledger, authors, log.size);
	const items = async (list: { index: number; data: Uint8Array }[]): Promise<ExtractItemJson[]> => {
		const proofs = await inclusionProofs(ledger, list.map((e) => e.index), log.size);
		return list.map((e, i) => ({ index: e.index, entry: toBase64(e.data), inclusionProof: proofs[i] }));
	};
	return extractJson({
		parcel: parcelId,
		origin: log.origin,
		verifierKey: log.verifierKey,
		...(witnesses !== undefined ? { witnesses } : {}),
		checkpoint: log.checkpoint,
		entries: await items(log.entries),
		keys: await items(keys),
		mapProof: toBase64(version.map.prove([parcelPrefix(parcelId)])),
		changes,
		files: filesOfChanges([...byPart.parcel, ...byPart.valuation, ...byPart.title]),
		claims: await items(claims),
		record: rebuilt.record
	});
}

/**
 * The grants and revocations of `authors`, then of whoever signed those, until no new key
 * appears: enough for a verifier to replay every author's authorization back to entry 0.
 */
export async function authorizingKeyEntries(ledger: Ledger, authors: string[], size: number): Promise<StoredEntry[]> {
	const all = (await ledger.store.keyEntries()).filter((e) => e.index < size).map((s) => ({ s, e: decodeEntry(s.data) }));
	const keys = new Set(authors);
	const chosen = new Set<number>();
	for (let grew = true; grew; ) {
		grew = false;
		for (const { s, e } of all) {
			if (chosen.has(s.index)) continue;
			const subject = e.kind === 'grant' ? toHex(e.grantee) : e.kind === 'revoke' ? toHex(e.revoked) : null;
			if (subject === null || !keys.has(subject)) continue;
			chosen.add(s.index);
			const signer = toHex(e.author);
			if (!keys.has(signer)) keys.add(signer);
			grew = true;
		}
	}
	return all.filter(({ s }) => chosen.has(s.index)).map(({ s }) => s);
}
