// The log's HTTP API against the real build and a real SQLite demo county.
import { expect, test } from '@playwright/test';
import { fromBase64, utf8 } from '../src/lib/core/bytes';
import { openCheckpoint } from '../src/lib/core/log/checkpoint';
import { parseVerifierKey } from '../src/lib/core/log/note';
import { verifyInclusion, verifyConsistency } from '../src/lib/core/log/proof';
import { leafHash } from '../src/lib/core/log/hashing';
import { decodeEntryBundle, checkEntryBundle } from '../src/lib/core/log/entry-bundle';
import { nobleVerifier } from '../src/lib/core/signing/ed25519';
import { decodeEntry } from '../src/lib/core/log/entry';
import { applyEntries, indexedEntry, districtPrefix, hashOfLeaves, leafKey, leavesUnder, mapRootOf, parcelPrefix, ParcelMap, rootFromPath, verifyMapProof } from '../src/lib/core/map';
import { signInStatement } from '../src/lib/server/sessions';
import { demoKey } from './support/demo';
import { signedEdit } from './support/edits';

async function checkpoint(request: import('@playwright/test').APIRequestContext) {
	const key = parseVerifierKey((await (await request.get('/log/key')).text()).trim());
	if (!key.ok) throw new Error(key.message);
	const note = await (await request.get('/log/checkpoint')).text();
	const opened = await openCheckpoint(note, key.value, nobleVerifier);
	if (!opened.ok) throw new Error(opened.message);
	return opened.value.checkpoint;
}

