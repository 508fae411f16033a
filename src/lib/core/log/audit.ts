// A full audit of a published log: the checkpoint, every entry bundle and tile, the root, every
// signature, the authorization of every entry replayed in order and, optionally, every public
// change body. It receives fetch functions and does no I/O of its own (as Tessera's verifier).
import { concat, equalBytes, toBase64, toHex } from '../bytes';
import { PART_NAMES, isPublicPart, type PartName } from '../record/parts';
import type { SignatureVerifier } from '../signing/ed25519';
import { KeyRegistry, type AuthorityCode } from './authority';
import { ClaimReplay } from '../claims/replay';
import type { ClaimCode } from '../claims/state';
import { openCheckpoint } from './checkpoint';
import { changeHash, decodeEntry, verifyStatement, type Entry } from './entry';
import { checkEntryBundle, decodeEntryBundle } from './entry-bundle';
import { Frontier } from './frontier';
import { HASH_SIZE, leafHash } from './hashing';
import type { NoteVerifierKey } from './note';
import { entriesPath, tileHash, tilePath, tilesForSize, TILE_WIDTH, type Tile } from './tiles';

export interface AuditDeps {
	/** Fetches a text resource by path relative to the log's base URL, e.g. 'log/checkpoint'. */
	fetchText(path: string): Promise<string>;
	/** Fetches bytes; resolves to null for 404/403 (e.g. a private change body). May reject on network errors. */
	fetchBytes(path: string): Promise<Uint8Array | null>;
	verifier: SignatureVerifier;
	/** The log's key, trusted out of band; its name is the log's origin. */
	logKey: NoteVerifierKey;
	/** Also fetch every change body and check its SHA-256 against the entry. */
	checkChanges?: boolean;
	progress?: (p: { phase: 'checkpoint' | 'entries' | 'tiles'; done: number; total: number }) => void;
	/** Fetches in flight at once; default 8. */
	concurrency?: number;
}

export type AuditFailureCode =
	/** The checkpoint could not be fetched, or does not verify with the log key (fatal). */
	| 'bad-checkpoint'
	/** The entries do not hash to the checkpoint's root (fatal). */
	| 'root-mismatch'
	/** An entry bundle could not be fetched or decoded: the audit cannot go past it (fatal). */
	| 'missing-entry-bundle'
	| 'malformed-entry-bundle'
	/** Entries that do not hash to the level-0 tile served beside them. */
	| 'entry-bundle-mismatch'
	| 'missing-tile'
	/** A hash tile of the wrong length, or whose hashes disagree with the entries. */
	| 'tile-mismatch'
	| 'malformed-entry'
	| 'bad-signature'
	/** An entry its author was not authorized to append at its position (KeyRegistry codes). */
	| AuthorityCode
	/** A claim, decision, notice or edit on notice the log should have refused (core/claims/state.ts codes). */
	| ClaimCode
	/** A public change body the server did not serve. */
	| 'missing-change'
	| 'change-hash-mismatch';

export interface AuditFailure {
	code: AuditFailureCode;
	message: string;
	/** The entry concerned, when there is one. */
	index?: number;
}

export interface AuditReport {
	/** No failure at all. */
	ok: boolean;
	/** A failure that stopped the audit or voids its results (bad checkpoint, root mismatch, unreadable entries). */
	fatal: boolean;
	origin: string;
	/** The log key as `<name>+<key ID>`. */
	key: string;
	size: number;
	/** The checkpoint's root, base64. */
	root: string;
	/** Entries fetched and hashed; below `size` only when a fatal failure stopped the audit. */
	entriesRead: number;
	/** Decoded entries by kind, edits by part, and distinct signing keys. */
	counts: { edits: number; grants: number; revocations: number; byPart: Record<PartName, number>; authors: number };
	signaturesValid: number;
	entriesAuthorized: number;
	checkChanges: boolean;
	changesChecked: number;
	/** Change bodies of `private` parts the server refused: not a failure, only not checkable. */
	privateBodiesSkipped: number;
	/** The first MAX_LISTED_FAILURES failures, in the order found. */
	failures: AuditFailure[];
	/** Every failure counted by code, including those not listed. */
	failureCounts: Partial<Record<AuditFailureCode, number>>;
}

