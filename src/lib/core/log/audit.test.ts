import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';
import { isPublicPart, type PartName } from '../record/parts';
import { nobleVerifier, secretKeySigner, type SignatureVerifier, type Signer } from '../signing/ed25519';
import { auditLog, auditSummary, MAX_LISTED_FAILURES, type AuditDeps } from './audit';
import { signCheckpoint } from './checkpoint';
import { changeHash, decodeEntry, encodeEntry, signStatement, type Statement } from './entry';
import { encodeEntryBundle } from './entry-bundle';
import { noteVerifierKey } from './note';
import { entriesPath, readTileData, tilePath, tilesForSize } from './tiles';
import { MemoryHashStore, treeHash } from './tree';

const ORIGIN = 'audit.test.example/log';
const seed = (n: number) => new Uint8Array(32).fill(n);
const logSigner = secretKeySigner(seed(1));
const logKey = noteVerifierKey(ORIGIN, logSigner.publicKey);
const registrar = secretKeySigner(seed(2));
const assessor = secretKeySigner(seed(3));
const temp = secretKeySigner(seed(4)); // an assessor revoked at REVOKED_AT
const SIZE = 600; // two full level-0 tiles, a partial one of 88, and a partial level-1 tile of 2
const REVOKED_AT = 300;

// Verification is pure, so tests may memoize it: each distinct signature is still checked by noble once.
const seen = new Map<string, boolean>();
const verifier: SignatureVerifier = {
	async verify(sig, msg, pk) {
		const k = toHex(sig) + toHex(pk) + toHex(sha256(msg));
		if (!seen.has(k)) seen.set(k, await nobleVerifier.verify(sig, msg, pk));
		return seen.get(k)!;
	}
};

const body = (i: number) => utf8(`change ${i}`);
const changePath = (bytes: Uint8Array) => `api/changes/${toHex(changeHash(bytes))}`;

async function entry(s: Statement, signer: Signer, index: number): Promise<Uint8Array> {
	return encodeEntry({ ...s, logTime: 1_767_225_600_000 + index, signature: await signStatement(ORIGIN, s, signer) });
}

const PARTS: [Signer, PartName][] = [[assessor, 'parcel'], [assessor, 'valuation'], [registrar, 'title'], [assessor, 'private'], [temp, 'parcel']];
function edit(i: number, signer = PARTS[i % 5][0], part = PARTS[i % 5][1]): [Statement, Signer] {
	const s: Statement = { kind: 'edit', parcelId: `RIV-${i}`, part, changeHash: changeHash(body(i)), author: signer.publicKey, claimedTime: 1_767_225_600_000 + i };
	return [s, signer];
}

/** The good log's statements: genesis, two grants, edits, and a revocation of `temp` half-way. */
function plan(): [Statement, Signer][] {
	const t = 1_767_225_600_000;
	const grant = (to: Signer, role: 'registrar' | 'assessor', name: string, districts: string[]): [Statement, Signer] => [
		{ kind: 'grant', grantee: to.publicKey, role, name, districts, author: registrar.publicKey, claimedTime: t },
		registrar
	];
	const out = [grant(registrar, 'registrar', 'Registrar', ['*']), grant(assessor, 'assessor', 'Assessor', ['RIV']), grant(temp, 'assessor', 'Temp', ['RIV'])];
	for (let i = 3; i < SIZE; i++) {
		if (i === REVOKED_AT) out.push([{ kind: 'revoke', revoked: temp.publicKey, reason: 'tablet lost', author: registrar.publicKey, claimedTime: t }, registrar]);
		else out.push(edit(i, i > REVOKED_AT && i % 5 === 4 ? assessor : undefined));
	}
	return out;
}

type Files = Map<string, string | Uint8Array>;

/** Publishes entries as the server would: checkpoint, hash tiles, entry bundles, public change bodies. */
async function publish(entries: Uint8Array[], opts: { signer?: Signer; root?: Uint8Array } = {}): Promise<Files> {
	const store = new MemoryHashStore();
	for (const e of entries) store.append(e);
	const root = opts.root ?? (await treeHash(entries.length, store.readHashes));
	const files: Files = new Map();
	files.set('log/checkpoint', await signCheckpoint({ origin: ORIGIN, size: entries.length, root }, ORIGIN, opts.signer ?? logSigner));
	for (const t of tilesForSize(0, entries.length)) {
		files.set(`log/${tilePath(t)}`, await readTileData(t, store.readHashes));
		if (t.level === 0) files.set(`log/${entriesPath(t.n, t.width)}`, encodeEntryBundle(entries.slice(t.n * 256, t.n * 256 + t.width)));
	}
	for (let i = 0; i < SIZE; i++) {
		const [s] = edit(i);
		if (s.kind === 'edit' && isPublicPart(s.part)) files.set(changePath(body(i)), body(i));
	}
	return files;
}