test.describe('log API', () => {
	test('an accepted edit is durable, proven, and returned again on resubmission', async ({ request }) => {
		const ava = demoKey('assessor-ava');
		const before = await checkpoint(request);
		const edit = await signedEdit(request, ava.signer, 'RIV-000005', 'parcel', { notes: 'Checked from the API test.' });
		const res = await request.post('/api/edits', { data: { edits: [edit] } });
		expect(res.status()).toBe(200);
		const body = await res.json();
		const [r] = body.results;
		expect(r.status).toBe('accepted');
		const after = await checkpoint(request);
		expect(after.size).toBeGreaterThan(before.size);
		const [entry] = (await (await request.get(`/api/log/entries?start=${r.index}&end=${r.index + 1}`)).json()).entries;
		const proof = r.inclusionProof;
		const logKey = parseVerifierKey((await (await request.get('/log/key')).text()).trim());
		if (!logKey.ok) throw new Error(logKey.message);
		const cpAtAck = await openCheckpoint(body.checkpoint, logKey.value, nobleVerifier);
		expect(cpAtAck.ok).toBe(true);
		const root = cpAtAck.ok ? cpAtAck.value.checkpoint.root : new Uint8Array();
		expect(verifyInclusion(leafHash(fromBase64(entry.entry)), r.index, proof.treeSize, proof.hashes.map(fromBase64), root)).toEqual({ ok: true });
		// The log only grew: consistency from before to after.
		const cons = await (await request.get(`/api/log/proof/consistency?first=${before.size}&second=${after.size}`)).json();
		expect(verifyConsistency(before.size, after.size, before.root, after.root, cons.hashes.map(fromBase64))).toEqual({ ok: true });

		const again = await request.post('/api/edits', { data: { edits: [edit] } });
		expect(again.status()).toBe(200);
		const [r2] = (await again.json()).results;
		expect(r2).toMatchObject({ status: 'accepted', index: r.index, duplicate: true });
		expect((await checkpoint(request)).size).toBe(after.size);
	});

	test('bad input gets a 4xx JSON error naming the problem and changes nothing', async ({ request }) => {
		const size = (await checkpoint(request)).size;
		const cases: [() => Promise<import('@playwright/test').APIResponse>, number, RegExp][] = [
			[() => request.post('/api/edits', { headers: { 'content-type': 'application/xml' }, data: Buffer.from('<edits/>') }), 415, /application\/json/],
			[() => request.post('/api/edits', { headers: { 'content-type': 'application/json' }, data: Buffer.from('{"edits": [') }), 400, /not JSON/],
			[() => request.post('/api/edits', { data: { edits: [] } }), 400, /at least one/],
			[() => request.post('/api/edits', { data: { edits: [{ parcel: 'RIV-1' }] } }), 400, /edits\.0\./],
			[() => request.post('/api/edits', { data: { edits: [{}], extra: 1 } }), 400, /extra|Invalid key/i],
			[() => request.post('/api/edits', { headers: { 'content-type': 'application/json' }, data: Buffer.from('['.repeat(5000)) }), 400, /not JSON|edits/],
			[() => request.post('/api/edits', { headers: { 'content-type': 'application/json' }, data: Buffer.alloc(33 * 1024 * 1024, 120) }), 413, /above/],
			[() => request.get('/api/log/proof/inclusion?index=-1'), 400, /index/],
			[() => request.get(`/api/log/proof/inclusion?index=${size + 5}&size=${size}`), 400, /index/],
			[() => request.get('/log/tile/0/0001.p/0'), 400, /./],
			[() => request.get('/log/tile/0/999'), 404, /does not exist/],
			[() => request.get('/api/changes/nothex'), 400, /SHA-256/]
		];
		for (const [call, status, message] of cases) {
			const res = await call();
			expect(res.status(), await res.text()).toBe(status);
			const body = await res.json();
			expect(body.error.message).toMatch(message);
			expect(typeof body.error.code).toBe('string');
		}
		expect((await checkpoint(request)).size).toBe(size);
	});

	test('per-item refusals: registrar-only part, unknown key, mixed batch', async ({ request }) => {
		const ava = demoKey('assessor-ava');
		const size = (await checkpoint(request)).size;
		const title = await signedEdit(request, ava.signer, 'RIV-000006', 'title', { 'parties.p1.name': 'Mallory' });
		const refused = await request.post('/api/edits', { data: { edits: [title] } });
		expect(refused.status()).toBe(403);
		const body = await refused.json();
		expect(body.results[0]).toMatchObject({ status: 'refused', code: 'part-not-allowed' });
		expect(body.error.message).toMatch(/registrars/);
		expect((await checkpoint(request)).size).toBe(size);

		const good = await signedEdit(request, ava.signer, 'RIV-000006', 'parcel', { notes: 'Mixed batch, good half.' });
		const mixed = await request.post('/api/edits', { data: { edits: [good, title] } });
		expect(mixed.status()).toBe(207);
		const m = await mixed.json();
		expect(m.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'refused']);
		expect((await checkpoint(request)).size).toBe(size + 1);

		const cy = demoKey('assessor-cy'); // revoked in the demo history
		const revoked = await signedEdit(request, cy.signer, 'EAST-000004', 'parcel', { notes: 'After revocation' });
		const rr = await request.post('/api/edits', { data: { edits: [revoked] } });
		expect(rr.status()).toBe(403);
		expect((await rr.json()).results[0]).toMatchObject({ code: 'revoked-key' });
	});

	test('tiles and entry bundles hash to the signed checkpoint', async ({ request }) => {
		const cp = await checkpoint(request);
		const width = Math.min(256, cp.size);
		const full = cp.size >= 256;
		const tile = new Uint8Array(await (await request.get(full ? '/log/tile/0/000' : `/log/tile/0/000.p/${width}`)).body());
		const bundleRes = await request.get(full ? '/log/tile/entries/000' : `/log/tile/entries/000.p/${width}`);
		expect(bundleRes.headers()['cache-control']).toContain(full ? 'immutable' : 'max-age=60');
		const entries = decodeEntryBundle(new Uint8Array(await bundleRes.body()), width);
		expect(entries.ok).toBe(true);
		if (entries.ok) expect(checkEntryBundle(entries.value, tile)).toEqual({ ok: true });
	});

	test('a full tile made once is answered before SvelteKit with the same bytes and headers', async ({ request }) => {
		expect((await checkpoint(request)).size).toBeGreaterThanOrEqual(256); // the e2e demo county
		const headersOf = (h: Record<string, string>) => {
			const { date: _d, 'content-length': _l, 'transfer-encoding': _t, ...rest } = h;
			return rest;
		};
		// An escaped path is never answered before SvelteKit (scripts/serve.mjs matches canonical paths).
		for (const [path, escaped] of [
			['/log/tile/0/000', '/log/tile/0/%30%30%30'],
			['/log/tile/entries/000', '/log/tile/entries/%30%30%30']
		]) {
			const routed = await request.get(escaped);
			await request.get(path); // made by now, if no test asked for it before
			const early = await request.get(path);
			expect([routed.status(), early.status()]).toEqual([200, 200]);
			expect(Buffer.compare(await early.body(), await routed.body())).toBe(0);
			expect(headersOf(early.headers())).toEqual(headersOf(routed.headers()));
			expect(early.headers()['content-length']).toBe(String((await routed.body()).length));
			const head = await request.head(path);
			expect([head.status(), head.headers()['content-length']]).toEqual([200, early.headers()['content-length']]);
			const post = await request.post(path, { data: {} });
			expect(post.status()).toBe(405);
			expect((await post.json()).error.code).toBe('method-not-allowed');
		}
	});

	test('parcel map: /api/map, /api/map/path, snapshot pages and sync answers verify against the checkpoint each comes with', async ({ request }) => {
		const key = parseVerifierKey((await (await request.get('/log/key')).text()).trim());
		if (!key.ok) throw new Error(key.message);
		const open = async (note: string) => {
			const o = await openCheckpoint(note, key.value, nobleVerifier);
			if (!o.ok) throw new Error(o.message);
			const root = mapRootOf(o.value.checkpoint);
			if (!root.ok) throw new Error(root.message);
			return { size: o.value.checkpoint.size, mapRoot: root.value };
		};
		const getJson = async (path: string) => {
			const res = await request.get(path);
			expect(res.status(), path).toBe(200);
			return res.json();
		};
		// A proof of three parcels (one with no entry) at the head.
		const m = await getJson('/api/map?parcels=RIV-000001,RIV-000002,RIV-999999');
		const at = await open(m.checkpoint);
		expect(at.size).toBe(m.size);
		const v = verifyMapProof(fromBase64(m.proof), at.mapRoot);
		if (!v.ok) throw new Error(v.message);
		const one = leavesUnder(v.value, parcelPrefix('RIV-000001'));
		expect(one.ok && one.value.map((l) => l.part)).toContain('parcel');
		expect(leavesUnder(v.value, parcelPrefix('RIV-999999'))).toEqual({ ok: true, value: [] });
		// A district's leaves (from a district proof) and its path lead to the same map root.
		const d = await getJson('/api/map?district=NORTH');
		const p = await getJson('/api/map/path?district=NORTH');
		if (d.size === p.size) {
			const vd = verifyMapProof(fromBase64(d.proof), (await open(d.checkpoint)).mapRoot);
			const leaves = vd.ok ? leavesUnder(vd.value, districtPrefix('NORTH')) : null;
			if (!leaves?.ok) throw new Error('district proof');
			const path = p.path.map((x: { bit: number; hash: string }) => ({ bit: x.bit, hash: fromBase64(x.hash) }));
			expect(rootFromPath(districtPrefix('NORTH'), hashOfLeaves(leaves.value), path)).toEqual({ ok: true, value: (await open(p.checkpoint)).mapRoot });
		}
		expect((await getJson('/api/map/path?district=ZZZ')).path).toBeNull();
		// A snapshot page: its checkpoint is of its size, and its proof covers every parcel it lists.
		const page = await getJson('/api/snapshot?district=RIV&limit=40');
		const pc = await open(page.checkpoint);
		expect(pc.size).toBe(page.size);
		const vp = verifyMapProof(fromBase64(page.mapProof), pc.mapRoot);
		if (!vp.ok) throw new Error(vp.message);
		const ids: string[] = page.parcels.map((x: { row: { id: string } }) => x.row.id);
		const lastLeaves = leavesUnder(vp.value, parcelPrefix(ids.at(-1)!));
		if (!lastLeaves.ok) throw new Error(lastLeaves.message);
		const covered = leavesUnder(vp.value, districtPrefix('RIV'), { through: leafKey(lastLeaves.value.at(-1)!) });
		if (!covered.ok) throw new Error(covered.message);
		expect(new Set(covered.value.map((l) => l.parcel)).size).toBeGreaterThan(0);
		for (const l of covered.value) expect(ids).toContain(l.parcel);
		// Sync: every entry of NORTH below the last answer's treeSize gives leaves that, with its path, make its map root.
		const entries: { index: number; entry: string }[] = [];
		let since = 0;
		let last;
		do {
			last = await getJson(`/api/sync?districts=NORTH,ZZZ&since=${since}&limit=2000`);
			entries.push(...last.entries);
			since = last.next ?? since;
		} while (last.next !== null);
		const sc = await open(last.checkpoint);
		expect(sc.size).toBe(last.treeSize);
		const device = applyEntries(ParcelMap.empty, entries.filter((e) => e.index < last.treeSize).map((e) => indexedEntry(e.index, fromBase64(e.entry))));
		const path = last.mapPaths.NORTH.map((x: { bit: number; hash: string }) => ({ bit: x.bit, hash: fromBase64(x.hash) }));
		expect(rootFromPath(districtPrefix('NORTH'), hashOfLeaves(device.leavesUnder(districtPrefix('NORTH'))), path)).toEqual({ ok: true, value: sc.mapRoot });
		expect(last.mapPaths.ZZZ).toBeNull();
		// Bad input: 400 with a JSON error.
		const many = Array.from({ length: 1001 }, (_, i) => `RIV-${i}`).join(',');
		for (const path of ['/api/map', '/api/map?parcels=riv-1', '/api/map?parcels=RIV-1,', `/api/map?parcels=${many}`, '/api/map?district=R', '/api/map?district=RIV&parcels=RIV-1', '/api/map/path', '/api/map/path?district=riv']) {
			const res = await request.get(path);
			expect(res.status(), path).toBe(400);
			expect((await res.json()).error.code, path).toBe('bad-request');
		}
	});

	test('private change bodies only for a signed-in editor of the district', async ({ request }) => {
		const { entries } = await (await request.get('/api/parcels/RIV-000002/entries')).json();
		const priv = entries.find((e: { part?: string }) => e.part === 'private');
		const pub = entries.find((e: { part?: string }) => e.part === 'parcel');
		expect((await request.get(`/api/changes/${pub.changeHash}`)).status()).toBe(200);
		const denied = await request.get(`/api/changes/${priv.changeHash}`);
		expect(denied.status()).toBe(403);
		expect((await denied.json()).error.code).toBe('forbidden');

		const reg = demoKey('registrar');
		const { nonce } = await (await request.post('/api/session/nonce')).json();
		const origin = (await (await request.get('/log/key')).text()).trim().split('+')[0];
		const signature = Buffer.from(await reg.signer.sign(signInStatement(origin, nonce))).toString('base64');
		const bad = await request.post('/api/session', { data: { publicKey: reg.publicKey, nonce, signature: Buffer.from(new Uint8Array(64)).toString('base64') } });
		expect(bad.status()).toBe(403);
		const ok = await request.post('/api/session', { data: { publicKey: reg.publicKey, nonce, signature } });
		expect(ok.status()).toBe(200);
		expect(ok.headers()['set-cookie']).toMatch(/HttpOnly/i);
		expect(ok.headers()['set-cookie']).toMatch(/SameSite=Strict/i);
		const allowed = await request.get(`/api/changes/${priv.changeHash}`);
		expect(allowed.status()).toBe(200);
		expect((await allowed.body()).length).toBeGreaterThan(50);
		await request.delete('/api/session');
		expect((await request.get(`/api/changes/${priv.changeHash}`)).status()).toBe(403);
		expect(utf8('x').length).toBe(1);
	});
});
