// A monitor of the log and its parcel map that anyone can run, from what the log publishes
// (`log/checkpoint`, `log/tile/…`, `log/tile/entries/…`) and the log's verifier key alone.
// For each new checkpoint: its signature; that its tree contains the last accepted one (an
// RFC 9162 consistency proof computed from tiles authenticated by the new root); that the new
// entries hash to the tree (the saved frontier plus the new leaves give the new root); and that
// the map over every edit and claim entry below its size, folded in from the saved leaves, has the root its map
// line names. The state it keeps (checkpoint, frontier, map leaves) lets the next run resume
// without reading old entries. Pure: fetches are passed in; no clock, no file system.
// docs/protocol.md "Monitoring".
import { concat, equalBytes, fromUtf8, toBase64, utf8 } from '../bytes';
import { DecodeError, Reader } from '../codec';
import { sha256 } from '../hash';
import { openCheckpoint, type Checkpoint } from '../log/checkpoint';
import { decodeEntry, type Entry } from '../log/entry';
import { decodeEntryBundle } from '../log/entry-bundle';
import { Frontier } from '../log/frontier';
import { leafHash } from '../log/hashing';
import { formatVerifierKey, type NoteVerifierKey } from '../log/note';
import { proveTree, verifyConsistency } from '../log/proof';
import { LogError } from '../log/result';
import { tileHashReader } from '../log/tile-reader';
import { entriesPath, TILE_WIDTH } from '../log/tiles';
import { storedHashIndex, type HashReader } from '../log/tree';
import type { SignatureVerifier } from '../signing/ed25519';
import { decodeMapLeaf, encodeMapLeaf, type MapLeaf } from './leaf';
import { applyEntries, indexedEntry, MAP_LINE_PREFIX, mapRootOf, v1MapRootOf, type IndexedEntry } from './log-map';
import { ParcelMap } from './trie';

/** What a monitor trusts after a checkpoint: all it needs to check the next one. */
export interface MonitorState {
	/** The log's verifier key the state was built with (`<origin>+<key id>+<base64>`). */
	verifierKey: string;
	/** The last accepted checkpoint, exactly as the log served it. */
	note: string;
	checkpoint: Checkpoint;
	/** Its map root (= map.root). */
	mapRoot: Uint8Array;
	/** The right edge of its tree: its complete subtrees' roots. */
	frontier: Frontier;
	/** The parcel map over every edit entry below its size. */
	map: ParcelMap;
}

export interface MonitorDeps {
	/** Fetches a text resource by path relative to the log's base URL ('log/checkpoint'); rejects when it cannot. */
	fetchText(path: string): Promise<string>;
	/** Fetches bytes ('log/tile/…'); null when the log does not serve the path (404); rejects on network errors. */
	fetchBytes(path: string): Promise<Uint8Array | null>;
	verifier: SignatureVerifier;
	/** The log's key, trusted out of band; its name is the log's origin. */
	logKey: NoteVerifierKey;
	/** Entries of this step read so far, out of those the new checkpoint adds. */
	progress?: (p: { done: number; total: number }) => void;
	/** Entry bundles fetched ahead; default 8. */
	concurrency?: number;
}

export type MonitorFailureCode =
	/** The log could not be read (network, HTTP error, a resource not served): try again later. */
	| 'unreachable'
	/** The checkpoint is not validly signed by the log key (or malformed, or of another origin). */
	| 'bad-checkpoint'
	/** The checkpoint has no (well-formed) `parcel-ledger/map/v2` line (a v1 line counts as none: it does not count claims). */
	| 'no-map'
	/** The new tree does not contain the accepted one: smaller, another root at the same size, or no consistency. */
	| 'fork'
	/** The log's tiles do not hash to its own checkpoint's root. */
	| 'tile-mismatch'
	/** Entry bundles that are malformed or do not hash to the tree. */
	| 'entry-mismatch'
	/** An entry that is in the tree but does not decode. */
	| 'malformed-entry'
	/** The checkpoint's map root is not the root of the map of its entries. */
	| 'map-root-mismatch';

