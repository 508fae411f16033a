// Privacy law on an append-only log: staff reads of private details are logged (access entries),
// a subject access request exports everything about one party with the entries that prove it,
// and an erasure removes a value from the store (and the SQLite files) while the log still
// verifies and the public history says what was erased, when, by whom and why.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64 } from '../src/lib/core/bytes';
import { leafHash } from '../src/lib/core/log/hashing';
import { verifyInclusion } from '../src/lib/core/log/proof';
import { openCheckpoint } from '../src/lib/core/log/checkpoint';
import { parseVerifierKey } from '../src/lib/core/log/note';
import { nobleVerifier } from '../src/lib/core/signing/ed25519';
import { signInStatement } from '../src/lib/server/sessions';
import { demoKey, E2E_DATA_DIR } from './support/demo';

// Not RIV-000002: tests/privacy.e2e.ts reads that parcel's private details as its control.
const PARCEL = 'RIV-000004';

async function signIn(request: APIRequestContext, id: 'registrar' | 'assessor-ava') {
	const key = demoKey(id);
	const { nonce } = await (await request.post('/api/session/nonce')).json();
	const origin = (await (await request.get('/log/key')).text()).trim().split('+')[0];
	const signature = Buffer.from(await key.signer.sign(signInStatement(origin, nonce))).toString('base64');
	const res = await request.post('/api/session', { data: { publicKey: key.publicKey, nonce, signature } });
	expect(res.status()).toBe(200);
	return key;
}

test.describe.configure({ mode: 'serial' });

test('a staff read of private details is logged before it is served', async ({ request }) => {
	const { entries } = await (await request.get(`/api/parcels/${PARCEL}/entries`)).json();
	const priv = entries.find((e: { kind: string; part?: string }) => e.kind === 'edit' && e.part === 'private');
	expect((await request.get(`/api/parcels/${PARCEL}/access`)).status()).toBe(401);
	const reg = await signIn(request, 'registrar');
	const before = (await (await request.get(`/api/parcels/${PARCEL}/access`)).json()).accesses.length;
	const res = await request.get(`/api/changes/${priv.changeHash}`, { headers: { 'x-purpose': 'checking a phone number' } });
	expect(res.status()).toBe(200);
	const { accesses } = await (await request.get(`/api/parcels/${PARCEL}/access`)).json();
	expect(accesses.length).toBe(before + 1);
	const last = accesses[accesses.length - 1];
	expect(last).toMatchObject({ scope: PARCEL, reader: reg.publicKey, readerName: 'Rhea Registrar (demo)', purpose: 'checking a phone number' });
	// The access entry is in the public log like any other, signed by the log key.
	const [entry] = (await (await request.get(`/api/log/entries?start=${last.index}&end=${last.index + 1}`)).json()).entries;
	expect(entry).toMatchObject({ kind: 'access', scope: PARCEL, purpose: 'checking a phone number' });
	await request.delete('/api/session');
});

test('subject access export, then erasure: the value is gone, the log still verifies, history says so', async ({ request, baseURL }) => {
	const record = await (await request.get(`/api/parcels/${PARCEL}`)).json();
	const owner = (record.record ?? record).parties.p1.name as string;
	await signIn(request, 'registrar');
	const exported = await (await request.get(`/api/registry/subject?name=${encodeURIComponent(owner)}`)).json();
	const mine = exported.parcels.find((p: { parcel: string }) => p.parcel === PARCEL);
	const nid = mine.items.find((i: { path: string }) => i.path === 'nationalIds.p1');
	expect(typeof nid.value).toBe('string');
	expect(nid.entries.length).toBeGreaterThan(0);
	// Each item comes with the entries that wrote it, provably in the log.
	const key = parseVerifierKey(exported.verifierKey);
	if (!key.ok) throw new Error(key.message);
	const cp = await openCheckpoint(exported.checkpoint, key.value, nobleVerifier);
	if (!cp.ok) throw new Error(cp.message);
	for (const i of nid.entries) {
		const { entry, inclusionProof } = exported.entries[i];
		expect(verifyInclusion(leafHash(fromBase64(entry)), i, exported.treeSize, inclusionProof.map(fromBase64), cp.value.checkpoint.root)).toEqual({ ok: true });
	}
	const secret = nid.value as string;

	const reg = demoKey('registrar');
	const cli = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'erase', '--server', baseURL!, '--key', reg.path, '--parcel', PARCEL, '--field', 'nationalIds.p1', '--reason', 'Data subject request 2026-42', '--basis', 'GDPR Art. 17(1)(a)'], { encoding: 'utf8' });
	expect(cli.status, cli.stderr + cli.stdout).toBe(0);
	expect(cli.stdout).toMatch(/erasure of \d+ private change\(s\): accepted/);
	expect(cli.stdout).toMatch(/fresh private document without nationalIds\.p1: accepted/);

	// The old private bodies are gone (410), the new one holds no national id.
	const { entries } = await (await request.get(`/api/parcels/${PARCEL}/entries`)).json();
	const erasure = entries.find((e: { kind: string }) => e.kind === 'erase');
	expect(erasure).toMatchObject({ reason: 'Data subject request 2026-42', legalBasis: 'GDPR Art. 17(1)(a)' });
	for (const h of erasure.changeHashes) expect((await request.get(`/api/changes/${h}`)).status()).toBe(410);
	const after = await (await request.get(`/api/registry/subject?name=${encodeURIComponent(owner)}`)).json();
	expect(JSON.stringify(after)).not.toContain(secret);
	await request.delete('/api/session');

	// Public history: the erased rows say what happened; never what was there.
	const page = await (await request.get(`/parcels/${PARCEL}`)).text();
	expect(page).toContain('Erased on');
	expect(page).toContain('Data subject request 2026-42');
	expect(page).not.toContain(secret);

	// The bytes are gone from the SQLite files, and the whole log still audits clean.
	for (const file of ['ledger.db', 'ledger.db-wal']) {
		const path = join(E2E_DATA_DIR, file);
		if (existsSync(path)) expect(readFileSync(path).includes(Buffer.from(secret)), file).toBe(false);
	}
	const verify = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'verify', baseURL!], { encoding: 'utf8' });
	expect(verify.status, verify.stdout).toBe(0);
	expect(verify.stdout).toMatch(/audit passed/);
});
