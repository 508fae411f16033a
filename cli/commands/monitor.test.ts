// `cli monitor` as an operator runs it: the real CLI process against a small HTTP server that
// publishes an in-memory log (src/lib/core/map/test-log.ts) and can be made to lie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { toBase64, utf8 } from '../../src/lib/core/bytes';
import { sha256 } from '../../src/lib/core/hash';
import { secretKeySigner } from '../../src/lib/core/signing/ed25519';
import { addSignatureLines, cosign, formatCosignerKey } from '../../src/lib/core/witness/cosignature';
import { mapRootOfEntries, publishLog, testEntries, testLogVerifierKey, type Published } from '../../src/lib/core/map/test-log';

const KEY = testLogVerifierKey();
const dir = mkdtempSync(join(tmpdir(), 'pl-monitor-'));
let server: Server;
let url: string;
let files: Published = new Map();
let failing = false;
const requested: string[] = [];
let entries: Uint8Array[];
let at600: Published;
let at1000: Published;

beforeAll(async () => {
	entries = await testEntries(1000);
	at600 = await publishLog(entries.slice(0, 600));
	at1000 = await publishLog(entries);
	server = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
		requested.push(path);
		const body = failing ? undefined : files.get(path);
		if (failing) res.writeHead(500).end('boom');
		else if (body === undefined) res.writeHead(404).end('not found');
		else res.writeHead(200, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/octet-stream' }).end(body);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((r) => server.close(r));
	rmSync(dir, { recursive: true, force: true });
});

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the CLI without blocking this process (which serves the log). */
const cli = (args: string[]): Promise<Run> =>
	new Promise((resolve) => {
		execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
			resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
		});
	});

let n = 0;
const freshState = () => join(dir, `case-${++n}`, 'state.bin');
const once = (state: string, key = KEY) => cli(['monitor', url, '--key', key, '--state', state, '--once']);

/** A monitor that accepted the log at 600 entries. */
async function acceptedAt600(): Promise<string> {
	files = at600;
	const state = freshState();
	const r = await once(state);
	expect(r.status, r.stderr).toBe(0);
	return state;
}

const evidence = (state: string) => {
	const root = join(state, '..', 'evidence');
	const [only] = readdirSync(root);
	return Object.fromEntries(readdirSync(join(root, only)).map((f) => [f, readFileSync(join(root, only, f))]));
};