export const MAX_LISTED_FAILURES = 100;

type Fetched = Uint8Array | null | { error: string };

const zeroByPart = () => Object.fromEntries(PART_NAMES.map((p) => [p, 0])) as Record<PartName, number>;

/** Runs at most `n` fetches at once, handing a finished fetch's slot straight to the next in line. */
function limiter(n: number) {
	let active = 0;
	const waiting: (() => void)[] = [];
	return async <T>(task: () => Promise<T>): Promise<T> => {
		if (active < n) active++;
		else await new Promise<void>((resolve) => waiting.push(resolve));
		try {
			return await task();
		} finally {
			const next = waiting.shift();
			if (next) next();
			else active--;
		}
	};
}

export async function auditLog(deps: AuditDeps): Promise<AuditReport> {
	const concurrency = deps.concurrency ?? 8;
	if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
	const limit = limiter(concurrency);
	const get = (path: string): Promise<Fetched> =>
		limit(() => deps.fetchBytes(path)).then(
			(b) => (b === null || b instanceof Uint8Array ? b : { error: 'not bytes' }),
			(e: unknown) => ({ error: e instanceof Error ? e.message : String(e) })
		);
	const report: AuditReport = {
		ok: false,
		fatal: false,
		origin: deps.logKey.name,
		key: `${deps.logKey.name}+${deps.logKey.keyId}`,
		size: 0,
		root: '',
		entriesRead: 0,
		counts: { edits: 0, grants: 0, revocations: 0, byPart: zeroByPart(), authors: 0 },
		signaturesValid: 0,
		entriesAuthorized: 0,
		checkChanges: deps.checkChanges ?? false,
		changesChecked: 0,
		privateBodiesSkipped: 0,
		failures: [],
		failureCounts: {}
	};
	const fail = (code: AuditFailureCode, message: string, index?: number, fatal = false): void => {
		report.failureCounts[code] = (report.failureCounts[code] ?? 0) + 1;
		if (fatal) report.fatal = true;
		if (report.failures.length >= MAX_LISTED_FAILURES) return;
		report.failures.push(index === undefined ? { code, message } : { code, message, index });
	};
	const authors = new Set<string>();
	const done = (): AuditReport => {
		report.counts.authors = authors.size;
		report.ok = report.failures.length === 0;
		return report;
	};

	let note: string;
	try {
		note = await deps.fetchText('log/checkpoint');
	} catch (e) {
		fail('bad-checkpoint', `could not fetch log/checkpoint: ${(e as Error).message}`, undefined, true);
		return done();
	}
	const opened = await openCheckpoint(note, deps.logKey, deps.verifier);
	if (!opened.ok) {
		fail('bad-checkpoint', `the checkpoint does not verify with ${report.key} (${opened.code}): ${opened.message}`, undefined, true);
		return done();
	}
	const { origin, size, root } = opened.value.checkpoint;
	Object.assign(report, { origin, size, root: toBase64(root) });
	deps.progress?.({ phase: 'checkpoint', done: 1, total: 1 });

	const frontier = new Frontier();
	const registry = new KeyRegistry({ logKey: deps.logKey.publicKey });
	const claims = new ClaimReplay();
	const tileLevelHashes: Uint8Array[][] = [[], []]; // [L]: hashes at tile level L ≥ 1, from the entries

	const checkChange = async (e: Entry & { kind: 'edit' }, index: number): Promise<void> => {
		const path = `api/changes/${toHex(e.changeHash)}`;
		const body = await get(path);
		if (body === null && !isPublicPart(e.part)) report.privateBodiesSkipped++;
		else if (body === null || !(body instanceof Uint8Array)) {
			fail('missing-change', `${path} (entry ${index}, ${e.part}) is not served${body ? `: ${body.error}` : ''}`, index);
		} else if (!equalBytes(changeHash(body), e.changeHash)) {
			fail('change-hash-mismatch', `${path} serves bytes whose SHA-256 is ${toHex(changeHash(body))}`, index);
		} else report.changesChecked++;
	};

	const checkEntry = async (bytes: Uint8Array, index: number, changes: Promise<void>[]): Promise<void> => {
		let e: Entry;
		try {
			e = decodeEntry(bytes);
		} catch (err) {
			return fail('malformed-entry', `entry ${index} does not decode: ${(err as Error).message}`, index);
		}
		if (e.kind === 'edit') {
			report.counts.edits++;
			report.counts.byPart[e.part]++;
		} else if (e.kind === 'grant') report.counts.grants++;
		else if (e.kind === 'revoke') report.counts.revocations++;
		authors.add(toHex(e.author));
		if (report.checkChanges && e.kind === 'edit') changes.push(checkChange(e, index));
		let valid = false;
		try {
			valid = await verifyStatement(origin, e, e.signature, deps.verifier);
		} catch {
			// a verifier that throws on odd input has rejected it
		}
		// An entry that is not validly signed authorizes nothing, so it is not replayed either.
		if (!valid) return fail('bad-signature', `entry ${index} (${e.kind}): the author's signature does not verify`, index);
		report.signaturesValid++;
		registry.skipTo(index);
		const verdict = registry.check(e);
		if (!verdict.ok) return fail(verdict.code, `entry ${index} (${e.kind}): ${verdict.message}`, index);
		registry.apply(e);
		const disputed = claims.step(index, e);
		if (!disputed.ok) return fail(disputed.code, `entry ${index} (${e.kind}): ${disputed.message}`, index);
		report.entriesAuthorized++;
	};

	const tileCount = Math.ceil(size / TILE_WIDTH);
	const load = (n: number) => {
		const tile: Tile = { level: 0, n, width: Math.min(TILE_WIDTH, size - n * TILE_WIDTH) };
		const paths = { tile: `log/${tilePath(tile)}`, bundle: `log/${entriesPath(n, tile.width)}` };
		return Promise.all([get(paths.tile), get(paths.bundle)]).then(([data, bundle]) => ({ tile, paths, data, bundle }));
	};
	const ahead = Array.from({ length: Math.min(tileCount, concurrency) }, (_, n) => load(n));
	for (let n = 0; n < tileCount; n++) {
		const { tile, paths, data, bundle } = await ahead.shift()!;
		if (n + concurrency < tileCount) ahead.push(load(n + concurrency));
		const first = n * TILE_WIDTH;
		const stop = `; entries from ${first} on cannot be audited`;
		if (!(bundle instanceof Uint8Array)) {
			fail('missing-entry-bundle', `${paths.bundle} is not served${bundle ? `: ${bundle.error}` : ''}${stop}`, first, true);
			return done();
		}
		const entries = decodeEntryBundle(bundle, tile.width);
		if (!entries.ok) {
			fail('malformed-entry-bundle', `${paths.bundle}: ${entries.message}${stop}`, first, true);
			return done();
		}
		const leaves = entries.value.map(leafHash);
		for (const leaf of leaves) frontier.push(leaf);
		report.entriesRead += leaves.length;
		if (tile.width === TILE_WIDTH) tileLevelHashes[1].push(tileHash(concat(...leaves)));

		if (!(data instanceof Uint8Array)) fail('missing-tile', `${paths.tile} is not served${data ? `: ${data.error}` : ''}`);
		else if (data.length !== tile.width * HASH_SIZE) {
			fail('tile-mismatch', `${paths.tile} is ${data.length} bytes, not ${tile.width * HASH_SIZE}`);
		} else if (!checkEntryBundle(entries.value, data).ok) {
			const leafAt = (i: number) => data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
			const bad = leaves.flatMap((leaf, i) => (equalBytes(leaf, leafAt(i)) ? [] : [first + i]));
			const message = `${bad.length} entries of ${paths.bundle} do not hash to their leaves in ${paths.tile}, first entry ${bad[0]}`;
			fail('entry-bundle-mismatch', message, bad[0]);
		}

		const changes: Promise<void>[] = [];
		for (const [i, bytes] of entries.value.entries()) await checkEntry(bytes, first + i, changes);
		await Promise.all(changes);
		deps.progress?.({ phase: 'entries', done: report.entriesRead, total: size });
	}
	const computed = frontier.root();
	if (!equalBytes(computed, root)) {
		const message = `the ${size} entries hash to ${toBase64(computed)}, but the checkpoint says ${toBase64(root)}`;
		fail('root-mismatch', message, undefined, true);
		return done();
	}

	// The entries are now authenticated; the tiles above level 0 must agree with them.
	const upper = tilesForSize(0, size).filter((t) => t.level > 0);
	for (let level = 2; upper.some((t) => t.level >= level); level++) {
		const below = tileLevelHashes[level - 1];
		tileLevelHashes[level] = [];
		for (let i = 0; i + TILE_WIDTH <= below.length; i += TILE_WIDTH) {
			tileLevelHashes[level].push(tileHash(concat(...below.slice(i, i + TILE_WIDTH))));
		}
	}
	let checked = 0;
	await Promise.all(
		upper.map(async (t) => {
			const path = `log/${tilePath(t)}`;
			const data = await get(path);
			const expected = concat(...tileLevelHashes[t.level].slice(t.n * TILE_WIDTH, t.n * TILE_WIDTH + t.width));
			if (!(data instanceof Uint8Array)) fail('missing-tile', `${path} is not served${data ? `: ${data.error}` : ''}`);
			else if (!equalBytes(data, expected)) fail('tile-mismatch', `${path} does not match the hashes of the entries`);
			deps.progress?.({ phase: 'tiles', done: ++checked, total: upper.length });
		})
	);
	return done();
}

