// PostgreSQL goes away under load: on a throwaway cluster of its own (never the shared test
// cluster), the database is stopped with `pg_ctl stop -m immediate` (a crash: no checkpoint, no
// goodbye to clients) and later restarted with `pg_ctl restart -m immediate`, while clients keep
// submitting. While it is down the server answers 503 with a JSON reason and retry-after; it
// recovers without a restart of its own (same process), and nothing acknowledged is lost.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { skipPostgres } from '../src/lib/server/store/postgres/test-database';
import {
	CheckpointBook,
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

interface Cluster {
	url: string;
	dataDir: string;
	binDir: string;
	runAs: string | null;
	logFile: string;
	restartImmediate(): void;
	stop(): void;
}

/** The cluster helper npm test uses (plain JavaScript, loaded by path so it is not type-checked here). */
async function startThrowawayPostgres(): Promise<Cluster> {
	const mod = (await import(pathToFileURL(resolve('scripts/lib/postgres.mjs')).href)) as { startThrowawayPostgres(): Promise<Cluster> };
	return mod.startThrowawayPostgres();
}

/** pg_ctl without blocking this process's event loop (the clients keep running meanwhile). */
function pgCtl(pg: Cluster, args: string[]): Promise<void> {
	const full = join(pg.binDir, 'pg_ctl');
	const [cmd, argv] = pg.runAs ? ['runuser', ['-u', pg.runAs, '--', full, '-D', pg.dataDir, ...args]] : [full, ['-D', pg.dataDir, ...args]];
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, argv, { stdio: 'pipe', cwd: join(pg.dataDir, '..') });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl ${args.join(' ')}: ${out}`))));
	});
}

async function expectUnavailable(res: Response, what: string) {
	expect(res.status, what).toBe(503);
	expect(res.headers.get('retry-after'), what).toMatch(/^\d+$/);
	expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
	const body = await res.json();
	expect(body.error.code, what).toBe('unavailable');
	expect(body.error.message.length, what).toBeGreaterThan(10);
}

/** Waits until a fresh edit is accepted again; returns how long that took. */
async function untilAccepting(client: EditingClient, base: string, timeoutMs = 30_000): Promise<number> {
	const start = Date.now();
	const before = client.acks.length;
	while (Date.now() - start < timeoutMs) {
		await client.round(base);
		if (client.acks.length > before) return Date.now() - start;
		await sleep(200);
	}
	throw new Error(`no edit was accepted within ${timeoutMs} ms of PostgreSQL coming back`);
}

test('PostgreSQL crashes and restarts under load: 503 with retry-after meanwhile, recovery without a server restart', async () => {
	test.skip(skipPostgres(), 'PostgreSQL is not available here (npm test provisions it)');
	test.setTimeout(300_000);
	const pg = await startThrowawayPostgres();
	const dir = tempDir('pl-pg-restart-');
	const env = { DATA_DIR: dir, DATABASE_URL: pg.url };
	const server = new ServerProcess(await freePort(), env);
	try {
		seedDemo(env);
		await server.start();
		const pid = server.pid;
		const origin = JSON.parse(readFileSync(join(dir, 'log-key.json'), 'utf8')).origin as string;
		const clients = [
			new EditingClient('AVAPG', demoSigner(dir, 'assessor-ava'), 'RIV', origin),
			new EditingClient('BOPG', demoSigner(dir, 'assessor-bo'), 'EAST', origin),
			new EditingClient('REGPG', demoSigner(dir, 'registrar'), 'NORTH', origin)
		];
		const probe = new EditingClient('PROBE', demoSigner(dir, 'assessor-ava'), 'NORTH', origin);
		const book = new CheckpointBook(await logKey(server.base));
		const monitor = new Monitor(book);
		let load = drive(clients, monitor, () => server.base);
		await sleep(1500);

		// 1. A crash of PostgreSQL: immediate stop, under load.
		await pgCtl(pg, ['-m', 'immediate', '-w', 'stop']);
		const failuresBefore = clients.reduce((n, c) => n + c.failures, 0);
		await sleep(500);
		// A valid edit reaches the store and cannot be written: 503, and it stays pending.
		const post = await fetch(`${server.base}/api/edits`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ edits: await probe.pendingWire() })
		});
		await expectUnavailable(post, 'POST /api/edits');
		expect(await probe.round(server.base)).toBe(false);
		expect(probe.acks.length).toBe(0);
		await expectUnavailable(await fetch(`${server.base}/api/log/entries?start=0&end=5`), 'GET /api/log/entries');
		await expectUnavailable(await fetch(`${server.base}/api/parcels/RIV-000001/entries`), 'GET /api/parcels/…/entries');
		await sleep(1000);
		expect(clients.reduce((n, c) => n + c.failures, 0)).toBeGreaterThan(failuresBefore); // they saw it
		expect(server.running).toBe(true);

		// 2. PostgreSQL comes back: the same server process serves again, by itself.
		await pgCtl(pg, ['-w', '-t', '60', '-l', pg.logFile, 'start']);
		const recovery1 = await untilAccepting(probe, server.base);
		expect(server.pid).toBe(pid);
		await sleep(1500);

		// 3. `pg_ctl restart -m immediate` under load (this blocks the test's own loop while it runs).
		await load.stop();
		load = drive(clients, monitor, () => server.base);
		await sleep(300);
		pg.restartImmediate();
		const recovery2 = await untilAccepting(probe, server.base);
		await sleep(1500);
		await load.stop();
		expect(server.running).toBe(true);
		expect(server.pid).toBe(pid);

		const acks = [...clients, probe].flatMap((c) => c.acks);
		const report = await verifyAcknowledged(server.base, book, acks);
		for (const c of clients) expect(c.refusals, c.name).toEqual([]);
		expect(monitor.errors).toEqual([]);
		expect(acks.length).toBeGreaterThan(20);
		const description = `${acks.length} acknowledged entries all present after two PostgreSQL crashes (recovered in ${recovery1} ms and ${recovery2} ms, same server process); log size ${report.size}`;
		test.info().annotations.push({ type: 'pg restart', description });
		console.log(`[reliability] ${description}`);
	} finally {
		if (!server.running) console.log(`[reliability] the server exited; its output:\n${server.output}`);
		await server.kill();
		pg.stop();
		rmSync(dir, { recursive: true, force: true });
	}
});
