// Scale-out on PostgreSQL: three app servers share one (throwaway) database. Exactly one holds the
// sequencer lease; clients submit to all three (followers forward to the sequencer). The lease
// holder is killed with SIGKILL again and again: another takes over within seconds, every
// acknowledged edit is in the log exactly once, the tree audits clean, and every checkpoint any
// server showed is consistent with the final one.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { skipPostgres } from '../src/lib/server/store/postgres/test-database';
import {
	CheckpointBook,
	demoSigner,
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

const KILLS = Number(process.env.FAILOVER_KILLS ?? 3);

async function throwawayPostgres(): Promise<{ url: string; stop(): void }> {
	const mod = (await import(pathToFileURL(resolve('scripts/lib/postgres.mjs')).href)) as { startThrowawayPostgres(): Promise<{ url: string; stop(): void }> };
	return mod.startThrowawayPostgres();
}

async function role(s: ServerProcess): Promise<'sequencer' | 'follower' | 'down'> {
	if (!s.running) return 'down';
	try {
		const r = await fetch(`${s.base}/api/status`, { signal: AbortSignal.timeout(2000) });
		return ((await r.json()) as { role: 'sequencer' | 'follower' }).role;
	} catch {
		return 'down';
	}
}

async function sequencers(servers: ServerProcess[]): Promise<ServerProcess[]> {
	const roles = await Promise.all(servers.map(role));
	return servers.filter((_, i) => roles[i] === 'sequencer');
}

test('three app servers, one sequencer lease, failover after kill -9, nothing acknowledged lost', async () => {
	test.skip(skipPostgres(), 'PostgreSQL is not available here (npm test provisions it)');
	test.setTimeout(600_000);
	const pg = await throwawayPostgres();
	const dir = tempDir('pl-scale-');
	const servers: ServerProcess[] = [];
	try {
		seedDemo({ DATA_DIR: dir, DATABASE_URL: pg.url });
		for (let i = 0; i < 3; i++) {
			const port = await freePort();
			servers.push(new ServerProcess(port, { DATA_DIR: dir, DATABASE_URL: pg.url, SEQUENCER_URL: `http://127.0.0.1:${port}` }));
		}
		for (const s of servers) await s.start();
		const deadline = Date.now() + 20_000;
		while ((await sequencers(servers)).length !== 1 && Date.now() < deadline) await sleep(200);
		expect((await sequencers(servers)).length).toBe(1);

		const origin = JSON.parse(readFileSync(join(dir, 'log-key.json'), 'utf8')).origin as string;
		const clients = [
			new EditingClient('AVAX', demoSigner(dir, 'assessor-ava'), 'RIV', origin),
			new EditingClient('BOX', demoSigner(dir, 'assessor-bo'), 'EAST', origin),
			new EditingClient('REGX', demoSigner(dir, 'registrar'), 'NORTH', origin)
		];
		const book = new CheckpointBook(await logKey(servers[0].base));
		// One monitor per server: each server's own view may lag the sequencer's, but never goes back.
		const monitors = servers.map(() => new Monitor(book));
		let running = true;
		let turn = 0;
		const up = () => servers.filter((s) => s.running);
		const loops = clients.map(async (c) => {
			while (running) {
				const live = up();
				const target = live[turn++ % Math.max(1, live.length)] ?? servers[0];
				if (!(await c.round(target.base))) await sleep(100);
				else await sleep(Math.random() * 20);
			}
		});
		const watchers = servers.map(async (s, i) => {
			while (running) {
				if (s.running) await monitors[i].poll(s.base);
				await sleep(150);
			}
		});

		const takeovers: number[] = [];
		for (let k = 0; k < KILLS; k++) {
			await sleep(2000);
			const [leader] = await sequencers(servers);
			expect(leader, `round ${k}: one sequencer`).toBeDefined();
			const killedAt = Date.now();
			await leader.kill();
			let next: ServerProcess | undefined;
			while (!next && Date.now() - killedAt < 30_000) {
				[next] = await sequencers(servers);
				if (!next) await sleep(100);
			}
			expect(next, `round ${k}: someone took over`).toBeDefined();
			expect(next).not.toBe(leader);
			takeovers.push(Date.now() - killedAt);
			await leader.start(); // back as a follower
			expect(await role(leader)).toBe('follower');
		}
		await sleep(1500);
		running = false;
		await Promise.all([...loops, ...watchers]);
		// Let every pending item through once more, now that the cluster is calm.
		const [final] = await sequencers(servers);
		for (const c of clients) for (let i = 0; c.pending && i < 10; i++) await c.round(final.base);

		const acks = clients.flatMap((c) => c.acks);
		for (const c of clients) expect(c.refusals, c.name).toEqual([]);
		for (const m of monitors) expect(m.errors).toEqual([]);
		const report = await verifyAcknowledged(final.base, book, acks);
		// Followers serve the same log once they have caught up.
		await sleep(1000);
		for (const s of servers) {
			const cp = await book.open(await (await fetch(`${s.base}/log/checkpoint`)).text());
			expect(cp.size).toBe(report.size);
		}
		console.log(`[scale-out] ${KILLS} failovers in ${takeovers.join(', ')} ms; ${acks.length} acknowledged; log size ${report.size}; ${report.checkpoints} checkpoints consistent`);
		expect(Math.max(...takeovers)).toBeLessThan(10_000);
		expect(acks.length).toBeGreaterThan(20);
	} finally {
		await Promise.all(servers.map((s) => s.kill()));
		pg.stop();
	}
});