/** A human-readable account of a report, one check per line, for the CLI. */
export function auditSummary(r: AuditReport): string {
	const count = (...codes: AuditFailureCode[]) => codes.reduce((n, c) => n + (r.failureCounts[c] ?? 0), 0);
	const total = Object.values(r.failureCounts).reduce((n, k) => n + (k ?? 0), 0);
	const lines: string[] = [];
	const mark = (good: boolean, text: string) => lines.push(`${good ? '✓' : '✗'} ${text}`);
	if (count('bad-checkpoint')) {
		mark(false, r.failures[0]?.message ?? 'the checkpoint does not verify');
		return lines.join('\n');
	}
	mark(true, `checkpoint signed by ${r.key} (size ${r.size}, root ${r.root})`);
	if (r.entriesRead < r.size) mark(false, `audit stopped after ${r.entriesRead} of ${r.size} entries; the lines below cover those only`);
	else if (count('root-mismatch')) mark(false, `the ${r.size} entries do not hash to the checkpoint root`);
	else {
		mark(true, `${r.size} entries hash to the root`);
		const tiles = count('entry-bundle-mismatch', 'missing-tile', 'tile-mismatch');
		mark(tiles === 0, tiles ? `${tiles} tile problems: clients reading tiles will fail` : 'every tile agrees with the entries');
	}
	const malformed = count('malformed-entry');
	if (malformed) mark(false, `${malformed} entries do not decode`);
	const badSignatures = count('bad-signature');
	const valid = `${r.signaturesValid} signatures verify`;
	mark(badSignatures === 0, badSignatures ? `${badSignatures} signatures do not verify; ${valid}` : valid);
	const unauthorized = r.entriesRead - r.entriesAuthorized;
	mark(unauthorized === 0, unauthorized ? `${unauthorized} entries were not authorized at their position` : 'every entry was authorized');
	if (r.checkChanges) {
		const bad = count('missing-change', 'change-hash-mismatch');
		const skipped = r.privateBodiesSkipped ? `; ${r.privateBodiesSkipped} private bodies not served to the public, not checked` : '';
		mark(bad === 0, `${r.changesChecked} change bodies match their entries${bad ? `, ${bad} missing or different` : ''}${skipped}`);
	} else lines.push('– change bodies not checked');
	const c = r.counts;
	const parts = PART_NAMES.map((p) => `${p} ${c.byPart[p]}`).join(', ');
	lines.push(`  ${c.edits} edits (${parts}), ${c.grants} grants, ${c.revocations} revocations, by ${c.authors} keys`);
	if (total) {
		lines.push(`✗ ${total} failures${total > r.failures.length ? ` (the first ${r.failures.length} listed)` : ''}:`);
		for (const f of r.failures) lines.push(`  [${f.code}] ${f.message}`);
	}
	lines.push(r.ok ? 'audit passed' : 'AUDIT FAILED');
	return lines.join('\n');
}
