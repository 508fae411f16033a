// The server the Playwright tests talk to: a fresh, small demo county in E2E_DATA_DIR, served
// from the real build on E2E_PORT. Tests read the demo keys from E2E_DATA_DIR/demo.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const dataDir = resolve(process.env.E2E_DATA_DIR ?? '.tmp/e2e-data');
rmSync(dataDir, { recursive: true, force: true });
const env = { ...process.env, DATA_DIR: dataDir };
delete env.DATABASE_URL;
const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'demo', '--parcels', process.env.E2E_PARCELS ?? '300'], { stdio: 'inherit', env });
if (r.status !== 0) process.exit(r.status ?? 1);
process.env.DATA_DIR = dataDir;
await import('./serve.mjs');
