// Bad CLI input, property-based: every operator command given a wrong flag, value, key file or
// missing argument stops with a clear error (UsageError → exit 2, other errors → exit 1, a refused
// submission → exit 1) and leaves the log store byte-identical. A few real processes check the
// exit codes and that no stack trace reaches the operator. (Import files arrive with the import
// command in a later issue; their battery belongs there.)
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from './args';
import { init } from './commands/init';
import { edit } from './commands/edit';
import { grant, keygen, revoke } from './commands/keys';
import { verify } from './commands/verify';
import { writeKeyFile } from './key-file';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import { databaseSnapshot } from '../src/lib/server/testing/snapshot';

const dir = mkdtempSync(join(tmpdir(), 'pl-cli-bad-'));
const registrarKey = join(dir, 'registrar-key.json');
const strangerKey = join(dir, 'stranger.json');
let digest: () => Promise<string>;

async function quietly<T>(run: () => Promise<T>): Promise<T> {
	const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
	const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
	try {
		return await run();
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
}

beforeAll(async () => {
	process.env.DATA_DIR = dir;
	delete process.env.DATABASE_URL;
	await quietly(() => init(['--origin', 'cli-bad-input.example/log', '--registrar-name', 'Rita Registrar']));
	writeKeyFile(strangerKey, { name: 'Stranger', secretKey: randomBytes(32) });
	const store = new SqliteLogStore(join(dir, 'ledger.db'));
	digest = async () => (await databaseSnapshot(store)).digest;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command as main.ts does; returns the exit code it would end with and the message. */
async function run(command: (args: string[]) => Promise<void>, args: string[]): Promise<{ code: number; message: string }> {
	process.exitCode = undefined;
	try {
		await quietly(() => command(args));
		const code = Number(process.exitCode ?? 0);
		return { code, message: '' };
	} catch (e) {
		return { code: e instanceof UsageError ? 2 : 1, message: (e as Error).message };
	} finally {
		process.exitCode = undefined;
	}
}

const notHexKey = fc.string({ maxLength: 70 }).filter((s) => !/^[0-9a-f]{64}$/.test(s));
const badDistrict = fc.string({ minLength: 1, maxLength: 12 }).filter((d) => !/^([A-Z0-9]{2,8}|\*)$/.test(d.trim()) && d.trim() !== '' && !d.includes(','));
const notParcelId = fc.string({ maxLength: 30 }).filter((s) => !/^[A-Z0-9]{2,8}-[A-Z0-9]{1,24}$/.test(s));
const unknownFlag = fc.stringMatching(/^[a-z]{1,10}$/).filter((f) => !['key', 'enrolment', 'grantee', 'name', 'role', 'districts', 'server', 'revoked', 'reason', 'parcel', 'part', 'set', 'out', 'origin', 'changes'].includes(f));

type Case = { command: (a: string[]) => Promise<void>; args: string[]; label: string };

const cases: fc.Arbitrary<Case>[] = [
	fc.record({ role: fc.string({ maxLength: 20 }).filter((r) => r !== 'assessor' && r !== 'registrar') }).map(({ role }) => ({
		command: grant,
		label: 'grant with a bad role',
		args: ['--key', registrarKey, '--grantee', 'ab'.repeat(32), '--name', 'X Y', '--role', role, '--districts', 'RIV']
	})),
	notHexKey.map((hex) => ({ command: grant, label: 'grant to a bad key', args: ['--key', registrarKey, '--grantee', hex, '--name', 'X', '--role', 'assessor', '--districts', 'RIV'] })),
	fc.string({ maxLength: 120 }).map((code) => ({ command: grant, label: 'grant a bad enrolment code', args: ['--key', registrarKey, '--enrolment', `x${code}`, '--role', 'assessor', '--districts', 'RIV'] })),
	fc.array(badDistrict, { minLength: 1, maxLength: 3 }).map((ds) => ({
		command: grant,
		label: 'grant bad districts',
		args: ['--key', registrarKey, '--grantee', 'cd'.repeat(32), '--name', 'X', '--role', 'assessor', '--districts', ['RIV', ...ds].join(',')]
	})),
	fc.string({ maxLength: 300 }).filter((n) => n.trim() !== n || n.length === 0 || Buffer.byteLength(n) > 200).map((name) => ({
		command: grant,
		label: 'grant a bad name',
		args: ['--key', registrarKey, '--grantee', 'ef'.repeat(32), '--name', name, '--role', 'assessor', '--districts', 'RIV']
	})),
	fc.constant({ command: grant, label: 'grant signed by an ungranted key', args: ['--key', strangerKey, '--grantee', '12'.repeat(32), '--name', 'X', '--role', 'assessor', '--districts', 'RIV'] }),
	unknownFlag.map((flag) => ({ command: grant, label: 'grant with an unknown flag', args: ['--key', registrarKey, `--${flag}`, 'x'] })),
	notHexKey.map((hex) => ({ command: revoke, label: 'revoke a bad key', args: ['--key', registrarKey, '--revoked', hex, '--reason', 'lost'] })),
	fc.constant({ command: revoke, label: 'revoke a key never granted', args: ['--key', registrarKey, '--revoked', '34'.repeat(32), '--reason', 'lost'] }),
	fc.constantFrom('', ' ', '\n').map((reason) => ({ command: revoke, label: 'revoke without a reason', args: ['--key', registrarKey, '--revoked', '34'.repeat(32), '--reason', reason] })),
	notParcelId.map((id) => ({ command: edit, label: 'edit a bad parcel id', args: ['--key', registrarKey, '--parcel', id, '--part', 'parcel', '--set', 'zoning=R2'] })),
	fc.constantFrom('RIV-000001', 'NORTH-X1').map((id) => ({ command: edit, label: 'edit a parcel with no document', args: ['--key', registrarKey, '--parcel', id, '--part', 'parcel', '--set', 'zoning=R2'] })),
	fc.string({ maxLength: 20 }).filter((p) => !['parcel', 'valuation', 'title', 'private'].includes(p)).map((part) => ({
		command: edit,
		label: 'edit a bad part',
		args: ['--key', registrarKey, '--parcel', 'RIV-000001', '--part', part, '--set', 'zoning=R2']
	})),
	fc.string({ maxLength: 30 }).filter((s) => s.indexOf('=') < 1).map((set) => ({ command: edit, label: 'edit with a bad --set', args: ['--key', registrarKey, '--parcel', 'RIV-000001', '--part', 'parcel', '--set', set] })),
	fc.constant({ command: edit, label: 'edit without --set', args: ['--key', registrarKey, '--parcel', 'RIV-000001', '--part', 'parcel'] }),
	fc.oneof(fc.constant('not json'), fc.constant('{}'), fc.constant('{"secretKey":"zz"}'), fc.constant(`{"secretKey":"${'ab'.repeat(32)}","publicKey":"${'00'.repeat(32)}"}`), fc.string({ maxLength: 50 })).map((content) => {
		const path = join(dir, `bad-key-${randomBytes(4).toString('hex')}.json`);
		writeFileSync(path, content);
		return { command: revoke, label: 'a bad key file', args: ['--key', path, '--revoked', '34'.repeat(32), '--reason', 'lost'] };
	}),
	fc.constant({ command: revoke, label: 'a key file that does not exist', args: ['--key', join(dir, 'missing.json'), '--revoked', '34'.repeat(32), '--reason', 'lost'] }),
	fc.constant({ command: keygen, label: 'keygen over an existing key', args: ['--name', 'X', '--out', registrarKey] }),
	fc.constant({ command: keygen, label: 'keygen without a name', args: ['--out', join(dir, 'never.json')] }),
	fc.constant({ command: init, label: 'init on a data folder that has a log', args: ['--origin', 'again.example/log'] }),
	fc.string({ maxLength: 40 }).filter((u) => !/^https?:\/\//.test(u)).map((url) => ({ command: verify, label: 'verify a bad URL', args: url ? [url] : [] }))
];

describe('CLI: bad input stops with a clear error and changes nothing', () => {
	it.each(cases.map((arb) => [fc.sample(arb, 1)[0].label, arb] as const))('%s', async (_, arb) => {
		const before = await digest();
		await fc.assert(
			fc.asyncProperty(arb, async (c) => {
				const r = await run(c.command, c.args);
				expect(r.code, `${c.label}: ${JSON.stringify(c.args)} exited 0`).not.toBe(0);
				if (r.message) {
					expect(r.message.length, c.label).toBeGreaterThan(5);
					expect(r.message, c.label).not.toMatch(/^\s*at /m); // a message, not a stack
				}
				expect(await digest(), `${c.label} changed the store`).toBe(before);
			}),
			{ numRuns: 12 }
		);
		expect(readFileSync(registrarKey, 'utf8')).toMatch(/"secretKey"/); // never overwritten
	});

	it('real processes: usage errors exit 2, refusals and failures exit 1, with one line and no stack', () => {
		const cli = (args: string[]) =>
			spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, DATA_DIR: dir } });
		const usage = cli(['grant', '--key', registrarKey, '--role', 'boss']);
		expect(usage.status).toBe(2);
		expect(usage.stderr).toMatch(/^error: /);
		const refused = cli(['revoke', '--key', strangerKey, '--revoked', '56'.repeat(32), '--reason', 'x']);
		expect(refused.status).toBe(1);
		expect(refused.stdout).toMatch(/refused: unknown-key/);
		const broken = cli(['revoke', '--key', join(dir, 'missing.json'), '--revoked', '56'.repeat(32), '--reason', 'x']);
		expect(broken.status).toBe(2);
		expect(broken.stderr).toMatch(/cannot read key file/);
		const unknown = cli(['frobnicate']);
		expect(unknown.status).toBe(2);
		for (const r of [usage, refused, broken, unknown]) expect(r.stderr).not.toMatch(/\n\s+at /);
	});
});
