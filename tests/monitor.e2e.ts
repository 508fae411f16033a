// `cli monitor` against the real served log (which signs a parcel-map line into every checkpoint):
// a first run, a resumed run after an edit, and a proxy in front of the server that re-signs the
// checkpoint, with the log key from the test server's data folder, around a map line of its own.
import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64, utf8 } from '../src/lib/core/bytes';
import { sha256 } from '../src/lib/core/hash';
import { parseCheckpoint, signCheckpoint } from '../src/lib/core/log/checkpoint';
import { mapLine } from '../src/lib/core/map/log-map';
import { readLogKeyFile } from '../src/lib/server/log-identity';
import { demoKey, E2E_DATA_DIR } from './support/demo';

interface Run {
	status: number;
	stdout: string;
	stderr: string;
}

/** The CLI, run without blocking this process (which may be serving the proxy). */
const cli = (args: string[]): Promise<Run> =>
	new Promise((resolve) => {
		execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
			resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
		});
	});

/** A proxy that passes every GET to the server, and lets `rewrite` change the checkpoint it serves. */
async function checkpointProxy(upstream: string, rewrite: (note: string) => Promise<string>): Promise<{ url: string; server: Server }> {
	const server = createServer(async (req, res) => {
		try {
			const up = await fetch(new URL(req.url ?? '/', upstream));
			let body = Buffer.from(await up.arrayBuffer());
			if (req.url === '/log/checkpoint' && up.ok) body = Buffer.from(await rewrite(body.toString('utf8')));
			res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/octet-stream' }).end(body);
		} catch (e) {
			res.writeHead(502).end(String(e));
		}
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Re-signs the served checkpoint with the log key, with `extensions` instead of its own. */
async function resigned(note: string, extensions: string[]): Promise<string> {
	const identity = readLogKeyFile(join(E2E_DATA_DIR, 'log-key.json'));
	const cp = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
	if (!cp.ok) throw new Error(cp.message);
	return signCheckpoint({ ...cp.value, extensions }, identity.origin, identity.signer);
}

test('cli monitor follows the served log, resumes after an edit, and catches a map line the log does not give', async ({ baseURL }) => {
	const key = (await (await fetch(`${baseURL}/log/key`)).text()).trim();
	const dir = mkdtempSync(join(tmpdir(), 'pl-monitor-e2e-'));
	const state = join(dir, 'state.bin');
	const monitor = (url: string) => cli(['monitor', url, '--key', key, '--state', state, '--once']);
	try {
		const first = await monitor(baseURL!);
		expect(first.status, first.stderr).toBe(0);
		const [, size] = /checkpoint (\d+) ok: \1 new entries, map root matches \(the first checkpoint this monitor accepts\)/.exec(first.stdout) ?? [];
		expect(size, first.stdout).toBeTruthy();

		const ava = demoKey('assessor-ava');
		const edited = await cli(['edit', '--server', baseURL!, '--key', ava.path, '--parcel', `${ava.districts[0]}-000002`, '--part', 'parcel', '--set', 'zoning=R7M']);
		expect(edited.stdout, edited.stderr).toMatch(/accepted at index \d+/);
		const second = await monitor(baseURL!);
		expect(second.status, second.stderr).toBe(0);
		expect(second.stdout).toContain(`resuming from checkpoint ${size}`);
		expect(second.stdout).toMatch(new RegExp(`checkpoint \\d+ ok: \\d+ new entr(y|ies), map root matches, consistent with ${size}`));

		const saved = readFileSync(state);
		const forged = sha256(utf8('a parcel map this log does not hold'));
		const proxy = await checkpointProxy(baseURL!, (note) => resigned(note, [mapLine(forged)]));
		try {
			const lied = await monitor(proxy.url);
			expect(lied.status, lied.stdout).toBe(1);
			expect(lied.stderr).toContain('ALARM (map-root-mismatch)');
			expect(lied.stderr).toContain(toBase64(forged));
			const real = parseCheckpoint((await (await fetch(`${baseURL}/log/checkpoint`)).text()).split('\n\n')[0] + '\n');
			expect(real.ok && real.value.extensions?.[0]).toMatch(/^parcel-ledger\/map\/v2 /);
			expect(lied.stderr).toContain(real.ok ? real.value.extensions![0].split(' ')[1] : '?');
			const [kept] = readdirSync(join(dir, 'evidence'));
			expect(readdirSync(join(dir, 'evidence', kept)).sort()).toEqual(['accepted.checkpoint', 'alarm.txt', 'received.checkpoint']);
			expect(readFileSync(join(dir, 'evidence', kept, 'received.checkpoint'), 'utf8')).toContain(mapLine(forged));
		} finally {
			proxy.server.close();
		}
		// The alarm changed nothing: the state still resumes against the real log.
		expect(readFileSync(state)).toEqual(saved);
		const after = await monitor(baseURL!);
		expect(after.status, after.stderr).toBe(0);
		expect(after.stdout).toMatch(/ok: (no new entries|\d+ new entr(y|ies)), map root matches/);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('cli monitor refuses a checkpoint that commits to no parcel map', async ({ baseURL }) => {
	const key = (await (await fetch(`${baseURL}/log/key`)).text()).trim();
	const dir = mkdtempSync(join(tmpdir(), 'pl-monitor-e2e-'));
	const proxy = await checkpointProxy(baseURL!, (note) => resigned(note, []));
	try {
		const r = await cli(['monitor', proxy.url, '--key', key, '--state', join(dir, 'state.bin'), '--once']);
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('the log does not commit to a parcel map');
	} finally {
		proxy.server.close();
		rmSync(dir, { recursive: true, force: true });
	}
});
