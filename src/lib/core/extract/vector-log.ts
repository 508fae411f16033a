// Extracts from a log held in memory: the test vector of docs/protocol.md "Extracts" and the
// fixtures of the verifier's tests. Deterministic (RFC 8032 test keys, fixed times).
import { fromHex, toBase64, toHex, utf8 } from '../bytes';
import { makeActor } from '../crdt/actors';
import { createPartDoc, type PartInit } from '../crdt/document';
import { isClaimBody } from '../claims/body';
import { signCheckpoint } from '../log/checkpoint';
import { changeHash, decodeEntry, encodeEntry, signStatement, type Statement } from '../log/entry';
import { ASSESSOR_SECRET, ENTRY_VECTORS, EXAMPLE_CHANGE_TEXT } from '../log/entry.vectors';
import { formatVerifierKey } from '../log/note';
import { proveRecord } from '../log/proof';
import { MemoryHashStore, treeHash } from '../log/tree';
import { LOG_VECTOR_ORIGIN, LOG_VECTOR_SECRET } from '../log/vectors';
import { secretKeySigner, type Signer } from '../signing/ed25519';
import { applyEntries, indexedEntry, mapLine, parcelPrefix, ParcelMap } from '../map';
import { EXTRACT_FORMAT_V1, extractJson, type ExtractItemJson, type ExtractJson, type ExtractJsonV1 } from './format';
import { isPublicPartName, publicRecordFromChanges, type PublicChanges } from './record';

export interface LogItem {
	entry: Uint8Array;
	/** The change an edit entry names (omit it to leave the body out, as for other parcels). */
	change?: Uint8Array;
}

export async function signedEntry(origin: string, s: Statement, signer: Signer, logTime: number): Promise<Uint8Array> {
	return encodeEntry({ ...s, logTime, signature: await signStatement(origin, s, signer) });
}

/** The parcel map of a log: applyEntries over its decoded entries, in index order. */
export const mapOfLog = (items: LogItem[]): ParcelMap =>
	applyEntries(ParcelMap.empty, items.map((it, index) => indexedEntry(index, it.entry)));

export interface MemoryExtractOptions {
	origin: string;
	logSigner: Signer;
	parcel: string;
	items: LogItem[];
	/** Tests only: the log the checkpoint's parcel map is computed from (a log whose map disagrees with its tree). */
	mapItems?: LogItem[];
	/** Tests only: an extract in the v1 format, of a log that signed no map (the log before the parcel map). */
	v1?: boolean;
}

/**
 * The extract of `parcel` from a log made of `items`, as the server assembles one: the checkpoint
 * carries the map line of the log's parcel map, and the map proof proves the parcel's prefix.
 */
export async function memoryExtract(o: MemoryExtractOptions & { v1: true }): Promise<ExtractJsonV1>;
export async function memoryExtract(o: MemoryExtractOptions): Promise<ExtractJson>;
export async function memoryExtract(o: MemoryExtractOptions): Promise<ExtractJson | ExtractJsonV1> {
	const store = new MemoryHashStore();
	for (const it of o.items) store.append(it.entry);
	const size = store.size;
	const map = mapOfLog(o.mapItems ?? o.items);
	const extensions = o.v1 ? [] : [mapLine(map.root)];
	const checkpoint = await signCheckpoint({ origin: o.origin, size, root: await treeHash(size, store.readHashes), extensions }, o.origin, o.logSigner);
	const prove = async (index: number, entry: Uint8Array): Promise<ExtractItemJson> => ({
		index,
		entry: toBase64(entry),
		inclusionProof: (await proveRecord(size, index, store.readHashes)).map(toBase64)
	});
	const entries: ExtractItemJson[] = [];
	const keys: ExtractItemJson[] = [];
	const claims: ExtractItemJson[] = [];
	const changes: Record<string, string> = {};
	const byPart: PublicChanges = { parcel: [], valuation: [], title: [] };
	for (const [index, it] of o.items.entries()) {
		const e = decodeEntry(it.entry);
		if (isClaimBody(e)) {
			if (e.parcelId === o.parcel) claims.push(await prove(index, it.entry));
		} else if (e.kind !== 'edit') keys.push(await prove(index, it.entry));
		else if (e.parcelId === o.parcel) {
			entries.push(await prove(index, it.entry));
			if (isPublicPartName(e.part) && it.change) {
				changes[toHex(e.changeHash)] = toBase64(it.change);
				byPart[e.part].push(it.change);
			}
		}
	}
	const rebuilt = publicRecordFromChanges(o.parcel, byPart);
	if (!rebuilt.ok) throw new Error(rebuilt.message);
	const verifierKey = formatVerifierKey(o.origin, o.logSigner.publicKey);
	const mapProof = toBase64(map.prove([parcelPrefix(o.parcel)]));
	const x = extractJson({ parcel: o.parcel, origin: o.origin, verifierKey, checkpoint, entries, keys, mapProof, changes, record: rebuilt.record, ...(claims.length ? { claims } : {}) });
	if (!o.v1) return x;
	const { format: _f, mapProof: _m, ...members } = x;
	return { format: EXTRACT_FORMAT_V1, ...members };
}

