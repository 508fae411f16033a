// Driving the field app in a real browser, and servers a test can stop, restart and swap:
// each runs the real build (scripts/serve.mjs) on its own port and data folder.
import { expect, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { E2E_DATA_DIR } from './demo';

const ROOT = resolve('.');

/** A private copy of the e2e demo log (SQLite's online backup: consistent while it is served). */
export async function copyDemoData(): Promise<string> {
	const dir = mkdtempSync(join(tmpdir(), 'field-e2e-'));
	cpSync(join(E2E_DATA_DIR, 'log-key.json'), join(dir, 'log-key.json'));
	cpSync(join(E2E_DATA_DIR, 'demo'), join(dir, 'demo'), { recursive: true });
	const db = new Database(join(E2E_DATA_DIR, 'ledger.db'), { readonly: true, fileMustExist: true });
	await db.backup(join(dir, 'ledger.db'));
	db.close();
	// The bytes of uploaded files live beside the database (files/sqlite/file-dir.ts); complete ones never change.
	const files = join(E2E_DATA_DIR, 'ledger.db-files');
	if (existsSync(files)) cpSync(files, join(dir, 'ledger.db-files'), { recursive: true });
	return dir;
}

/** The checkpoint this device trusts, as its setup page shows it. */
export async function deviceCheckpoint(page: Page): Promise<string> {
	await page.goto('/field/setup');
	return page.getByTestId('device-checkpoint').inputValue();
}

/** Fork tests run an honest county of their own (not a copy of the shared one, which grows by
 * thousands of entries as the suite runs) and a forked one that is longer: 300 parcels log ≈ 1,310
 * entries, 400 ≈ 1,750. A witness can only prove a fork it is shown as a longer tree (a consistency
 * proof that fails); a shorter one the log refuses itself, and it never reaches the witness. */
export const HONEST_PARCELS = 300;
export const FORK_PARCELS = 400;

/** A fresh demo county with `parcels` parcels (same log key as every demo, different history). */
export function seedDemo(parcels: number): string {
	const dir = mkdtempSync(join(tmpdir(), 'field-demo-'));
	mkdirSync(dir, { recursive: true });
	const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir };
	delete env.DATABASE_URL;
	const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'demo', '--parcels', String(parcels)], { cwd: ROOT, env, encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`demo seed failed: ${r.stderr}`);
	return dir;
}

export class TestServer {
	#child: ChildProcess | null = null;
	constructor(
		readonly port: number,
		public dataDir: string
	) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The server process's id while it runs (e.g. to read its memory from /proc). */
	get pid(): number | undefined {
		return this.#child?.pid;
	}

	async #answers(): Promise<boolean> {
		try {
			return (await fetch(`${this.url}/log/checkpoint`)).ok;
		} catch {
			return false;
		}
	}

	async start(): Promise<void> {
		// A server left over on this port would answer in its place: refuse to test against it.
		if (await this.#answers()) throw new Error(`port ${this.port} is already serving; stop that server first`);
		const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: this.dataDir, PORT: String(this.port), HOST: '127.0.0.1', ORIGIN: this.url };
		delete env.DATABASE_URL;
		const child = spawn(process.execPath, ['scripts/serve.mjs'], { cwd: ROOT, env, stdio: 'ignore' });
		this.#child = child;
		for (let i = 0; i < 200; i++) {
			if (child.exitCode !== null) throw new Error(`server on ${this.port} exited with ${child.exitCode}`);
			if (await this.#answers()) return;
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error(`server on ${this.port} did not start`);
	}

	/** Kills the server at once (SIGKILL: nothing is finished or flushed) and waits until it is gone. */
	async kill(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((done) => {
			child.once('exit', () => done());
			child.kill('SIGKILL');
		});
	}

	/** Stops the server (SIGTERM, then SIGKILL after 3 s) and waits until the port is free. */
	async stop(): Promise<void> {
		const child = this.#child;
		this.#child = null;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((done) => {
			const force = setTimeout(() => child.kill('SIGKILL'), 3000);
			child.once('exit', () => {
				clearTimeout(force);
				done();
			});
			child.kill('SIGTERM');
		});
	}
}

/** Sets the device up with a demo key file (Field → Set up → Import a key file). */
export async function importKey(page: Page, keyPath: string, base = ''): Promise<void> {
	await page.goto(`${base}/field/setup`);
	await expect(page.getByTestId('verifier-key')).toBeVisible();
	await page.getByLabel(/import a key file/i).setInputFiles(keyPath);
	await expect(page.getByTestId('enrolment-code')).toBeVisible();
}

/** Downloads a district and waits until it is ready and followed. */
export async function downloadDistrict(page: Page, code: string, base = ''): Promise<void> {
	await page.goto(`${base}/field/districts`);
	await page.getByRole('button', { name: `Download district ${code}` }).click();
	await expect(page.getByRole('row', { name: new RegExp(`^${code}\\b`) }).getByText('Ready')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByText(/Up to date|Sync: /).first()).toBeVisible({ timeout: 60_000 });
}

/** Waits until the service worker controls the page (the shell is cached for offline use). */
export async function waitForOfflineShell(page: Page): Promise<void> {
	await page.waitForFunction(async () => {
		const reg = await navigator.serviceWorker.ready;
		return !!reg.active && !!navigator.serviceWorker.controller;
	}, null, { timeout: 30_000 });
}

/** Edits one field of the parcel part on the parcel screen and saves. */
export async function editParcelField(page: Page, parcelId: string, label: string | RegExp, value: string, base = ''): Promise<void> {
	await page.goto(`${base}/field/parcel/${parcelId}`);
	const form = page.getByRole('form', { name: 'Edit parcel' });
	await form.getByLabel(label, { exact: typeof label === 'string' }).fill(value);
	await form.getByRole('button', { name: 'Save parcel' }).click();
	await expect(form.getByRole('status')).toContainText('Saved on this device');
}