function deps(files: Files, extra: Partial<AuditDeps> = {}): AuditDeps {
	return {
		fetchText: async (p) => {
			const v = files.get(p);
			if (typeof v !== 'string') throw new Error(`404 ${p}`);
			return v;
		},
		fetchBytes: async (p) => {
			const v = files.get(p);
			return v instanceof Uint8Array ? v : null; // a private body answers 403: null
		},
		verifier,
		logKey,
		...extra
	};
}

const codes = (r: { failures: { code: string; index?: number }[] }) => r.failures.map((f) => `${f.code}@${f.index ?? '-'}`);

let statements: [Statement, Signer][];
let entries: Uint8Array[];
let good: Files;
beforeAll(async () => {
	statements = plan();
	entries = await Promise.all(statements.map(([s, signer], i) => entry(s, signer, i)));
	good = await publish(entries);
});

describe('auditLog', () => {
	it('passes a good log, with full and partial tiles, and counts what it holds', async () => {
		expect([...good.keys()]).toEqual(expect.arrayContaining(['log/tile/0/002.p/88', 'log/tile/entries/002.p/88', 'log/tile/1/000.p/2']));
		const progress: { phase: string; done: number; total: number }[] = [];
		const r = await auditLog(deps(good, { checkChanges: true, progress: (p) => progress.push(p) }));
		expect(r.failures).toEqual([]);
		expect(r).toMatchObject({ ok: true, fatal: false, origin: ORIGIN, size: SIZE, entriesRead: SIZE, signaturesValid: SIZE, entriesAuthorized: SIZE });
		const store = new MemoryHashStore();
		entries.forEach((e) => store.append(e));
		expect(r.root).toBe(toBase64(await treeHash(SIZE, store.readHashes)));

		const edits = statements.map(([s]) => s).filter((s) => s.kind === 'edit');
		const byPart = { parcel: 0, valuation: 0, title: 0, private: 0 };
		for (const s of edits) byPart[s.part]++;
		expect(r.counts).toEqual({ edits: SIZE - 4, grants: 3, revocations: 1, byPart, authors: 3 });
		expect(r.changesChecked).toBe(edits.length - byPart.private);
		expect(r.privateBodiesSkipped).toBe(byPart.private);
		expect(byPart.private).toBeGreaterThan(0);
		expect(progress.at(-1)).toEqual({ phase: 'tiles', done: 1, total: 1 });
		expect(progress.filter((p) => p.phase === 'entries').map((p) => p.done)).toEqual([256, 512, 600]);

		const summary = auditSummary(r);
		expect(summary).toContain(`✓ checkpoint signed by ${ORIGIN}+${logKey.keyId} (size 600`);
		expect(summary).toContain('✓ 600 entries hash to the root');
		expect(summary).toContain('✓ 600 signatures verify');
		expect(summary).toContain('✓ every entry was authorized');
		expect(summary).toContain(`private bodies not served to the public, not checked`);
		expect(summary).not.toContain('✗');
	});

	it('does not fetch change bodies unless asked', async () => {
		const fetched: string[] = [];
		const d = deps(good);
		const r = await auditLog({ ...d, fetchBytes: (p) => (fetched.push(p), d.fetchBytes(p)) });
		expect(r.ok).toBe(true);
		expect(r.changesChecked).toBe(0);
		expect(fetched.some((p) => p.startsWith('api/'))).toBe(false);
		expect(auditSummary(r)).toContain('– change bodies not checked');
	});

	it('passes an empty log', async () => {
		const r = await auditLog(deps(await publish([])));
		expect(r).toMatchObject({ ok: true, size: 0, root: toBase64(sha256(new Uint8Array(0))) });
	});

	it('finds a tampered entry byte in a bundle: hash mismatch, then a fatal root mismatch', async () => {
		const files = new Map(good);
		const bundle = Uint8Array.from(files.get('log/tile/entries/001') as Uint8Array);
		bundle[bundle.length - 1] ^= 1; // the last signature byte of entry 511
		files.set('log/tile/entries/001', bundle);
		const r = await auditLog(deps(files));
		expect(codes(r)).toEqual(['entry-bundle-mismatch@511', 'bad-signature@511', 'root-mismatch@-']);
		expect(r).toMatchObject({ ok: false, fatal: true });
		expect(auditSummary(r)).toContain('✗ the 600 entries do not hash to the checkpoint root');
	});

	it('tells a wrong tile from wrong entries: the root still matches', async () => {
		const files = new Map(good);
		const tile = Uint8Array.from(files.get('log/tile/0/000') as Uint8Array);
		tile[32 * 7] ^= 1;
		files.set('log/tile/0/000', tile);
		const upper = Uint8Array.from(files.get('log/tile/1/000.p/2') as Uint8Array);
		upper[40] ^= 1;
		files.set('log/tile/1/000.p/2', upper);
		const r = await auditLog(deps(files));
		expect(codes(r)).toEqual(['entry-bundle-mismatch@7', 'tile-mismatch@-']);
		expect(r.fatal).toBe(false);
		expect(auditSummary(r)).toContain('✓ 600 entries hash to the root\n✗ 2 tile problems');
	});

	it('refuses a checkpoint signed by another key, or one whose root the entries do not give', async () => {
		const other = await auditLog(deps(await publish(entries, { signer: secretKeySigner(seed(9)) })));
		expect(codes(other)).toEqual(['bad-checkpoint@-']);
		expect(other.failures[0].message).toContain('unverified-note');
		expect(other).toMatchObject({ fatal: true, entriesRead: 0 });
		expect(auditSummary(other)).toMatch(/^✗ the checkpoint does not verify/);

		const lying = await auditLog(deps(await publish(entries, { root: sha256(utf8('another tree')) })));
		expect(codes(lying)).toEqual(['root-mismatch@-']);
		expect(lying.fatal).toBe(true);

		const missing = await auditLog(deps(new Map()));
		expect(codes(missing)).toEqual(['bad-checkpoint@-']);
	});

	it('finds an entry whose signature does not verify', async () => {
		const forged = entries.slice();
		const e = decodeEntry(entries[123]);
		const signature = Uint8Array.from(e.signature);
		signature[0] ^= 1;
		forged[123] = encodeEntry({ ...e, signature });
		const r = await auditLog(deps(await publish(forged)));
		expect(codes(r)).toEqual(['bad-signature@123']);
		expect(r).toMatchObject({ fatal: false, signaturesValid: SIZE - 1, entriesAuthorized: SIZE - 1 });
		expect(auditSummary(r)).toContain('✗ 1 signatures do not verify; 599 signatures verify');
	});

	it('finds an edit by a revoked key after its revocation', async () => {
		const [before] = edit(REVOKED_AT - 1);
		expect(before.author).toEqual(temp.publicKey); // temp's edits before the revocation were fine
		const late = entries.slice();
		late[450] = await entry(edit(450, temp, 'parcel')[0], temp, 450);
		const r = await auditLog(deps(await publish(late), { checkChanges: true }));
		expect(codes(r)).toEqual(['revoked-key@450']);
		expect(r.failures[0].message).toContain(`revoked at entry ${REVOKED_AT}`);
		expect(auditSummary(r)).toContain('✗ 1 entries were not authorized at their position');
	});

	it('replays claims: finds a decision of an unknown claim and an edit logged while its change was on notice', async () => {
		const t = 1_767_225_600_000;
		const rs = (s: Statement, i: number) => entry(s, registrar, i);
		const claimed = entries.slice();
		const [e20] = edit(20);
		// RIV-10 has an edit at 10: a claim on it, then its decision, are fine; RIV-12's decision names no claim.
		claimed[20] = await rs({ kind: 'claim', parcelId: 'RIV-10', claimKind: 'boundary', contested: [], notice: null, text: 'fence', files: [], author: registrar.publicKey, claimedTime: t }, 20);
		claimed[21] = await rs({ kind: 'decision', parcelId: 'RIV-10', claimIndex: 20, outcome: 'rejected', text: 'no', caused: [], author: registrar.publicKey, claimedTime: t }, 21);
		claimed[22] = await rs({ kind: 'decision', parcelId: 'RIV-12', claimIndex: 20, outcome: 'rejected', text: 'no', caused: [], author: registrar.publicKey, claimedTime: t }, 22);
		// Entry 30's change (a RIV-30 edit) was put on notice at 25 with a deadline far past its log time.
		const [e30] = edit(30);
		if (e30.kind !== 'edit' || e20.kind !== 'edit') throw new Error('plan changed');
		claimed[25] = await rs({ kind: 'notice', parcelId: 'RIV-30', part: 'parcel', changeHash: e30.changeHash, deadline: t + 1e9, text: 'split', author: registrar.publicKey, claimedTime: t }, 25);
		const r = await auditLog(deps(await publish(claimed)));
		expect(codes(r)).toEqual(['unknown-claim@22', 'on-notice@30']);
		expect(r.counts.revocations).toBe(1);
	});

	it('finds a change body whose hash differs, and a public body that is not served', async () => {
		const files = new Map(good);
		files.set(changePath(body(10)), utf8('not change 10'));
		files.delete(changePath(body(11)));
		const r = await auditLog(deps(files, { checkChanges: true }));
		expect(codes(r)).toEqual(['change-hash-mismatch@10', 'missing-change@11']);
		expect(r.fatal).toBe(false);
	});

	it('counts a refused private body as skipped, and checks one that is served', async () => {
		const files = new Map(good);
		files.set(changePath(body(8)), body(8)); // entry 8 is a private edit, served here as to staff
		const [s] = edit(8);
		expect(s.kind === 'edit' && s.part).toBe('private');
		const r = await auditLog(deps(files, { checkChanges: true }));
		const base = await auditLog(deps(good, { checkChanges: true }));
		expect(r.ok).toBe(true);
		expect(r.changesChecked).toBe(base.changesChecked + 1);
		expect(r.privateBodiesSkipped).toBe(base.privateBodiesSkipped - 1);
	});

	it('keeps going after a bad entry or a network error, and caps the listed failures', async () => {
		const odd = entries.slice();
		odd[50] = Uint8Array.of(0xff); // in the tree, but not an entry
		const files = await publish(odd);
		for (const k of files.keys()) if (k.startsWith('api/changes/')) files.set(k, utf8('wrong'));
		const d = deps(files, { checkChanges: true });
		const r = await auditLog({ ...d, fetchBytes: (p) => (p === changePath(body(5)) ? Promise.reject(new Error('ECONNRESET')) : d.fetchBytes(p)) });
		expect(r.failures).toContainEqual({ code: 'missing-change', index: 5, message: expect.stringContaining('ECONNRESET') });
		expect(r.failures).toContainEqual(expect.objectContaining({ code: 'malformed-entry', index: 50 }));
		expect(r.failures).toHaveLength(MAX_LISTED_FAILURES);
		expect(r.failureCounts['change-hash-mismatch']).toBeGreaterThan(MAX_LISTED_FAILURES);
		expect(r).toMatchObject({ fatal: false, entriesRead: SIZE, entriesAuthorized: SIZE - 1 });
		expect(auditSummary(r)).toMatch(/✗ \d+ failures \(the first 100 listed\)/);
	});

	it('stops at an entry bundle it cannot read', async () => {
		const files = new Map(good);
		files.delete('log/tile/entries/001');
		const r = await auditLog(deps(files));
		expect(codes(r)).toEqual(['missing-entry-bundle@256']);
		expect(r).toMatchObject({ fatal: true, entriesRead: 256, counts: { authors: 3 } });
		expect(auditSummary(r)).toContain('✗ audit stopped after 256 of 600 entries');
	});

	it('keeps at most `concurrency` fetches in flight', async () => {
		let active = 0;
		let peak = 0;
		const d = deps(good, { checkChanges: true, concurrency: 3 });
		const r = await auditLog({
			...d,
			fetchBytes: async (p) => {
				peak = Math.max(peak, ++active);
				for (let i = 0; i < 3; i++) await null; // let other fetches start
				active--;
				return d.fetchBytes(p);
			}
		});
		expect(r.ok).toBe(true);
		expect(peak).toBe(3);
	});
});
