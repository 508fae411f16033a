// `npm start`: build the app, then serve it with adapter-node on PORT (default 3000).
import { spawnSync, spawn } from 'node:child_process';

function run(cmd, args) {
	const r = spawnSync(cmd, args, { stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

console.log('[parcel-ledger] building …');
run('npx', ['vite', 'build', '--logLevel', 'warn']);

const port = process.env.PORT ?? '3000';
const child = spawn(process.execPath, ['build/index.js'], {
	stdio: 'inherit',
	env: { ...process.env, PORT: port, ORIGIN: process.env.ORIGIN ?? `http://localhost:${port}` }
});
console.log(`[parcel-ledger] serving at http://localhost:${port}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