describe('cli monitor', { timeout: 180_000 }, () => {
	it('checks a log, resumes from its state reading only the new bundles, and says when nothing changed', async () => {
		files = at600;
		const state = freshState();
		const first = await once(state);
		expect(first.status, first.stderr).toBe(0);
		expect(first.stdout).toContain('checkpoint 600 ok: 600 new entries, map root matches (the first checkpoint this monitor accepts)');
		expect(existsSync(state)).toBe(true);

		files = at1000;
		requested.length = 0;
		const second = await once(state);
		expect(second.status, second.stderr).toBe(0);
		expect(second.stdout).toContain('resuming from checkpoint 600');
		expect(second.stdout).toContain('checkpoint 1000 ok: 400 new entries, map root matches, consistent with 600');
		expect(requested.filter((p) => p.startsWith('log/tile/entries/'))).toEqual(['log/tile/entries/002', 'log/tile/entries/003.p/232']);

		requested.length = 0;
		const third = await once(state);
		expect(third.stdout).toContain('checkpoint 1000 ok: no new entries, map root matches');
		expect(requested).toEqual(['log/checkpoint']);
		expect(third.status).toBe(0);
	});

	it('with a witness policy, says whether each accepted checkpoint carries its cosignatures', async () => {
		const witness = secretKeySigner(sha256(utf8('monitor test witness')));
		const name = 'witness.example/monitor';
		const policy = join(dir, 'policy.txt');
		writeFileSync(policy, `witness ${formatCosignerKey(name, witness.publicKey)}\nquorum 1\n`);
		files = at600;
		const state = freshState();
		const bare = await cli(['monitor', url, '--key', KEY, '--policy', policy, '--state', state, '--once']);
		expect(bare.status, bare.stderr).toBe(0); // a warning: witnesses cosign just after a commit
		expect(bare.stderr).toContain(`witnesses (the policy in ${policy}): NOT WITNESSED`);
		expect(bare.stderr).toContain(`missing: ${name}`);

		const note = at1000.get('log/checkpoint') as string;
		const text = note.slice(0, note.indexOf('\n\n') + 1);
		files = new Map(at1000).set('log/checkpoint', addSignatureLines(note, [await cosign(text, name, witness, 1_767_225_600)]));
		const cosigned = await cli(['monitor', url, '--key', KEY, '--policy', policy, '--state', state, '--once']);
		expect(cosigned.status, cosigned.stderr).toBe(0);
		expect(cosigned.stdout).toContain(`witnesses (the policy in ${policy}): Witnessed`);

		const bad = await cli(['monitor', url, '--key', KEY, '--policy', join(dir, 'no-such-policy.txt'), '--state', state, '--once']);
		expect(bad.status).not.toBe(0);
		expect(bad.stderr).toContain('--policy: no file');
	});

	it('fails on a map root the log does not give, printing both roots and keeping both checkpoints', async () => {
		const state = await acceptedAt600();
		const saved = readFileSync(state);
		const wrong = sha256(utf8('a map the log does not hold'));
		files = await publishLog(entries, { mapRoot: wrong });
		const r = await once(state);
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('ALARM (map-root-mismatch)');
		expect(r.stderr).toContain(toBase64(wrong));
		expect(r.stderr).toContain(toBase64(mapRootOfEntries(entries)));
		const kept = evidence(state);
		expect(kept['accepted.checkpoint'].toString()).toBe(at600.get('log/checkpoint'));
		expect(kept['received.checkpoint'].toString()).toBe(files.get('log/checkpoint'));
		expect(kept['alarm.txt'].toString()).toContain('map-root-mismatch');
		// The state still holds the last checkpoint it accepted.
		expect(readFileSync(state)).toEqual(saved);
	});

	it('fails on a forked checkpoint: another tree of the same size, or a smaller tree', async () => {
		const state = await acceptedAt600();
		files = await publishLog([...entries.slice(0, 599), entries[999]]);
		const same = await once(state);
		expect(same.status).toBe(1);
		expect(same.stderr).toContain('ALARM (fork): the log signed two different trees of size 600');
		expect(same.stderr).toContain('the checkpoint this monitor accepted:');
		expect(same.stderr).toContain('the checkpoint the log serves now:');
		expect(Object.keys(evidence(state)).sort()).toEqual(['accepted.checkpoint', 'alarm.txt', 'received.checkpoint']);

		files = await publishLog(entries.slice(0, 500));
		const smaller = await once(state);
		expect(smaller.status).toBe(1);
		expect(smaller.stderr).toMatch(/ALARM \(fork\): the log's checkpoint of size 500 is smaller than the checkpoint of size 600/);
	});

	it('fails on a bundle whose entries do not hash to the tree', async () => {
		const state = await acceptedAt600();
		const bad = new Map(at1000);
		const bundle = Uint8Array.from(bad.get('log/tile/entries/003.p/232') as Uint8Array);
		bundle[40] ^= 1;
		bad.set('log/tile/entries/003.p/232', bundle);
		files = bad;
		const r = await once(state);
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/ALARM \(entry-mismatch\): entry 768 of log\/tile\/entries\/003\.p\/232 does not hash to the log's tree of size 1000/);
		expect(evidence(state)['log_tile_entries_003.p_232']).toEqual(Buffer.from(bundle));
	});

	it('fails when the checkpoint has no map line, or is not signed by the key', async () => {
		files = await publishLog(entries.slice(0, 10), { mapRoot: null });
		const none = await once(freshState());
		expect(none.status).toBe(1);
		expect(none.stderr).toContain('the log does not commit to a parcel map');
		files = await publishLog(entries.slice(0, 10), { signer: secretKeySigner(new Uint8Array(32).fill(42)) });
		const forged = await once(freshState());
		expect(forged.status).toBe(1);
		expect(forged.stderr).toMatch(/ALARM \(bad-checkpoint\): the log's checkpoint does not verify with monitor\.test\.example\/log\+/);
	});

	it('exits 3 when the log cannot be read or the state file is damaged, 2 on bad usage', async () => {
		const state = await acceptedAt600();
		failing = true;
		try {
			const down = await once(state);
			expect(down.status).toBe(3);
			expect(down.stderr).toContain('could not check the log: could not fetch log/checkpoint: GET log/checkpoint: HTTP 500');
		} finally {
			failing = false;
		}
		const bytes = readFileSync(state);
		bytes[bytes.length - 5] ^= 1;
		writeFileSync(state, bytes);
		const damaged = await once(state);
		expect(damaged.status).toBe(3);
		expect(damaged.stderr).toMatch(/cannot resume from .*state\.bin: .*checksum/);
		const other = testLogVerifierKey(secretKeySigner(new Uint8Array(32).fill(42)));
		const state2 = await acceptedAt600();
		const wrongKey = await once(state2, other);
		expect(wrongKey.status).toBe(3);
		expect(wrongKey.stderr).toMatch(/belongs to the log key/);
		expect((await cli(['monitor', url])).status).toBe(2);
		expect((await cli(['monitor', url, '--key', 'nonsense'])).status).toBe(2);
		expect((await cli(['monitor', url, '--key', KEY, '--interval', '0'])).status).toBe(2);
	});

	it('polls until killed, and stops with an alarm when the log forks', async () => {
		files = at600;
		const state = freshState();
		const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'monitor', url, '--key', KEY, '--state', state, '--interval', '0.2'], { stdio: 'pipe' });
		let out = '';
		let errors = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (errors += d));
		const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
		const until = async (what: () => boolean) => {
			for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
			expect(what(), out + errors).toBe(true);
		};
		try {
			await until(() => out.includes('checkpoint 600 ok'));
			files = at1000;
			await until(() => out.includes('checkpoint 1000 ok: 400 new entries, map root matches, consistent with 600'));
			// Polls that find nothing new print nothing.
			await new Promise((r) => setTimeout(r, 600));
			expect(out.match(/checkpoint 1000 ok/g)).toHaveLength(1);
			files = at600;
			expect(await exited).toBe(1);
			expect(errors).toContain('ALARM (fork)');
		} finally {
			child.kill('SIGKILL');
		}
	});
});
