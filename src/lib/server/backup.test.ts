// Operator safety: backups taken while a ledger keeps writing are consistent snapshots, restore
// into an empty store of either kind, pass the full local audit, and bad backups or non-empty
// targets are refused with nothing written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../core/bytes';
import { decodeEntry } from '../core/log/entry';
import { sampleParcel, samplePrivate, sampleTitle } from '../core/record/samples';
import { signNotice } from '../core/claims/sign';
import { backupLog, restoreLog, type BackupFileFormat } from './backup';
import { auditLocalStore } from './local-audit';
import { logIdentity, verifierIdentity } from './log-identity';
import { nodeSigner } from './ed25519';
import { SqliteLogStore } from './store/sqlite/log-store';
import { PostgresLogStore } from './store/postgres/log-store';
import { skipPostgres } from './store/postgres/test-database';
import type { LogStore } from './store/types';
import { databaseSnapshot } from './testing/snapshot';
import { emptyStore as emptyStoreIn } from './testing/empty-store';
import { genesisChange, ledgerFixture, ORIGIN, type Fixture, type StoreKind } from './testing/fixture';

const pg = !skipPostgres();
const kinds: StoreKind[] = ['sqlite', ...(pg ? ['postgres' as const] : [])];
const cleanups: (() => Promise<void>)[] = [];
let dir: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'pl-backup-'));
});
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
	rmSync(dir, { recursive: true, force: true });
});

/** An empty store of a kind, closed and dropped after the test. */
const emptyStore = (kind: StoreKind) => emptyStoreIn(kind, dir, cleanups);

/** A second connection to the fixture's store, as `cli backup` would open beside a server. */
async function secondHandle(f: Fixture): Promise<LogStore> {
	const s = f.store instanceof SqliteLogStore ? new SqliteLogStore(f.store.db.name) : new PostgresLogStore((f.store as PostgresLogStore).pool.options.connectionString!, { max: 3 });
	await s.migrate();
	cleanups.push(() => s.close().catch(() => {}));
	return s;
}

async function fixture(kind: StoreKind): Promise<Fixture> {
	const f = await ledgerFixture(kind);
	cleanups.push(() => f.cleanup());
	// Public and private parts, so that private bodies are in the backup too.
	const subs = [];
	for (let i = 0; i < 30; i++) {
		const id = `RIV-B${i}`;
		subs.push(await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change));
		subs.push(await f.edit(f.assessor, id, 'private', genesisChange(f.assessor, 'private', id, samplePrivate(id)).change));
	}
	for (const r of await f.ledger.submit(subs)) expect(r.status).toBe('accepted');
	// A title change on public notice: its bytes are kept apart (notice_changes) and backed up too.
	const pending = genesisChange(f.registrar, 'title', 'RIV-B0', sampleTitle('RIV-B0')).change;
	const notice = await signNotice({ origin: ORIGIN, signer: f.registrar.signer, parcelId: 'RIV-B0', text: 'Transfer', claimedTime: f.clock.now, part: 'title', change: pending, deadline: f.clock.now + 86_400_000 });
	for (const r of await f.ledger.submit([notice])) expect(r.status).toBe('accepted');
	return f;
}

/** Keeps appending edits (many small batches) until stopped; resolves with how many were acknowledged. */
function writer(f: Fixture) {
	let stop = false;
	let n = 0;
	const done = (async () => {
		while (!stop) {
			const id = `NORTH-W${n}`;
			const [r] = await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change)]);
			expect(r.status).toBe('accepted');
			n++;
		}
		return n;
	})();
	return { stop: () => ((stop = true), done) };
}

async function sameLogPrefix(source: LogStore, restored: LogStore, size: number) {
	const a = await source.readEntries(0, size);
	const b = await restored.readEntries(0, size + 1);
	expect(b.length).toBe(size);
	expect(b.map((e) => toHex(e.data))).toEqual(a.map((e) => toHex(e.data)));
	expect((await restored.head())!.checkpoint).toBe((await restored.head())!.checkpoint);
	for (const e of a) {
		const entry = decodeEntry(e.data);
		if (entry.kind === 'notice') expect(toHex((await restored.readNoticeChange(entry.changeHash))!.body)).toBe(toHex((await source.readNoticeChange(entry.changeHash))!.body));
		if (entry.kind !== 'edit') continue;
		expect(toHex((await restored.readChange(entry.changeHash))!.body)).toBe(toHex((await source.readChange(entry.changeHash))!.body));
	}
}

