// The operator CLI against the real served log, and a server that refuses a tampered log.
import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { demoKey, E2E_DATA_DIR } from './support/demo';

const cli = (args: string[], env: Record<string, string> = {}) =>
	spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

test('cli verify audits the served log end to end', async ({ baseURL }) => {
	const key = (await (await fetch(`${baseURL}/log/key`)).text()).trim();
	const r = cli(['verify', baseURL!, '--key', key, '--changes']);
	expect(r.stderr).toBe('');
	expect(r.status, r.stdout).toBe(0);
	expect(r.stdout).toMatch(/✓ \d+ entries hash to the root/);
	expect(r.stdout).toMatch(/every entry was authorized/);
	expect(r.stdout).toMatch(/audit passed/);
});

test('cli verify fails when the pinned key is not the log key', async ({ baseURL }) => {
	const other = 'demo.parcel-ledger.example/county+00000000+AdgbNw0e3Vct7qjrrSj+Ht5XjmShBcUx/FJG8CAroIZX';
	const r = cli(['verify', baseURL!, '--key', other]);
	expect(r.status).not.toBe(0);
	expect(r.stderr + r.stdout).toMatch(/key/i);
});

test('cli grant, edit and revoke over HTTP, with clear errors for bad input', async ({ baseURL }) => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-cli-'));
	try {
		const keyPath = join(dir, 'dana.json');
		const gen = cli(['keygen', '--name', 'Dana Surveyor', '--out', keyPath]);
		expect(gen.status).toBe(0);
		const code = /parcel-ledger-enrol:1:[^\s]+/.exec(gen.stdout)![0];
		const reg = demoKey('registrar');
		const granted = cli(['grant', '--server', baseURL!, '--key', reg.path, '--enrolment', code, '--role', 'assessor', '--districts', 'NORTH']);
		expect(granted.stdout, granted.stderr).toMatch(/accepted at index \d+/);
		const edited = cli(['edit', '--server', baseURL!, '--key', keyPath, '--parcel', 'NORTH-000001', '--part', 'parcel', '--set', 'zoning=R2X']);
		expect(edited.stdout, edited.stderr).toMatch(/accepted/);
		const outside = cli(['edit', '--server', baseURL!, '--key', keyPath, '--parcel', 'RIV-000001', '--part', 'parcel', '--set', 'zoning=R9']);
		expect(outside.status).toBe(1);
		expect(outside.stdout).toMatch(/refused: district-not-granted/);
		const bad = cli(['edit', '--server', baseURL!, '--key', keyPath, '--parcel', 'NORTH-000001', '--part', 'parcel', '--set', 'recordedArea=-5']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/recordedArea/);
		const usage = cli(['grant', '--server', baseURL!, '--key', reg.path]);
		expect(usage.status).toBe(2);
		expect(usage.stderr).toMatch(/--grantee|--enrolment/);
		const pub = JSON.parse(readFileSync(keyPath, 'utf8')).publicKey;
		const revoked = cli(['revoke', '--server', baseURL!, '--key', reg.path, '--revoked', pub, '--reason', 'test over']);
		expect(revoked.stdout).toMatch(/accepted/);
		const after = cli(['edit', '--server', baseURL!, '--key', keyPath, '--parcel', 'NORTH-000001', '--part', 'parcel', '--set', 'zoning=R3X']);
		expect(after.stdout).toMatch(/refused: revoked-key/);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('the server refuses to serve a log whose rows were tampered with', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-tamper-'));
	try {
		cpSync(E2E_DATA_DIR, dir, { recursive: true });
		// A copy taken while the server runs may miss the WAL's last pages; checkpoint the copy first.
		const db = new Database(join(dir, 'ledger.db'));
		db.pragma('wal_checkpoint(TRUNCATE)');
		db.prepare(`UPDATE entries SET data = substr(data, 1, 40) || X'00' || substr(data, 42) WHERE idx = 7`).run();
		db.close();
		const child = spawn(process.execPath, ['scripts/serve.mjs'], { env: { ...process.env, DATA_DIR: dir, PORT: '4199' }, stdio: 'pipe' });
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		const code = await new Promise<number | null>((resolve) => {
			const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
			child.on('exit', (c) => {
				clearTimeout(timer);
				resolve(c);
			});
			// adapter-node only runs `init` on the first request.
			setTimeout(() => fetch('http://127.0.0.1:4199/').catch(() => {}), 1500);
		});
		expect(code).toBe(1);
		expect(output).toMatch(/refusing to serve/);
		expect(output).toMatch(/entry 7|stored hash|root/);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
