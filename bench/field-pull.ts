// bench/field-pull: a tablet pulls and applies 10,000 new edits of its district (verify every
// signature and change hash, replay authorization, apply per document in one Automerge call, write
// in bulk) in headless Chromium against the real server, beside the raw WebCrypto Ed25519 verify
// rate of the same browser in the same run.
//   node --import tsx bench/field-pull.ts [--edits N]
import { chromium } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fromHex } from '../src/lib/core/bytes';
import { makeActor } from '../src/lib/core/crdt/actors';
import { loadPartDoc } from '../src/lib/core/crdt/document';
import { editPart } from '../src/lib/core/crdt/edit';
import { editToWire, signEdit } from '../src/lib/core/signing/submit';
import { nodeSigner } from '../src/lib/server/ed25519';
import { downloadDistrict, importKey, seedDemo, TestServer } from '../tests/support/field';
import type { BenchRow } from './table';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function makeEdits(base: string, dataDir: string, total: number) {
	const key = JSON.parse(readFileSync(join(dataDir, 'demo', 'assessor-bo.json'), 'utf8'));
	const signer = nodeSigner(fromHex(key.secretKey));
	const origin = (await (await fetch(`${base}/log/key`)).text()).trim().split('+')[0];
	const actor = makeActor(signer.publicKey, randomBytes(8));
	const { rows } = (await (await fetch(`${base}/api/parcels?district=RIV&size=500`)).json().catch(() => ({ rows: [] }))) as { rows?: { id: string }[] };
	const ids = rows?.length ? rows.map((r) => r.id) : Array.from({ length: 300 }, (_, i) => `RIV-${String(i + 1).padStart(6, '0')}`);
	const perParcel = Math.ceil(total / ids.length);
	const wires = [];
	for (const id of ids) {
		const { entries } = (await (await fetch(`${base}/api/parcels/${id}/entries`)).json()) as { entries: { kind: string; part?: string; changeHash?: string }[] };
		const bodies = [];
		for (const e of entries.filter((e) => e.kind === 'edit' && e.part === 'parcel')) bodies.push(new Uint8Array(await (await fetch(`${base}/api/changes/${e.changeHash}`)).arrayBuffer()));
		const loaded = loadPartDoc(bodies, { actor });
		if (!loaded.ok) throw new Error(loaded.message);
		let doc = loaded.doc;
		for (let k = 0; k < perParcel && wires.length < total; k++) {
			const r = editPart(doc, 'parcel', { notes: `Pull bench visit ${k}` }, { actor, time: Math.floor(Date.now() / 1000) });
			if (!r.ok || !r.change) throw new Error(r.ok ? 'no change' : r.message);
			doc = r.doc;
			wires.push(editToWire(await signEdit({ origin, signer, parcelId: id, part: 'parcel', change: r.change, claimedTime: Date.now() })));
		}
	}
	for (let i = 0; i < wires.length; i += 1000) {
		const res = await fetch(`${base}/api/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits: wires.slice(i, i + 1000) }) });
		if (res.status !== 200) throw new Error(`edits refused: ${res.status} ${(await res.text()).slice(0, 300)}`);
	}
	return wires.length;
}

export async function benchFieldPull(o: { edits: number; port?: number }): Promise<BenchRow[]> {
	const dataDir = seedDemo(900);
	const server = new TestServer(o.port ?? 4595, dataDir);
	await server.start();
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
	try {
		const context = await browser.newContext({ baseURL: server.url });
		const page = await context.newPage();
		await importKey(page, join(dataDir, 'demo', 'assessor-ava.json'));
		await downloadDistrict(page, 'RIV');
		const made = await makeEdits(server.url, dataDir, o.edits);

		await page.goto('/field/outbox');
		const cdp = process.env.PULL_PROFILE ? await context.newCDPSession(page) : null;
		if (cdp) {
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.start');
		}
		const t = Date.now();
		await page.getByRole('button', { name: 'Sync now' }).click();
		await page.getByTestId('sync-outcome').getByText(/Synced: .* log entries pulled/).waitFor({ timeout: 600_000 });
		const outcome = await page.getByTestId('sync-outcome').textContent();
		if (!/Synced: 0 edit\(s\) accepted and verified, 0 refused, \d+ log entries pulled/.test(outcome ?? '')) throw new Error(`unexpected sync outcome: ${outcome}`);
		const seconds = (Date.now() - t) / 1000;
		if (cdp) writeFileSync(process.env.PULL_PROFILE!, JSON.stringify((await cdp.send('Profiler.stop')).profile));

		// The same browser's raw WebCrypto Ed25519 verify rate, for scale.
		const raw = await page.evaluate(async (n) => {
			const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
			const msg = new Uint8Array(150);
			const sig = await crypto.subtle.sign('Ed25519', pair.privateKey, msg);
			const start = performance.now();
			for (let i = 0; i < n; i += 500) await Promise.all(Array.from({ length: 500 }, () => crypto.subtle.verify('Ed25519', pair.publicKey, sig, msg)));
			return n / ((performance.now() - start) / 1000);
		}, 10_000);
		const rate = made / seconds;
		return [{ name: `tablet pull and apply of ${made.toLocaleString('en')} edits (sync, verified)`, value: rate, unit: 'edits/s', limit: { value: raw, unit: '/s', what: 'raw WebCrypto Ed25519 verify, same browser' }, ratio: rate / raw }];
	} finally {
		await browser.close();
		await server.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({ options: { edits: { type: 'string' }, json: { type: 'string' } } });
	const rows = await benchFieldPull({ edits: Number(values.edits ?? 10_000) });
	console.log(rows);
	if (values.json) writeFileSync(values.json, JSON.stringify(rows));
}
