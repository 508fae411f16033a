// Issue 18 acceptance: witnesses. Two real witness processes (`cli witness`) beside a real
// server whose data folder names them (witnesses.txt): the checkpoints it serves carry both
// cosignatures; one witness killed (SIGKILL) and restarted on its state file loses nothing and
// cosigning resumes; a server that forks its log (the data folder swapped for another history
// under the same key) gets no cosignature, and every device that sees both heads raises the alarm.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWitnesses, parsePolicy, type WitnessPolicy } from '../src/lib/core/witness/policy';
import { formatCosignerKey } from '../src/lib/core/witness/cosignature';
import { randomBytes } from 'node:crypto';
import { nobleVerifier } from '../src/lib/core/signing/ed25519';
import { readLogKeyFile } from '../src/lib/server/log-identity';
import { demoKey } from './support/demo';
import { deviceCheckpoint, downloadDistrict, editParcelField, importKey, FORK_PARCELS, HONEST_PARCELS, seedDemo, TestServer } from './support/field';

const SERVER_PORT = 4395;
const WITNESS_PORTS = [4396, 4397];
const NAMES = ['witness.example/w1', 'witness.example/w2'];
// A witness that comes back is retried within a second (the default backs off to 30 s).
process.env.WITNESS_RETRY_MAX_MS = '1000';

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env } });

class Witness {
	child: ChildProcess | null = null;
	line = '';
	constructor(
		readonly dir: string,
		readonly name: string,
		readonly port: number,
		readonly logKey: string
	) {}
	get stateFile(): string {
		return join(this.dir, 'state.json');
	}
	async start(): Promise<void> {
		const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'witness', '--key', join(this.dir, 'key.json'), '--state', this.stateFile, '--port', String(this.port), '--log', this.logKey, '--name', this.name], { stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		let out = '';
		child.stderr!.on('data', (d) => (out += d));
		await new Promise<void>((resolve, reject) => {
			child.stdout!.on('data', (d) => {
				out += d;
				const line = /^policy line: (witness .*)$/m.exec(out)?.[1];
				if (line && out.includes('listening')) {
					this.line = line;
					resolve();
				}
			});
			child.once('exit', (code) => reject(new Error(`witness ${this.name} exited with ${code}: ${out}`)));
		});
	}
	/** SIGKILL: no chance to tidy up (its lock file stays behind; the next start takes it over). */
	async kill(): Promise<void> {
		const child = this.child;
		this.child = null;
		if (!child || child.exitCode !== null) return;
		await new Promise<void>((r) => {
			child.once('exit', () => r());
			child.kill('SIGKILL');
		});
	}
	cosignedSize(): number | null {
		if (!existsSync(this.stateFile)) return null;
		const logs = JSON.parse(readFileSync(this.stateFile, 'utf8')).logs as Record<string, { size: number }>;
		return Object.values(logs)[0]?.size ?? null;
	}
}

interface Status {
	treeSize: number;
	witnesses: { quorum: number; witnesses: { name: string; state: string; cosignedSize: number | null }[]; head: { size: number; witnessed: boolean; cosigners: string[] } };
	gossip: { count: number; recent: { reason: string; shown: string }[] };
}

async function syncNow(page: Page): Promise<string> {
	await page.goto('/field/outbox');
	await page.getByRole('button', { name: 'Sync now' }).click();
	const outcome = page.getByTestId('sync-outcome');
	await expect(outcome).toHaveText(/^(Synced|Sync is halted|Sync stopped)/, { timeout: 60_000 });
	return (await outcome.textContent()) ?? '';
}

