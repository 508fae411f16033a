// Operator safety: `cli backup` of a log that a running server keeps writing, `cli restore` into
// an empty data folder (or database), `cli verify --local` of the restored copy, and a server on
// the restored copy that serves a prefix of the original log — every entry acknowledged before
// the backup at its index, its checkpoint consistent with the original's — which `cli verify`
// audits end to end. On SQLite (online backup API) and PostgreSQL (logical dump).
import { expect, test } from '@playwright/test';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, skipPostgres } from '../src/lib/server/store/postgres/test-database';
import {
	CheckpointBook,
	checkConsistent,
	cli,
	cliAsync,
	demoSigner,
	drive,
	EditingClient,
	freePort,
	logKey,
	Monitor,
	seedDemo,
	ServerProcess,
	sleep,
	tempDir,
	verifyAcknowledged
} from './support/reliability';

async function backupRestoreVerify(source: { DATA_DIR: string; DATABASE_URL?: string }, target: { DATA_DIR: string; DATABASE_URL?: string }, file: string) {
	seedDemo(source);
	const origin = JSON.parse(readFileSync(join(source.DATA_DIR, 'log-key.json'), 'utf8')).origin as string;
	const a = new ServerProcess(await freePort(), source);
	const b = new ServerProcess(await freePort(), target);
	try {
		await a.start();
		const verifierKey = (await (await fetch(`${a.base}/log/key`)).text()).trim();
		const book = new CheckpointBook(await logKey(a.base));
		const clients = [
			new EditingClient('BKA', demoSigner(source.DATA_DIR, 'assessor-ava'), 'RIV', origin),
			new EditingClient('BKB', demoSigner(source.DATA_DIR, 'assessor-bo'), 'EAST', origin)
		];
		const load = drive(clients, new Monitor(book), () => a.base);
		await sleep(800);
		// The backup runs while both clients keep writing through the server.
		const backup = await cliAsync(['backup', '--out', file, '--key', verifierKey], source);
		await sleep(500);
		await load.stop();
		expect(backup.status, backup.stderr + backup.stdout).toBe(0);
		const size = Number(/Backed up (\d+) entries/.exec(backup.stdout)![1]);
		const before = clients.flatMap((c) => c.acks).filter((x) => x.treeSize <= size);
		const after = clients.flatMap((c) => c.acks).filter((x) => x.index >= size);
		expect(before.length, 'acknowledged before the backup').toBeGreaterThan(0);
		expect(after.length, 'acknowledged after the backup began').toBeGreaterThan(0);

		const restored = cli(['restore', '--from', file, '--key', verifierKey], target);
		expect(restored.status, restored.stderr + restored.stdout).toBe(0);
		expect(restored.stdout).toMatch(new RegExp(`Restored ${size} entries`));
		const local = cli(['verify', '--local', '--key', verifierKey], target);
		expect(local.status, local.stderr + local.stdout).toBe(0);
		expect(local.stdout).toMatch(/audit passed/);
		// Every change body was checked, private ones included (a server withholds those from `verify URL`).
		const edits = Number(/(\d+) edits \(/.exec(local.stdout)![1]);
		expect(Number(/✓ (\d+) change bodies match/.exec(local.stdout)![1])).toBe(edits);
		// A second restore into the now non-empty target is refused and changes nothing.
		const again = cli(['restore', '--from', file, '--key', verifierKey], target);
		expect(again.status).toBe(1);
		expect(again.stderr).toMatch(/already holds a log/);

		// Serve the restored copy (with the log key, kept apart from backups) and audit it.
		copyFileSync(join(source.DATA_DIR, 'log-key.json'), join(target.DATA_DIR, 'log-key.json'));
		await b.start();
		const restoredBook = new CheckpointBook(book.key);
		const report = await verifyAcknowledged(b.base, restoredBook, before);
		expect(report.size).toBe(size);
		// The search projection is not in a backup: the server rebuilds it from the log.
		await expect.poll(async () => (await fetch(`${b.base}/api/parcels/RIV-000001`)).status, { timeout: 30_000 }).toBe(200);
		const audit = cli(['verify', b.base, '--key', verifierKey, '--changes'], {});
		expect(audit.status, audit.stdout + audit.stderr).toBe(0);
		// The restored log is a prefix of the original, which grew on.
		const original = await book.open(await (await fetch(`${a.base}/log/checkpoint`)).text());
		const copy = await restoredBook.open(await (await fetch(`${b.base}/log/checkpoint`)).text());
		expect(original.size).toBeGreaterThan(copy.size);
		await checkConsistent(a.base, copy, original);
		const description = `backup of ${size} entries taken under load (${after.length} edits acknowledged after it began), restored, verified locally and over HTTP, a prefix of the original (now ${original.size})`;
		test.info().annotations.push({ type: 'backup', description });
		console.log(`[reliability] ${description}`);
	} finally {
		await a.kill();
		await b.kill();
	}
}

test.describe('backup, restore and verify of a live log', () => {
	test('SQLite: online backup under load, restore, verify --local, serve', async () => {
		test.setTimeout(180_000);
		const src = tempDir('pl-bk-src-');
		const dst = tempDir('pl-bk-dst-');
		try {
			await backupRestoreVerify({ DATA_DIR: src }, { DATA_DIR: dst }, join(src, 'backup.db'));
		} finally {
			rmSync(src, { recursive: true, force: true });
			rmSync(dst, { recursive: true, force: true });
		}
	});

	test('PostgreSQL: logical dump under load, restore into an empty database, verify --local, serve', async () => {
		test.skip(skipPostgres(), 'PG_TEST_URL is not set (npm test provides it)');
		test.setTimeout(180_000);
		const src = tempDir('pl-bk-src-');
		const dst = tempDir('pl-bk-dst-');
		const [dbA, dbB] = [await createTestDatabase(), await createTestDatabase()];
		try {
			await backupRestoreVerify({ DATA_DIR: src, DATABASE_URL: dbA.url }, { DATA_DIR: dst, DATABASE_URL: dbB.url }, join(src, 'backup.ndjson'));
		} finally {
			await dbA.drop();
			await dbB.drop();
			rmSync(src, { recursive: true, force: true });
			rmSync(dst, { recursive: true, force: true });
		}
	});
});