/** What to keep when the log disagrees: the last accepted checkpoint, the one received, other bytes. */
export interface MonitorEvidence {
	trusted?: string;
	received?: string;
	files?: { name: string; bytes: Uint8Array }[];
}

export type MonitorStep =
	| {
			ok: true;
			state: MonitorState;
			/** The size of the checkpoint accepted before, or null on the first run. */
			previousSize: number | null;
			newEntries: number;
			/** False when the log serves the very checkpoint already accepted. */
			changed: boolean;
	  }
	| { ok: false; code: MonitorFailureCode; message: string; evidence: MonitorEvidence; retry: boolean };

type Failed = Extract<MonitorStep, { ok: false }>;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const b64 = toBase64;

/** A resource the checkpoint needs that the log did not serve: not proof of anything, retry. */
class NotServed extends Error {}

type Got = { bytes: Uint8Array } | { missing: true } | { error: string };

/**
 * Checks the log's current checkpoint against `state` (null: the first run, which reads every
 * entry and trusts the first checkpoint that verifies) and returns the state to save, or the
 * disagreement with its evidence. Never throws for anything the log serves.
 */
export async function monitorStep(state: MonitorState | null, deps: MonitorDeps): Promise<MonitorStep> {
	const concurrency = deps.concurrency ?? 8;
	if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
	if (state && state.verifierKey !== formatVerifierKey(deps.logKey.name, deps.logKey.publicKey)) {
		throw new RangeError('the monitor state belongs to another log key');
	}
	const unreachable = (message: string): Failed => ({ ok: false, code: 'unreachable', message, evidence: {}, retry: true });

	let note: string;
	try {
		note = await deps.fetchText('log/checkpoint');
	} catch (e) {
		return unreachable(`could not fetch log/checkpoint: ${errorText(e)}`);
	}
	const trusted = state?.note;
	const failure = (code: MonitorFailureCode, message: string, files?: MonitorEvidence['files']): Failed => ({
		ok: false,
		code,
		message,
		evidence: { ...(trusted ? { trusted } : {}), received: note, ...(files ? { files } : {}) },
		retry: false
	});

	const keyName = `${deps.logKey.name}+${deps.logKey.keyId}`;
	const opened = await openCheckpoint(note, deps.logKey, deps.verifier);
	if (!opened.ok) return failure('bad-checkpoint', `the log's checkpoint does not verify with ${keyName} (${opened.code}): ${opened.message}`);
	const cp = opened.value.checkpoint;
	const { size, root } = cp;
	const claimed = mapRootOf(cp);
	if (!claimed.ok) {
		const why = cp.extensions?.[0]?.startsWith(MAP_LINE_PREFIX) ? `its map line is malformed` : `no "${MAP_LINE_PREFIX.trim()}" line`;
		return failure('no-map', `the log does not commit to a parcel map: its checkpoint of size ${size} has ${why}`);
	}
	const mapRoot = claimed.value;

	const old = state?.checkpoint.size ?? 0;
	const accepted = (next: Omit<MonitorState, 'verifierKey' | 'note' | 'checkpoint' | 'mapRoot'>, newEntries: number, changed = true): MonitorStep => ({
		ok: true,
		state: { verifierKey: formatVerifierKey(deps.logKey.name, deps.logKey.publicKey), note, checkpoint: cp, mapRoot, ...next },
		previousSize: state ? old : null,
		newEntries,
		changed
	});
	const mapDisagrees = (computed: Uint8Array) =>
		failure(
			'map-root-mismatch',
			`the checkpoint of size ${size} commits to map root ${b64(mapRoot)}, but the log's edit entries below ${size} give map root ${b64(computed)}`
		);

	if (state) {
		if (note === state.note) return accepted({ frontier: state.frontier, map: state.map }, 0, false);
		if (size < old) {
			return failure('fork', `the log's checkpoint of size ${size} is smaller than the checkpoint of size ${old} this monitor accepted: a log never shrinks, so it has rewritten its history`);
		}
		if (size === old) {
			if (!equalBytes(root, state.checkpoint.root)) {
				return failure('fork', `the log signed two different trees of size ${size}: root ${b64(state.checkpoint.root)} (accepted) and root ${b64(root)} (now)`);
			}
			if (!equalBytes(mapRoot, state.map.root)) return mapDisagrees(state.map.root);
			return accepted({ frontier: state.frontier, map: state.map }, 0);
		}
	}

	// Tiles, fetched once per step and authenticated by the new root before any hash is used.
	const tileCache = new Map<string, Uint8Array>();
	let reader: HashReader | null = null;
	const tiles = (): HashReader =>
		(reader ??= tileHashReader({
			tree: { size, root },
			fetchTile: async (path) => {
				const hit = tileCache.get(path);
				if (hit) return hit;
				const bytes = await deps.fetchBytes(`log/${path}`);
				if (!bytes) throw new NotServed(`the log does not serve log/${path}, which its checkpoint of size ${size} needs`);
				tileCache.set(path, bytes);
				return bytes;
			}
		}));
	const tileTrouble = (e: unknown, doing: string): Failed => {
		if (e instanceof LogError) return failure('tile-mismatch', `the log's tiles do not hash to its own checkpoint of size ${size} (${doing}): ${e.message}`);
		return unreachable(`could not read tiles (${doing}): ${errorText(e)}`);
	};

	if (state && old > 0) {
		let proof: Uint8Array[];
		try {
			proof = await proveTree(size, old, tiles());
		} catch (e) {
			return tileTrouble(e, `proving consistency with ${old}`);
		}
		const v = verifyConsistency(old, size, state.checkpoint.root, root, proof);
		if (!v.ok) {
			return failure(
				'fork',
				`the log's tree of size ${size} does not contain the tree of size ${old} this monitor accepted (root ${b64(state.checkpoint.root)}): the consistency proof its tiles give fails (${v.message})`
			);
		}
	}

	// The new entries, bundle by bundle, fetched `concurrency` ahead.
	const frontier = state ? state.frontier.clone() : new Frontier();
	let map = state?.map ?? ParcelMap.empty;
	const firstBundle = Math.floor(old / TILE_WIDTH);
	const bundles = Math.ceil(size / TILE_WIDTH) - firstBundle;
	const widthOf = (n: number) => Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
	const pathOf = (n: number) => `log/${entriesPath(n, widthOf(n))}`;
	const get = (path: string): Promise<Got> =>
		deps.fetchBytes(path).then(
			(b) => (b instanceof Uint8Array ? { bytes: b } : { missing: true as const }),
			(e: unknown) => ({ error: errorText(e) })
		);
	const ahead: Promise<Got>[] = [];
	for (let j = 0; j < Math.min(bundles, concurrency); j++) ahead.push(get(pathOf(firstBundle + j)));
	/** Per bundle: SHA-256 of the leaf hashes of its new entries, to find the one that is wrong. */
	const digests: Uint8Array[] = [];
	let undecodable: { index: number; message: string } | null = null;
	const total = size - old;
	for (let j = 0; j < bundles; j++) {
		const n = firstBundle + j;
		const path = pathOf(n);
		const got = await ahead.shift()!;
		if (j + concurrency < bundles) ahead.push(get(pathOf(n + concurrency)));
		if ('error' in got) return unreachable(`could not fetch ${path}: ${got.error}`);
		if ('missing' in got) return unreachable(`the log does not serve ${path}, which its checkpoint of size ${size} covers`);
		const decoded = decodeEntryBundle(got.bytes, widthOf(n));
		if (!decoded.ok) {
			return failure('entry-mismatch', `${path}, entries ${n * TILE_WIDTH}–${n * TILE_WIDTH + widthOf(n) - 1} of the checkpoint of size ${size}, is malformed: ${decoded.message}`, [
				{ name: path.replaceAll('/', '_'), bytes: got.bytes }
			]);
		}
		const base = n * TILE_WIDTH;
		const leaves: Uint8Array[] = [];
		const items: IndexedEntry[] = [];
		for (let i = Math.max(old - base, 0); i < decoded.value.length; i++) {
			const bytes = decoded.value[i];
			const leaf = leafHash(bytes);
			frontier.push(leaf);
			leaves.push(leaf);
			if (undecodable) continue;
			try {
				items.push(indexedEntry(base + i, bytes));
			} catch (e) {
				undecodable = { index: base + i, message: errorText(e) };
			}
		}
		digests.push(sha256(concat(...leaves)));
		if (!undecodable) map = applyEntries(map, items);
		deps.progress?.({ done: base + decoded.value.length - old, total });
	}

	if (!equalBytes(frontier.root(), root)) {
		// Which entries? Compare each bundle's leaves with the tiles the checkpoint authenticates.
		for (let j = 0; j < bundles; j++) {
			const n = firstBundle + j;
			const start = Math.max(old, n * TILE_WIDTH);
			const end = n * TILE_WIDTH + widthOf(n);
			let expected: Uint8Array[];
			try {
				expected = await tiles()(Array.from({ length: end - start }, (_, i) => storedHashIndex(0, start + i)));
			} catch (e) {
				return tileTrouble(e, `reading the leaf hashes of entries ${start}–${end - 1}, which do not hash to its root either`);
			}
			if (equalBytes(sha256(concat(...expected)), digests[j])) continue;
			const path = pathOf(n);
			const again = await get(path);
			const bundle = 'bytes' in again ? decodeEntryBundle(again.bytes, widthOf(n)) : null;
			const files = 'bytes' in again ? [{ name: path.replaceAll('/', '_'), bytes: again.bytes }] : undefined;
			if (bundle?.ok) {
				for (let i = start; i < end; i++) {
					const leaf = leafHash(bundle.value[i - n * TILE_WIDTH]);
					if (!equalBytes(leaf, expected[i - start])) {
						return failure(
							'entry-mismatch',
							`entry ${i} of ${path} does not hash to the log's tree of size ${size}: its leaf hash is ${b64(leaf)}, the tree has ${b64(expected[i - start])}`,
							files
						);
					}
				}
			}
			return failure('entry-mismatch', `${path} served entries that do not hash to the log's tree of size ${size} (entries ${start}–${end - 1})`, files);
		}
		return failure('entry-mismatch', `the entries ${old}–${size - 1} do not hash to the checkpoint's root ${b64(root)}`);
	}
	// (TypeScript cannot see the assignment inside the loop's catch.)
	const garbled = undecodable as { index: number; message: string } | null;
	if (garbled) return failure('malformed-entry', `entry ${garbled.index} is in the log's tree of size ${size} but does not decode: ${garbled.message}`);
	if (!equalBytes(map.root, mapRoot)) return mapDisagrees(map.root);
	return accepted({ frontier, map }, total);
}