export const VECTOR_PARCEL = 'RIV-000123';
/** Ben Assessor (RFC 8032 TEST 2), granted NORTH and RIV by Ada Registrar in entry 1. */
export const ben = () => secretKeySigner(fromHex(ASSESSOR_SECRET));
export const benActor = () => makeActor(ben().publicKey, new Uint8Array(8).fill(1));
const T = 1767312000000; // 2026-01-02T00:00:00Z

function parcelChange(time: number): Uint8Array {
	const init: PartInit<'parcel'> = {
		apn: '1-001-001',
		status: 'active',
		addressLine: '1 Mill Lane',
		locality: 'Riverside',
		postcode: 'DC1 1AA',
		geometry: { type: 'Polygon', coordinates: [[[5.1, 52.05], [5.1005, 52.05], [5.1005, 52.0505], [5.1, 52.0505], [5.1, 52.05]]] },
		recordedArea: 1500,
		landUse: 'residential',
		zoning: 'R1',
		buildings: {},
		photos: {},
		notes: ''
	};
	const r = createPartDoc('parcel', VECTOR_PARCEL, init, { actor: benActor(), time: Math.floor(time / 1000) });
	if (!r.ok) throw new Error(r.message);
	return r.change;
}

/** Stands for a private change: an extract names it by its hash and never carries it, so no verifier reads it. */
export const VECTOR_PRIVATE_CHANGE = 'private change: +44 1632 960000, DEMO-NID-VECTOR';

/**
 * The vector's log, five entries: 0–1 the grants of ENTRY_VECTORS, 2 Ben creating RIV-000123's
 * parcel part, 3 Ben writing its private part, 4 an edit of another parcel. Log key: TEST 3.
 */
export async function vectorLog(): Promise<LogItem[]> {
	const origin = LOG_VECTOR_ORIGIN;
	const edit = async (parcelId: string, part: 'parcel' | 'private', change: Uint8Array, at: number) => {
		const s: Statement = { kind: 'edit', parcelId, part, changeHash: changeHash(change), author: ben().publicKey, claimedTime: at };
		return { entry: await signedEntry(origin, s, ben(), at + 1000), change };
	};
	return [
		{ entry: fromHex(ENTRY_VECTORS[0].entry) },
		{ entry: fromHex(ENTRY_VECTORS[1].entry) },
		await edit(VECTOR_PARCEL, 'parcel', parcelChange(T), T),
		await edit(VECTOR_PARCEL, 'private', utf8(VECTOR_PRIVATE_CHANGE), T + 60_000),
		{ entry: (await edit('RIV-000124', 'parcel', utf8(EXAMPLE_CHANGE_TEXT), T + 120_000)).entry }
	];
}

export async function vectorExtract(): Promise<ExtractJson> {
	return memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner: secretKeySigner(fromHex(LOG_VECTOR_SECRET)), parcel: VECTOR_PARCEL, items: await vectorLog() });
}
