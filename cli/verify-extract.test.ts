// `cli verify-extract` on complete, old and tampered extracts: exit 0 and "complete up to
// checkpoint N" for a v2 extract, exit 0 with completeness NOT PROVEN for a v1 one, exit 1 and the
// `complete` check's reason for each tampered one (docs/protocol.md "Extracts"). In-process for
// every case, and as real processes for the exit codes.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExtractCommand } from './commands/verify-extract';
import { completenessLog, extractOfLog, logSigner, tamperCases, type TamperCase } from '../src/lib/core/extract/tamper-cases';
import { memoryExtract, VECTOR_PARCEL } from '../src/lib/core/extract/vector-log';
import { LOG_VECTOR_ORIGIN } from '../src/lib/core/log/vectors';
import { createHash, randomBytes } from 'node:crypto';
import { sampleParcel } from '../src/lib/core/record/samples';
import { buildExtract } from '../src/lib/server/public/extract';
import { genesisChange, sqliteFixture } from '../src/lib/server/testing/fixture';

const dir = mkdtempSync(join(tmpdir(), 'pl-verify-extract-'));
let cases: TamperCase[] = [];
const file = (name: string, x: unknown) => {
	const path = join(dir, name);
	writeFileSync(path, JSON.stringify(x, null, 1) + '\n');
	return path;
};

beforeAll(async () => {
	const log = await completenessLog();
	file('good.json', await extractOfLog(log));
	file('v1.json', await memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner: logSigner(), parcel: VECTOR_PARCEL, items: log, v1: true }));
	cases = await tamperCases();
	cases.forEach((t, i) => file(`tampered-${i}.json`, t.extract));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command as main.ts does; its output and the exit code it would end with. */
async function run(args: string[]): Promise<{ code: number; out: string }> {
	let out = '';
	const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
	process.exitCode = undefined;
	try {
		await verifyExtractCommand(args);
		return { code: Number(process.exitCode ?? 0), out };
	} finally {
		spy.mockRestore();
		process.exitCode = undefined;
	}
}

const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8' });

describe('cli verify-extract', () => {
	it('says "complete up to checkpoint N" for a v2 extract', async () => {
		const r = await run([join(dir, 'good.json')]);
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/^VERIFIED: extract of parcel RIV-000123, complete up to checkpoint 10\n/);
		expect(r.out).toContain('✓ complete: Complete up to checkpoint 10: every edit of RIV-000123 in the log below 10 is here, and every claim, decision and notice.');
	});

	it('verifies a v1 extract but says plainly that its completeness is not proven', async () => {
		const r = await run([join(dir, 'v1.json')]);
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/^VERIFIED: extract of parcel RIV-000123, but its completeness is NOT PROVEN \(an older v1 extract without a map proof\)\n/);
		expect(r.out).toContain('? complete: Not proven: this is an older parcel-ledger-extract/v1 extract');
		expect(r.out).toMatch(/This does not prove:\n {2}• That the extract lists every edit of this parcel up to the checkpoint/);
	});

	it('fails every tampered extract with exit 1 and the reason', async () => {
		expect(cases.length).toBeGreaterThanOrEqual(9);
		for (const [i, t] of cases.entries()) {
			const r = await run([join(dir, `tampered-${i}.json`)]);
			expect(r.code, t.what).toBe(1);
			const first = r.out.split('\n')[0];
			expect(first, t.what).toMatch(/^NOT VERIFIED: /);
			expect(first.slice('NOT VERIFIED: '.length), t.what).toMatch(t.reason);
			expect(r.out, t.what).toContain(`✗ ${t.check}: `);
		}
	}, 60_000);

	it('as a process: exit 0 for the complete extract, 1 for an entry left out', () => {
		const good = cli(['verify-extract', join(dir, 'good.json')]);
		expect(good.status, good.stderr).toBe(0);
		expect(good.stdout).toMatch(/^VERIFIED: extract of parcel RIV-000123, complete up to checkpoint 10/);
		const bad = cli(['verify-extract', join(dir, 'tampered-0.json')]);
		expect(bad.status, bad.stderr).toBe(1);
		expect(bad.stdout).toMatch(/^NOT VERIFIED: The log has 4 edits of the private part up to checkpoint 10, the extract shows 3: an entry is left out\./);
		expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace for the operator
	}, 60_000);
});

describe('cli verify-extract --file', () => {
	it('checks a photo given with the extract: exit 0 when its bytes are a listed public file, 1 when a byte differs', async () => {
		const f = await sqliteFixture();
		try {
			const id = 'RIV-000001';
			const photo = new Uint8Array(randomBytes(1500));
			const hash = createHash('sha256').update(photo).digest('hex');
			const g = genesisChange(f.assessor, 'parcel', id, { ...sampleParcel(id), photos: { [hash]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: photo.length } } });
			const [r] = await f.ledger.submit([await f.edit(f.assessor, id, 'parcel', g.change)]);
			expect(r.status).toBe('accepted');
			const extract = file('with-photo.json', await buildExtract(f.ledger, id));
			const good = join(dir, 'front.jpg');
			writeFileSync(good, photo);
			const altered = join(dir, 'altered.jpg');
			writeFileSync(altered, Uint8Array.from(photo, (b, i) => (i === 9 ? b ^ 1 : b)));

			const ok = await run([extract, '--file', good]);
			expect(ok.code, ok.out).toBe(0);
			expect(ok.out).toMatch(/^✓ file: /m);
			const bad = await run([extract, '--file', altered]);
			expect(bad.code).toBe(1);
			expect(bad.out).toMatch(/^✗ file: .*match no listed file/m);
			const missing = await run([extract, '--file', join(dir, 'no-such.jpg')]).catch((e: Error) => ({ code: 2, out: e.message }));
			expect(missing.code).toBe(2);
			expect(missing.out).toContain('cannot read');
		} finally {
			await f.cleanup();
		}
	});
});