/** The line the monitor prints for an accepted checkpoint. */
export function describeAccepted(step: Extract<MonitorStep, { ok: true }>): string {
	const size = step.state.checkpoint.size;
	const entries = (k: number) => `${k} new ${k === 1 ? 'entry' : 'entries'}`;
	if (step.previousSize === null) return `checkpoint ${size} ok: ${entries(step.newEntries)}, map root matches (the first checkpoint this monitor accepts)`;
	if (!step.changed || step.newEntries === 0) return `checkpoint ${size} ok: no new entries, map root matches`;
	return `checkpoint ${size} ok: ${entries(step.newEntries)}, map root matches, consistent with ${step.previousSize}`;
}

// ---- the state file ----
//   state = "parcel-ledger/monitor/v1\n" ‖ u16 n ‖ verifier key[n] ‖ u32 n ‖ checkpoint note[n]
//         ‖ u8 k ‖ k × hash[32] (frontier, largest subtree first)
//         ‖ u32 count ‖ count × (u8 n ‖ map leaf value[n]) (key order) ‖ SHA-256(all the above)[32]

export const MONITOR_STATE_MAGIC = 'parcel-ledger/monitor/v1\n';
const MAGIC = utf8(MONITOR_STATE_MAGIC);

const u16 = (v: number) => Uint8Array.of(v >> 8, v & 0xff);
const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);

