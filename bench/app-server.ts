// The built app as a bench runs it: a seeded demo data folder, app servers in child processes on
// free loopback ports (scripts/serve.mjs, so `npm run build` first), and the demo assessor's key
// to sign edits with. Shared by bench/files and bench/scale-out.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fromHex } from '../src/lib/core/bytes';
import { makeActor } from '../src/lib/core/crdt/actors';
import { nodeSigner } from '../src/lib/server/ed25519';
// @ts-expect-error: plain ES module
import { serverEnv } from '../scripts/lib/server-env.mjs';

export const freePort = () =>
	new Promise<number>((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});

/** Waits for `url` to answer 2xx (a server starting verifies its log first). */
export async function until(url: string): Promise<void> {
	for (let i = 0; i < 600; i++) {
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			/* starting */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`${url} did not come up`);
}

/** `cli demo --parcels 30` into `dir` (and the database, with a URL; SQLite in `dir` without). */
export function seedDemo(dir: string, databaseUrl = ''): void {
	if (!existsSync('build/handler.js')) throw new Error('build first: npm run build');
	const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'demo', '--parcels', '30'], { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: databaseUrl }, stdio: 'ignore' });
	if (seeded.status !== 0) throw new Error('demo seed failed');
}

export interface AppServer {
	proc: ChildProcess;
	base: string;
}

/**
 * Starts one app server on a free port; `env` (given the server's base URL) adds to — or, as
 * undefined, removes from — the bench's environment. Waits until it serves unless `wait: false`.
 */
export async function startAppServer(env: (base: string) => NodeJS.ProcessEnv, o: { wait?: boolean } = {}): Promise<AppServer> {
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	// Started as `npm start` starts the server (scripts/lib/server-env.mjs).
	const all: NodeJS.ProcessEnv = serverEnv({ ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env(base) });
	for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
	// BENCH_SERVER_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=.tmp-prof`, to profile the servers.
	const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
	const proc = spawn(process.execPath, [...nodeArgs, 'scripts/serve.mjs'], { env: all, stdio: process.env.BENCH_VERBOSE ? 'inherit' : 'ignore' });
	if (o.wait !== false) await until(`${base}/log/checkpoint`);
	return { proc, base };
}

/** The demo assessor's signer, the log's origin, and a fresh actor, from a seeded data folder. */
export function demoAssessor(dir: string) {
	const key = JSON.parse(readFileSync(join(dir, 'demo', 'assessor-ava.json'), 'utf8'));
	const signer = nodeSigner(fromHex(key.secretKey));
	const origin = JSON.parse(readFileSync(join(dir, 'log-key.json'), 'utf8')).origin as string;
	return { signer, origin, actor: makeActor(signer.publicKey, randomBytes(8)) };
}
