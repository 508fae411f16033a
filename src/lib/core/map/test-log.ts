// A log held in memory and published as the server publishes it — checkpoint with its map line,
// hash tiles, entry bundles — for the monitor's tests (unit tests and the CLI against a small
// HTTP server). Deterministic: fixed keys, fixed times. Knobs make it lie in the ways a monitor
// must catch: another map root, no map line, another tree root, a tampered bundle.
import { utf8 } from '../bytes';
import { sha256 } from '../hash';
import { signCheckpoint } from '../log/checkpoint';
import { decodeEntry, encodeEntry, signStatement, type Statement } from '../log/entry';
import { encodeEntryBundle } from '../log/entry-bundle';
import { formatVerifierKey } from '../log/note';
import { entriesPath, readTileData, tilePath, tilesForSize, TILE_WIDTH } from '../log/tiles';
import { MemoryHashStore, treeHash } from '../log/tree';
import { PART_NAMES } from '../record/parts';
import { secretKeySigner, type Signer } from '../signing/ed25519';
import { applyEntries, indexedEntry, mapLine } from './log-map';
import { ParcelMap } from './trie';

export const TEST_LOG_ORIGIN = 'monitor.test.example/log';
export const testLogSigner = (): Signer => secretKeySigner(new Uint8Array(32).fill(7));
export const testLogVerifierKey = (signer: Signer = testLogSigner()): string => formatVerifierKey(TEST_LOG_ORIGIN, signer.publicKey);

const registrar = secretKeySigner(new Uint8Array(32).fill(8));
const assessor = secretKeySigner(new Uint8Array(32).fill(9));
const T0 = 1_767_225_600_000;

const signedEntry = async (s: Statement, signer: Signer, logTime: number) =>
	encodeEntry({ ...s, logTime, signature: await signStatement(TEST_LOG_ORIGIN, s, signer) });

/**
 * Entries `from` to `to` - 1 of a deterministic log: 0 and 1 grant a registrar and an assessor,
 * then edits of a few dozen parcels in three districts, every part, with a key entry now and then.
 */
export async function testEntries(to: number, from = 0): Promise<Uint8Array[]> {
	const out: Uint8Array[] = [];
	for (let i = from; i < to; i++) {
		let s: Statement;
		let signer = registrar;
		if (i === 0) s = { kind: 'grant', grantee: registrar.publicKey, role: 'registrar', name: 'Registrar', districts: ['*'], author: registrar.publicKey, claimedTime: T0 };
		else if (i === 1 || i % 97 === 0) {
			s = { kind: 'grant', grantee: assessor.publicKey, role: 'assessor', name: `Assessor ${i}`, districts: ['EAST', 'RIV'], author: registrar.publicKey, claimedTime: T0 + i };
		} else {
			const district = ['RIV', 'EAST', 'NORTH'][i % 3];
			const part = PART_NAMES[(i >> 2) % 4];
			signer = part === 'title' ? registrar : assessor;
			s = { kind: 'edit', parcelId: `${district}-${String((i * 7) % 41).padStart(4, '0')}`, part, changeHash: sha256(utf8(`change ${i}`)), author: signer.publicKey, claimedTime: T0 + i };
		}
		out.push(await signedEntry(s, signer, T0 + i + 500));
	}
	return out;
}

/** A claim by the assessor on `parcelId`, as entry `i` of the log (the claims leaf counts it). */
export const testClaimEntry = (i: number, parcelId: string): Promise<Uint8Array> =>
	signedEntry(
		{ kind: 'claim', parcelId, claimKind: 'boundary', contested: ['parcel.geometry'], notice: null, text: `Claim ${i}.`, files: [], author: assessor.publicKey, claimedTime: T0 + i },
		assessor,
		T0 + i + 500
	);

/** The map root of the edits, claims, decisions and notices among `entries`. */
export const mapRootOfEntries = (entries: Uint8Array[]): Uint8Array =>
	applyEntries(ParcelMap.empty, entries.map((e, index) => indexedEntry(index, e))).root;

export type Published = Map<string, string | Uint8Array>;

export interface PublishOptions {
	signer?: Signer;
	/** The map root the checkpoint names; null for a checkpoint without a map line. Default: the true one. */
	mapRoot?: Uint8Array | null;
	/** The tree root the checkpoint names. Default: the true one. */
	root?: Uint8Array;
}

/**
 * The files a log of `entries` serves at its size (paths relative to the log's base URL):
 * `log/checkpoint`, and every tile and bundle a reader of that size may ask for.
 */
export async function publishLog(entries: Uint8Array[], o: PublishOptions = {}): Promise<Published> {
	const store = new MemoryHashStore();
	for (const e of entries) store.append(e);
	const size = entries.length;
	const root = o.root ?? (await treeHash(size, store.readHashes));
	const mapRoot = o.mapRoot === undefined ? mapRootOfEntries(entries) : o.mapRoot;
	const files: Published = new Map();
	const extensions = mapRoot ? [mapLine(mapRoot)] : [];
	files.set('log/checkpoint', await signCheckpoint({ origin: TEST_LOG_ORIGIN, size, root, extensions }, TEST_LOG_ORIGIN, o.signer ?? testLogSigner()));
	for (const t of tilesForSize(0, size)) {
		files.set(`log/${tilePath(t)}`, await readTileData(t, store.readHashes));
		if (t.level === 0) files.set(`log/${entriesPath(t.n, t.width)}`, encodeEntryBundle(entries.slice(t.n * TILE_WIDTH, t.n * TILE_WIDTH + t.width)));
	}
	return files;
}