describe.each(kinds)('backup of a %s log', (kind) => {
	const formats: BackupFileFormat[] = kind === 'sqlite' ? ['sqlite', 'ndjson'] : ['ndjson'];

	it.each(formats)('as %s, taken while the ledger writes, restores into every store and passes the full audit', async (format) => {
		const f = await fixture(kind);
		const w = writer(f);
		await new Promise((r) => setTimeout(r, 150));
		const out = join(dir, `log.${format}`);
		const result = await backupLog({ store: await secondHandle(f), out, identity: f.ledger.identity, format });
		const written = await w.stop();
		expect(written).toBeGreaterThan(0);
		expect(result.size).toBeGreaterThanOrEqual(63);
		expect(result.size).toBeLessThanOrEqual(f.ledger.sequencer.size);
		// The backup file is private: it holds private change bodies.
		expect(statSync(out).mode & 0o077).toBe(0);

		for (const target of kinds) {
			const store = await emptyStore(target);
			const header = await restoreLog({ store, from: out, identity: f.ledger.identity });
			expect(header.size).toBe(result.size);
			expect((await store.head())!.size).toBe(result.size);
			await sameLogPrefix(f.store, store, result.size);
			const { verifiedSize, report } = await auditLocalStore(store, verifierIdentity(f.ledger.identity.verifierKey));
			expect(verifiedSize).toBe(result.size);
			expect(report.failures).toEqual([]);
			expect(report.ok).toBe(true);
			expect(report.changesChecked).toBe(report.counts.edits); // private bodies included
		}
	});

	it('refuses bad backups and non-empty targets, writing nothing', async () => {
		const f = await fixture(kind);
		const out = join(dir, 'log.ndjson');
		await backupLog({ store: f.store, out, identity: f.ledger.identity, format: 'ndjson' });
		await expect(backupLog({ store: f.store, out, identity: f.ledger.identity, format: 'ndjson' })).rejects.toThrow(/exists/);
		const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
		const variants: [string, string, RegExp][] = [
			['truncated', lines.slice(0, -3).join('\n') + '\n', /truncated|trailer/],
			['no trailer', lines.slice(0, -1).join('\n') + '\n', /truncated|trailer/],
			['an entry changed', lines.map((l, i) => (i === 5 ? l.replace(/"data":"(.)/, (_, c) => `"data":"${c === 'A' ? 'B' : 'A'}`) : l)).join('\n'), /entry|hash|root|decode/],
			['a stored hash changed', lines.map((l) => (l.startsWith('{"t":"hash","index":3,') ? l.replace(/"hash":"(.)/, (_, c) => `"hash":"${c === 'A' ? 'B' : 'A'}`) : l)).join('\n'), /stored hash 3/],
			['an entry dropped', lines.filter((_, i) => i !== 7).join('\n'), /entry|expected/],
			['not a backup', 'hello\n', /not|JSON|line 1/]
		];
		for (const target of kinds) {
			// One empty target takes every bad restore: each must leave it exactly as empty as it was.
			const store = await emptyStore(target);
			const before = await databaseSnapshot(store);
			for (const [what, text, message] of variants) {
				const bad = join(dir, `bad-${what.replace(/ /g, '-')}.ndjson`);
				writeFileSync(bad, text);
				await expect(restoreLog({ store, from: bad }), `${what} into ${target}`).rejects.toThrow(message);
				expect((await databaseSnapshot(store)).digest, `${what} into ${target} wrote something`).toBe(before.digest);
			}
			// Another log's key pinned: refused.
			const other = logIdentity(ORIGIN, nodeSigner(new Uint8Array(32).fill(9)));
			await expect(restoreLog({ store, from: out, identity: other })).rejects.toThrow(/not/);
			expect((await databaseSnapshot(store)).digest).toBe(before.digest);
			// And the good backup still restores into it afterwards.
			expect((await restoreLog({ store, from: out })).size).toBe(f.ledger.sequencer.size);
		}
		// A store that already holds a log is never overwritten.
		const before = await databaseSnapshot(f.store);
		await expect(restoreLog({ store: f.store, from: out })).rejects.toThrow(/already holds a log/);
		expect((await databaseSnapshot(f.store)).digest).toBe(before.digest);
	});

	it('local audit catches a tampered change body that start-up verification cannot see', async () => {
		const f = await fixture(kind);
		await f.ledger.sequencer.drain();
		const [e] = await f.store.readEntries(5, 6);
		const hash = (decodeEntry(e.data) as { changeHash: Uint8Array }).changeHash;
		if (f.store instanceof SqliteLogStore) f.store.db.prepare(`UPDATE changes SET body = X'00' || body WHERE hash = ?`).run(hash);
		else await (f.store as PostgresLogStore).pool.query(`UPDATE changes SET body = '\\x00'::bytea || body WHERE hash = $1`, [Buffer.from(hash)]);
		const { report } = await auditLocalStore(f.store, f.ledger.identity);
		expect(report.ok).toBe(false);
		expect(report.failureCounts['change-hash-mismatch']).toBe(1);
	});
});
