// A Chromium whose profile (and so its IndexedDB) lives in a directory that outlives the
// process, so a test can SIGKILL the browser for real and start it again on the same profile.
// Playwright launches Chromium as its own process group; killing the group takes the browser,
// its renderers and its utility processes (the storage service too) at one instant, as an OS
// killing the app would.
import { chromium, test, type BrowserContext, type LaunchOptions, type Page } from '@playwright/test';
import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every process: its command line, parent and process group. */
function processes(): { pid: number; ppid: number; pgid: number; cmd: string[] }[] {
	const out: { pid: number; ppid: number; pgid: number; cmd: string[] }[] = [];
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
			// /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			out.push({ pid: Number(name), ppid: Number(rest[1]), pgid: Number(rest[2]), cmd });
		} catch {
			// gone meanwhile
		}
	}
	return out;
}

const alive = (pid: number): boolean => {
	try {
		const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !/^\d+ \(.*\) Z/.test(state); // a zombie is dead, only not yet reaped
	} catch {
		return false;
	}
};

export class DurableBrowser {
	readonly profileDir = mkdtempSync(join(tmpdir(), 'field-durable-profile-'));
	context: BrowserContext | null = null;
	/** PID of the browser process (the one without `--type=`). */
	pid = 0;
	kills = 0;
	/** The profile's IndexedDB files right after the last kill (for a failure's message). */
	afterLastKill = '';

	constructor(readonly baseURL: string) {}

	async launch(): Promise<Page> {
		const launchOptions = (test.info().project.use.launchOptions ?? {}) as LaunchOptions;
		this.context = await chromium.launchPersistentContext(this.profileDir, {
			executablePath: launchOptions.executablePath ?? '/usr/bin/chromium',
			args: launchOptions.args,
			baseURL: this.baseURL,
			viewport: { width: 1024, height: 768 }
		});
		const flag = `--user-data-dir=${this.profileDir}`;
		const browser = processes().find((p) => p.cmd.includes(flag) && !p.cmd.some((a) => a.startsWith('--type=')));
		if (!browser) throw new Error(`no Chromium process with ${flag}`);
		this.pid = browser.pid;
		return this.context.pages()[0] ?? (await this.context.newPage());
	}

	/** SIGKILL the browser with every process it started, at once; waits until they are gone. */
	async kill(): Promise<void> {
		const pid = this.pid;
		const context = this.context;
		this.context = null;
		if (!pid) return;
		const all = processes();
		const tree = new Set([pid]);
		for (let grew = true; grew; ) {
			grew = false;
			for (const p of all) if (tree.has(p.ppid) && !tree.has(p.pid)) (tree.add(p.pid), (grew = true));
		}
		const leader = all.find((p) => p.pid === pid);
		if (leader?.pgid === pid) process.kill(-pid, 'SIGKILL');
		for (const p of tree) {
			try {
				process.kill(p, 'SIGKILL'); // any child that left the group
			} catch {
				// already gone
			}
		}
		this.kills++;
		for (let i = 0; i < 200 && [...tree].some(alive); i++) await new Promise((r) => setTimeout(r, 25));
		if ([...tree].some(alive)) throw new Error(`Chromium ${pid} survived SIGKILL`);
		// Any process of this profile outside the tree (re-parented, or started after the snapshot)
		// still holds its IndexedDB store's LOCK: the next launch could not open the store, and
		// Chromium then deletes it. Kill those too, and wait until none is left.
		for (let i = 0; i < 200; i++) {
			const left = processes().filter((p) => alive(p.pid) && p.cmd.some((a) => a.includes(this.profileDir)));
			if (!left.length) break;
			for (const p of left) {
				try {
					process.kill(p.pid, 'SIGKILL');
				} catch {
					// gone meanwhile
				}
			}
			await new Promise((r) => setTimeout(r, 25));
		}
		this.afterLastKill = this.indexedDbFiles();
		// Playwright notices the closed pipe; closing is then a no-op that lets it clean up.
		await context?.close().catch(() => {});
		this.pid = 0;
	}

	/** The profile's IndexedDB files with their sizes, one a line. */
	indexedDbFiles(): string {
		const root = join(this.profileDir, 'Default', 'IndexedDB');
		const out: string[] = [];
		const walk = (dir: string) => {
			for (const name of readdirSync(dir).sort()) {
				const path = join(dir, name);
				const st = statSync(path, { throwIfNoEntry: false });
				if (st?.isDirectory()) walk(path);
				else if (st) out.push(`${path.slice(root.length + 1)} ${st.size}`);
			}
		};
		try {
			walk(root);
		} catch {
			return '(no IndexedDB directory)';
		}
		return out.join('\n');
	}

	/** Fails unless the page's origin still has the named IndexedDB database (it is not created). */
	async expectDatabase(page: Page, name: string): Promise<void> {
		const names = await page
			.evaluate(async () => (await indexedDB.databases()).map((d) => `${d.name}@${d.version}`))
			.catch((e: Error) => e.message.split('\n')[0]);
		if (typeof names === 'string' || !names.some((n) => n.startsWith(`${name}@`))) {
			throw new Error(
				`IndexedDB database ${name} is not there after the restart (${typeof names === 'string' ? names : `databases: ${names.join(', ') || 'none'}`})\n` +
					`files right after the kill:\n${this.afterLastKill}\nfiles now:\n${this.indexedDbFiles()}\n${this.leveldbLog()}`
			);
		}
	}

	/** LevelDB's own LOG of the origin's IndexedDB store(s), for a failure's message. */
	leveldbLog(): string {
		const root = join(this.profileDir, 'Default', 'IndexedDB');
		try {
			return readdirSync(root)
				.filter((d) => d.endsWith('.leveldb'))
				.map((d) => `${d}/LOG:\n${readFileSync(join(root, d, 'LOG'), 'utf8')}`)
				.join('\n');
		} catch {
			return '(no LevelDB LOG)';
		}
	}

	/** A normal shutdown; the profile is removed unless DURABILITY_KEEP_PROFILE is set. */
	async dispose(): Promise<void> {
		await this.context?.close().catch(() => {});
		this.context = null;
		if (process.env.DURABILITY_KEEP_PROFILE) console.log(`profile kept: ${this.profileDir}`);
		else rmSync(this.profileDir, { recursive: true, force: true });
	}
}