test.describe.serial('witnesses', () => {
	let server: TestServer;
	let witnesses: Witness[];
	let policy: WitnessPolicy;
	let browser: Browser;
	let contextA: BrowserContext;
	let pageA: Page;
	let honestExtract: string;
	let honestCheckpoint: string;
	let honestQr: Buffer;
	const extraContexts: BrowserContext[] = [];

	const status = async (): Promise<Status> => (await fetch(`${server.url}/api/status`)).json() as Promise<Status>;
	const served = async () => (await fetch(`${server.url}/log/checkpoint`)).text();
	const witnessed = async (note: string) => checkWitnesses(note, policy, nobleVerifier);

	test.beforeAll(async ({ browser: b }) => {
		test.setTimeout(180_000);
		browser = b;
		const dataDir = seedDemo(HONEST_PARCELS);
		server = new TestServer(SERVER_PORT, dataDir);
		// Each witness is configured with the log's verifier key (what /log/key serves).
		const vkey = readLogKeyFile(join(dataDir, 'log-key.json')).verifierKey;
		witnesses = NAMES.map((n, i) => new Witness(mkdtempSync(join(tmpdir(), 'witness-e2e-')), n, WITNESS_PORTS[i], vkey));
		await Promise.all(witnesses.map((w) => w.start()));
		const text = `${witnesses.map((w) => w.line).join('\n')}\nquorum 2\n`;
		writeFileSync(join(dataDir, 'witnesses.txt'), text);
		const p = parsePolicy(text);
		if (!p.ok) throw new Error(p.message);
		policy = p.value;
		await server.start();
		contextA = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
		pageA = await contextA.newPage();
	});

	test.afterAll(async () => {
		for (const c of [contextA, ...extraContexts]) await c?.close();
		await server?.stop();
		for (const w of witnesses ?? []) await w.kill();
	});

	test('cosigned checkpoints are served; a witness killed and restarted loses nothing and cosigning resumes', async () => {
		test.setTimeout(240_000);
		// The served checkpoint carries both cosignatures, and the policy is published.
		await expect.poll(async () => (await witnessed(await served())).ok, { timeout: 20_000 }).toBe(true);
		expect(parsePolicy(await (await fetch(`${server.url}/log/witnesses`)).text())).toMatchObject({ ok: true, value: { quorum: 2 } });
		const s0 = await status();
		expect(s0.witnesses.witnesses.map((w) => w.state)).toEqual(['ok', 'ok']);
		expect(s0.witnesses.head).toMatchObject({ size: s0.treeSize, witnessed: true });

		// A device pins the key and the policy, downloads, and trusts a witnessed checkpoint.
		await importKey(pageA, demoKey('assessor-ava').path);
		await downloadDistrict(pageA, 'RIV');
		await syncNow(pageA);
		await pageA.goto('/field/setup');
		await expect(pageA.getByTestId('witness-policy')).toContainText('2 of 2 witnesses must cosign');
		await expect(pageA.getByTestId('witness-status')).toContainText('Witnessed: cosigned by 2 of 2 witnesses');
		await expect(pageA.getByTestId('witness-warning')).toHaveCount(0);

		// w2 is killed. The log goes on: an edit is accepted and the checkpoint is served with w1's cosignature.
		// (The device's district download appended an access entry: the head moved, and was cosigned.)
		const head = (await status()).treeSize;
		await expect.poll(() => witnesses.map((w) => w.cosignedSize()), { timeout: 20_000 }).toEqual([head, head]);
		const before = witnesses[1].cosignedSize();
		await witnesses[1].kill();
		await editParcelField(pageA, 'RIV-000002', 'Zoning', 'W-18');
		expect(await syncNow(pageA)).toMatch(/^Synced: 1 edit\(s\) accepted/);
		await expect.poll(async () => (await status()).witnesses.witnesses[1].state, { timeout: 20_000 }).toBe('down');
		const s1 = await status();
		expect(s1.treeSize).toBeGreaterThan(head);
		expect(s1.witnesses.witnesses[0]).toMatchObject({ state: 'ok', cosignedSize: s1.treeSize });
		const half = await witnessed(await served());
		expect(half).toMatchObject({ ok: false, cosigned: [{ name: NAMES[0] }], missing: [NAMES[1]] });
		// The device says so, plainly.
		await syncNow(pageA);
		await expect(pageA.getByTestId('witness-warning')).toContainText(`carries 1 of the 2 witness cosignatures`);
		await expect(pageA.getByTestId('witness-warning')).toContainText(`missing: ${NAMES[1]}`);
		const down = cli(['status', server.url]);
		expect(down.status, down.stderr).toBe(0);
		expect(down.stdout).toContain(`! ${NAMES[1]} DOWN`);
		expect(down.stdout).toContain('NOT WITNESSED');

		// w2 restarts on its state file: what it cosigned is still there, and it cosigns the new head
		// (with a consistency proof from that size, not from scratch).
		await witnesses[1].start();
		expect(witnesses[1].cosignedSize()).toBe(before);
		await expect.poll(async () => (await witnessed(await served())).ok, { timeout: 30_000 }).toBe(true);
		expect(witnesses[1].cosignedSize()).toBe(s1.treeSize);
		expect((await status()).witnesses.witnesses.map((w) => w.state)).toEqual(['ok', 'ok']);
		await syncNow(pageA);
		await expect(pageA.getByTestId('witness-warning')).toHaveCount(0);
		const up = cli(['status', server.url]);
		expect(up.stdout).toMatch(new RegExp(`✓ ${NAMES[1].replace(/\//g, '\\/')} OK — cosigned size ${s1.treeSize}`));

		// An extract carries the policy and the cosigned checkpoint; the CLI and /verify say it is witnessed.
		const res = await fetch(`${server.url}/api/parcels/RIV-000002/extract`);
		honestExtract = await res.text();
		const x = JSON.parse(honestExtract) as { witnesses: string; checkpoint: string };
		expect(parsePolicy(x.witnesses).ok).toBe(true);
		expect((await witnessed(x.checkpoint)).ok).toBe(true);
		const file = join(mkdtempSync(join(tmpdir(), 'witness-extract-')), 'RIV-000002.extract.json');
		writeFileSync(file, honestExtract);
		const v = cli(['verify-extract', file, '--log', server.url]);
		expect(v.status, v.stdout).toBe(0);
		expect(v.stdout.split('\n')[0]).toMatch(/^VERIFIED: extract of parcel RIV-000002, complete up to checkpoint \d+, witnessed$/);
		expect(v.stdout).toContain(`✓ compared with ${server.url}`);
		// /verify with the registry's published policy pasted: witnessed, said against that policy; with
		// a policy naming another witness: not witnessed, whatever list the extract carries.
		const pageP = await contextA.newPage();
		await pageP.goto('/verify');
		await expect(pageP.getByText(/^Ready\. Checking happens/)).toBeVisible();
		const policyBox = pageP.getByLabel(/The registry's published witness policy/);
		await policyBox.fill(readFileSync(join(server.dataDir, 'witnesses.txt'), 'utf8'));
		await pageP.getByLabel('Extract file').setInputFiles({ name: 'RIV-000002.extract.json', mimeType: 'application/json', buffer: Buffer.from(honestExtract) });
		await expect(pageP.getByTestId('extract-witnesses')).toHaveText(`Witnessed: cosigned by ${NAMES.join(', ')}.`);
		await policyBox.fill(`witness ${formatCosignerKey('witness.example/stranger', randomBytes(32))}\nquorum 1\n`);
		await pageP.getByRole('button', { name: 'Verify' }).click();
		await expect(pageP.getByTestId('extract-witnesses')).toContainText('Not witnessed:');
		await expect(pageP.getByTestId('extract-witnesses')).toContainText('witness.example/stranger');
		await pageP.close();
		// cli verify audits the log and checks the served checkpoint's cosignatures against the policy.
		const policyFile = join(mkdtempSync(join(tmpdir(), 'witness-policy-')), 'policy.txt');
		writeFileSync(policyFile, readFileSync(join(server.dataDir, 'witnesses.txt')));
		const audit = cli(['verify', server.url, '--key', readLogKeyFile(join(server.dataDir, 'log-key.json')).verifierKey, '--policy', policyFile]);
		expect(audit.status, audit.stdout).toBe(0);
		expect(audit.stdout).toMatch(/✓ witnesses \(checkpoint of size \d+, the policy in .*\): Witnessed: cosigned by 2 of 2 witnesses/);
		honestCheckpoint = await deviceCheckpoint(pageA);
		expect((await witnessed(honestCheckpoint)).ok).toBe(true);
		// Its QR code, as another device's camera would see the screen.
		honestQr = await pageA.getByRole('img', { name: "This device's checkpoint as a QR code" }).screenshot();
	});

	test('a server that forks its log gets no cosignature, and every device that sees both heads raises the alarm', async () => {
		test.setTimeout(300_000);
		const honestSize = (await status()).treeSize;
		// Another history under the same key (another demo county), with the same witnesses configured.
		const forked = seedDemo(FORK_PARCELS);
		copyFileSync(join(server.dataDir, 'witnesses.txt'), join(forked, 'witnesses.txt'));
		await server.stop();
		server.dataDir = forked;
		await server.start();
		expect((await status()).treeSize, 'the forked history must be longer to reach the witnesses').toBeGreaterThan(honestSize);

		// Neither witness cosigns it: each holds the honest tree, which this one does not extend.
		await expect.poll(async () => (await status()).witnesses.witnesses.map((w) => w.state), { timeout: 30_000 }).toEqual(['conflict', 'conflict']);
		const forkedNote = await served();
		expect((await witnessed(forkedNote)).cosigned).toEqual([]);
		expect(witnesses.map((w) => w.cosignedSize())).toEqual([honestSize, honestSize]);
		// Each witness keeps the forked request as evidence (written as it answers; poll for it).
		for (const w of witnesses) {
			await expect.poll(() => (existsSync(join(w.dir, 'evidence')) ? readdirSync(join(w.dir, 'evidence')).length : 0), { timeout: 30_000 }).toBeGreaterThan(0);
		}
		const st = cli(['status', server.url]);
		expect(st.status).toBe(1);
		expect(st.stdout).toContain(`✗ ${NAMES[0]} CONFLICT`);

		// Device A trusted the honest head: its sync shows the server its checkpoint, and halts on the fork.
		await syncNow(pageA);
		const alarmA = pageA.getByRole('alert').filter({ hasText: 'Sync halted: the log rewrote its history' });
		await expect(alarmA).toBeVisible();
		await alarmA.getByText('Evidence kept on this device').click();
		await expect(alarmA.locator('pre').first()).toHaveText(honestCheckpoint.trim());
		await expect(alarmA.locator('pre').nth(1)).toHaveText(forkedNote.trim());
		// The server was shown the honest checkpoint: fork evidence in its status (and cli status).
		const gossip = (await status()).gossip;
		expect(gossip.count).toBeGreaterThan(0);
		expect(gossip.recent.some((e) => e.shown === honestCheckpoint)).toBe(true);
		expect(cli(['status', server.url]).stdout).toContain('ALARM: ');
		// The registry's home page shows the same: both witnesses in conflict, and the fork evidence.
		const contextR = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
		extraContexts.push(contextR);
		const pageR = await contextR.newPage();
		await pageR.goto('/registry');
		await pageR.getByLabel(/Import a registrar key file/).setInputFiles(demoKey('registrar').path);
		await expect(pageR.getByTestId('session')).toContainText('Signed in as', { timeout: 30_000 });
		const panel = pageR.getByTestId('witness-health');
		for (const n of NAMES) await expect(panel.locator(`[data-witness="${n}"]`)).toHaveAttribute('data-state', 'conflict');
		await expect(panel.getByTestId('witness-head')).toContainText('NOT WITNESSED');
		await expect(panel.getByRole('alert')).toContainText('Fork evidence');

		// Device B is new, set up on the forked server: it pins the same key and policy, downloads, and
		// warns that its checkpoint is not witnessed.
		const contextB = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
		extraContexts.push(contextB);
		const pageB = await contextB.newPage();
		await importKey(pageB, demoKey('assessor-bo').path);
		await downloadDistrict(pageB, 'RIV');
		await expect(pageB.getByTestId('witness-warning')).toContainText('carries 0 of the 2 witness cosignatures');
		// Shown device A's checkpoint (gossip between devices: a picture of A's QR code), B raises the
		// fork alarm with both.
		await pageB.goto('/field/setup');
		await pageB.getByLabel('Or read it from a photo or screenshot of its QR code').setInputFiles({ name: 'device-a.png', mimeType: 'image/png', buffer: honestQr });
		await expect(pageB.getByTestId('other-checkpoint')).toHaveValue(honestCheckpoint);
		const alarmB = pageB.getByRole('alert').filter({ hasText: 'Sync halted: the log rewrote its history' });
		await expect(alarmB).toBeVisible({ timeout: 20_000 });
		await alarmB.getByText('Evidence kept on this device').click();
		const trustedB = await alarmB.locator('pre').first().textContent();
		expect((await witnessed(trustedB ?? '')).cosigned).toEqual([]); // B's own (forked, unwitnessed) head
		await expect(alarmB.locator('pre').nth(1)).toHaveText(honestCheckpoint.trim());

		// The public: the honest extract on /verify, against the forked log, is a fork with both shown.
		const pageV = await contextB.newPage();
		await pageV.goto('/verify');
		await expect(pageV.getByText(/^Ready\. Checking happens/)).toBeVisible();
		await pageV.getByLabel('Extract file').setInputFiles({ name: 'RIV-000002.extract.json', mimeType: 'application/json', buffer: Buffer.from(honestExtract) });
		const fork = pageV.getByTestId('extract-fork');
		await expect(fork).toBeVisible({ timeout: 30_000 });
		await expect(fork.locator('pre').first()).toHaveText(JSON.parse(honestExtract).checkpoint.trim());
		await expect(fork.locator('pre').nth(1)).toHaveText((await served()).trim());
		// And the CLI.
		const file = join(mkdtempSync(join(tmpdir(), 'witness-extract-')), 'RIV-000002.extract.json');
		writeFileSync(file, honestExtract);
		const v = cli(['verify-extract', file, '--log', server.url]);
		expect(v.status).toBe(1);
		expect(v.stdout).toContain('FORK: the extract\'s checkpoint and the one');
	});
});