/** Every leaf of a map, in key order. */
export const allLeaves = (map: ParcelMap): MapLeaf[] => map.leavesUnder({ key: '', bits: 0 });

export function encodeMonitorState(s: MonitorState): Uint8Array {
	const key = utf8(s.verifierKey);
	const note = utf8(s.note);
	const frontier = s.frontier.hashes();
	const leaves = allLeaves(s.map);
	if (key.length > 0xffff) throw new RangeError('verifier key too long');
	const parts: Uint8Array[] = [MAGIC, u16(key.length), key, u32(note.length), note, Uint8Array.of(frontier.length), ...frontier, u32(leaves.length)];
	for (const l of leaves) {
		const v = encodeMapLeaf(l);
		parts.push(Uint8Array.of(v.length), v);
	}
	const body = concat(...parts);
	return concat(body, sha256(body));
}

/**
 * Reads a state file and checks it against the log key: the checkpoint verifies, the frontier
 * hashes to its root and the leaves to its map root. A file that fails is damaged or of another log.
 */
export async function openMonitorState(
	bytes: Uint8Array,
	logKey: NoteVerifierKey,
	verifier: SignatureVerifier
): Promise<{ ok: true; state: MonitorState } | { ok: false; message: string }> {
	const bad = (why: string) => ({ ok: false as const, message: why });
	if (bytes.length < MAGIC.length + 32 || !equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)) return bad('not a monitor state file (parcel-ledger/monitor/v1)');
	const body = bytes.subarray(0, bytes.length - 32);
	if (!equalBytes(sha256(body), bytes.subarray(bytes.length - 32))) return bad('the state file is truncated or damaged (its checksum does not match)');
	let verifierKey: string, note: string, hashes: Uint8Array[];
	const leaves: MapLeaf[] = [];
	try {
		const r = new Reader(body.subarray(MAGIC.length));
		verifierKey = fromUtf8(r.fixed(r.u16()));
		note = fromUtf8(r.fixed(r.u16() * 0x10000 + r.u16()));
		hashes = Array.from({ length: r.u8() }, () => r.fixed(32));
		const count = r.u16() * 0x10000 + r.u16();
		for (let i = 0; i < count; i++) leaves.push(decodeMapLeaf(r.fixed(r.u8())));
		r.end();
	} catch (e) {
		if (e instanceof DecodeError || e instanceof RangeError) return bad(`the state file does not decode: ${e.message}`);
		throw e;
	}
	const expected = formatVerifierKey(logKey.name, logKey.publicKey);
	if (verifierKey !== expected) return bad(`the state file belongs to the log key ${verifierKey}, not ${expected}`);
	const opened = await openCheckpoint(note, logKey, verifier);
	if (!opened.ok) return bad(`the saved checkpoint does not verify: ${opened.message}`);
	const checkpoint = opened.value.checkpoint;
	if (v1MapRootOf(checkpoint)) {
		return bad('the state was saved under the first parcel-map rule (map/v1, which did not count claims): remove the state file and run the monitor again (it rereads every entry once)');
	}
	const mapRoot = mapRootOf(checkpoint);
	if (!mapRoot.ok) return bad(`the saved checkpoint has no map root: ${mapRoot.message}`);
	let frontier: Frontier;
	let map: ParcelMap;
	try {
		frontier = Frontier.of(checkpoint.size, hashes);
		if (leaves.some((l) => l.lastIndex >= checkpoint.size || l.count > checkpoint.size)) throw new RangeError('a map leaf names an entry past the saved checkpoint');
		map = ParcelMap.fromLeaves(leaves);
	} catch (e) {
		return bad(`the state file is inconsistent: ${errorText(e)}`);
	}
	if (!equalBytes(frontier.root(), checkpoint.root)) return bad('the saved frontier does not hash to the saved checkpoint root');
	if (!equalBytes(map.root, mapRoot.value)) return bad('the saved map leaves do not hash to the saved checkpoint map root');
	return { ok: true, state: { verifierKey, note, checkpoint, mapRoot: mapRoot.value, frontier, map } };
}
