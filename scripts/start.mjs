// `npm start`: build the app, create the demo county on an empty ./data, then serve it with
// adapter-node on PORT (default 3000).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serverEnv } from './lib/server-env.mjs';

function run(cmd, args, env = process.env) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', env });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const dataDir = resolve(process.env.DATA_DIR ?? 'data');
const env = { ...process.env, DATA_DIR: dataDir };

console.log('[parcel-ledger] building …');
run('npx', ['vite', 'build', '--logLevel', 'warn']);

if (!existsSync(join(dataDir, 'log-key.json')) && !process.env.DATABASE_URL) {
	console.log(`[parcel-ledger] ${dataDir} is empty: creating the DEMO county (invented data) …`);
	run(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'demo'], env);
}

const port = process.env.PORT ?? '3000';
const child = spawn(process.execPath, ['scripts/serve.mjs'], {
	stdio: 'inherit',
	env: serverEnv({ ...env, PORT: port, ORIGIN: process.env.ORIGIN ?? `http://localhost:${port}` })
});
console.log(`[parcel-ledger] serving at http://localhost:${port}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
