// Installs dependencies when they are missing or older than package-lock.json.
// Node built-ins only, so it runs on a fresh clone before anything is installed.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const marker = 'node_modules/.package-lock.json';
const lock = 'package-lock.json';
const stale =
	!existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);

if (stale) {
	const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
	console.log(`[parcel-ledger] installing dependencies (npm ${args[0]}) …`);
	const r = spawnSync('npm', args, { stdio: 'inherit' });
	if (r.status !== 0) {
		console.error('[parcel-ledger] npm could not install the dependencies; see the output above.');
		process.exit(r.status ?? 1);
	}
}
