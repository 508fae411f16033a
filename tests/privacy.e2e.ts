// Not a byte of the private part reaches the public: regenerate the demo county's private values
// with the same deterministic generator and parcel count the e2e server used, then scan every
// public page and endpoint (and every public change body, decoded) for them.
import { expect, test } from '@playwright/test';
import * as Automerge from '@automerge/automerge';
import { generateCounty } from '../src/lib/server/demo/generate';
import { signInStatement } from '../src/lib/server/sessions';
import { demoKey } from './support/demo';

const perDistrict = Math.ceil(Number(process.env.E2E_PARCELS ?? '300') / 3);

/** Every private value of the demo county, and the seeded private edit's phone number. */
function privateValues(): string[] {
	const values = new Set<string>(['+44 1632 960999']);
	for (const p of generateCounty({ parcelsPerDistrict: perDistrict })) {
		for (const c of Object.values(p.private.contacts)) for (const v of Object.values(c)) if (v) values.add(v);
		for (const id of Object.values(p.private.nationalIds)) values.add(id);
		if (p.private.internalNotes) values.add(p.private.internalNotes);
	}
	return [...values];
}

// Each private value contains one of these, so text without any of them holds none of the values.
const MARKERS = [/1632 96/, /\+44\s*1632/, /@example\.org/i, /DEMO-NID/i, /DEMO internal note/i];

const values = privateValues();
const byParcel = new Map<string, string[]>();
for (const v of values) {
	const id = /(RIV|NORTH|EAST)-\d{6}/i.exec(v)?.[0].toUpperCase();
	if (id) byParcel.set(id, [...(byParcel.get(id) ?? []), v]);
}

// Findings are collected and asserted once per phase: thousands of expect() calls would each be
// recorded as a test step, which makes the run slower and slower.
let scanned = 0;
const problems: string[] = [];
function assertClean(where: string, text: string, exact: string[] = []): void {
	scanned++;
	for (const m of MARKERS) if (m.test(text)) problems.push(`${where} contains ${m}`);
	for (const v of exact) if (text.includes(v)) problems.push(`${where} contains ${v}`);
}
const check = (ok: boolean, problem: string) => {
	if (!ok) problems.push(problem);
};
const noProblems = (phase: string) => expect(problems, `after ${phase}`).toEqual([]);

// Plain fetch, with no cookie jar: exactly what an anonymous reader gets (and far quicker in bulk
// than going through the browser driver).
let base = '';
async function fetchPath(path: string): Promise<Response> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await fetch(new URL(path, base));
		} catch (e) {
			// A keep-alive socket the server closed just as it was reused; GETs are safe to repeat.
			if (attempt === 3) throw e;
		}
	}
}
async function get(path: string, expected = 200): Promise<Buffer> {
	const res = await fetchPath(path);
	check(res.status === expected, `${path} answered ${res.status}, not ${expected}`);
	return Buffer.from(await res.arrayBuffer());
}

/** The text of a change's operations: Automerge may compress a change's columns, so scan what it decodes to. */
const changeText = (body: Uint8Array): string => JSON.stringify(Automerge.decodeChange(body).ops);

async function inBatches<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
	for (let i = 0; i < items.length; i += n) await Promise.all(items.slice(i, i + n).map(f));
}

test.describe.configure({ timeout: 600_000 });

test('the generator gives what the scan looks for', () => {
	expect(values.length).toBeGreaterThan(perDistrict * 3 * 3);
	expect(values.some((v) => v.startsWith('DEMO internal note'))).toBe(true);
	expect(values.filter((v) => !MARKERS.some((m) => m.test(v)))).toEqual([]);
	expect(byParcel.size).toBe(perDistrict * 3);
});

test('no public page or endpoint contains a private value of the demo county', async ({ baseURL }) => {
	base = baseURL!;
	const t0 = Date.now();
	const mark = (what: string) => console.log(`[privacy] ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	const ids = [...byParcel.keys()].sort();
	const text = (b: Buffer) => b.toString('utf8');

	for (const path of ['/', '/parcels', '/verify', '/field', '/registry', '/api/keys', '/log/checkpoint', '/log/key', '/ogc', '/ogc/collections', '/ogc/collections/parcels']) {
		assertClean(path, text(await get(path)));
	}

	mark('fixed pages');
	noProblems('fixed pages');
	// Searches, including for owners' names and for private values themselves (which must find nothing).
	const owners = new Set<string>();
	for (const p of generateCounty({ parcelsPerDistrict: perDistrict })) owners.add(p.title.parties.p1.name);
	const queries = ['mill', 'RIV', 'station road', ...[...owners].slice(0, 12), ...[...owners].slice(0, 6).map((o) => o.split(' ')[0])];
	for (const q of queries) {
		assertClean(`/parcels?q=${q}`, text(await get(`/parcels?q=${encodeURIComponent(q)}`)));
		assertClean(`/api/parcels?q=${q}`, text(await get(`/api/parcels?q=${encodeURIComponent(q)}&size=100`)));
	}
	for (const secret of [values.find((v) => v.includes('@'))!, values.find((v) => v.startsWith('DEMO-NID'))!, '1632', 'internal note']) {
		const found = await (await fetchPath(`/api/parcels?q=${encodeURIComponent(secret)}`)).json();
		check(found.total === 0, `searching ${secret} found ${found.total} parcels`);
	}
	for (let page = 1; page <= Math.ceil((perDistrict * 3) / 100); page++) {
		assertClean(`/api/parcels page ${page}`, text(await get(`/api/parcels?size=100&page=${page}`)));
	}
	// The OGC API – Features view of the same projection, every item.
	for (let next: string | null = '/ogc/collections/parcels/items?limit=500'; next; ) {
		const items = JSON.parse(text(await get(next)));
		assertClean(next, JSON.stringify(items));
		const link = (items.links as { rel: string; href: string }[] | undefined)?.find((l) => l.rel === 'next');
		next = link ? new URL(link.href, base).pathname + new URL(link.href, base).search : null;
	}

	mark('searches');
	noProblems('searches');
	// Every parcel: its page, record, history and extract; and every change an extract carries, decoded.
	const publicChanges = new Set<string>();
	const privateChanges = new Map<string, string>();
	let done = 0;
	await inBatches(ids, 6, async (id) => {
		if (++done % 100 === 0) mark(`${done} parcels`);
		const own = byParcel.get(id) ?? [];
		assertClean(`/parcels/${id}`, text(await get(`/parcels/${id}`)), own);
		assertClean(`/api/parcels/${id}`, text(await get(`/api/parcels/${id}`)), own);
		assertClean(`/api/parcels/${id}/history`, text(await get(`/api/parcels/${id}/history`)), own);
		const entriesText = text(await get(`/api/parcels/${id}/entries`));
		assertClean(`/api/parcels/${id}/entries`, entriesText, own);
		const extract = JSON.parse(text(await get(`/api/parcels/${id}/extract`)));
		assertClean(`/api/parcels/${id}/extract`, JSON.stringify(extract), own);
		const { entries } = JSON.parse(entriesText);
		for (const e of entries as { kind: string; part: string; changeHash: string }[]) {
			if (e.kind !== 'edit') continue; // erasures name changes, they carry none
			if (e.part === 'private') privateChanges.set(e.changeHash, id);
			else publicChanges.add(e.changeHash);
		}
		for (const [hash, body] of Object.entries(extract.changes as Record<string, string>)) {
			check(!privateChanges.has(hash), `${id} extract carries private change ${hash}`);
			assertClean(`${id} extract change ${hash}`, changeText(Buffer.from(body, 'base64')), own);
		}
	});
	expect(privateChanges.size).toBeGreaterThanOrEqual(ids.length);

	mark('parcels');
	noProblems('parcels');
	// Change bodies: every public one is served and clean; every private one is refused.
	await inBatches([...publicChanges], 8, async (hash) => {
		assertClean(`/api/changes/${hash}`, changeText(new Uint8Array(await get(`/api/changes/${hash}`))));
	});
	await inBatches([...privateChanges.keys()], 8, async (hash) => {
		const res = await fetchPath(`/api/changes/${hash}`);
		check(res.status === 403, `private change ${hash} answered ${res.status}`);
		assertClean(`/api/changes/${hash} (refused)`, await res.text());
	});

	mark('changes');
	noProblems('changes');
	// The log itself: entries (hashes, never values), tiles and entry bundles.
	const size = Number((await (await fetchPath('/log/checkpoint')).text()).split('\n')[1]);
	for (let start = 0; start < size; start += 1000) {
		assertClean(`/api/log/entries ${start}`, text(await get(`/api/log/entries?start=${start}&end=${Math.min(size, start + 1000)}`)));
	}
	for (let n = 0; n * 256 < size; n++) {
		const width = Math.min(256, size - n * 256);
		const suffix = width === 256 ? `${String(n).padStart(3, '0')}` : `${String(n).padStart(3, '0')}.p/${width}`;
		if (n >= 1000) break; // tile paths need x-groups beyond this; the demo log is far smaller
		assertClean(`/log/tile/entries/${suffix}`, (await get(`/log/tile/entries/${suffix}`)).toString('latin1'));
		assertClean(`/log/tile/0/${suffix}`, (await get(`/log/tile/0/${suffix}`)).toString('latin1'));
	}

	mark('log');
	noProblems('log');
	// Sync without a session: public bodies only, private ones listed as withheld.
	for (const district of ['RIV', 'NORTH', 'EAST']) {
		for (let since: number | null = 0; since !== null; ) {
			const body = JSON.parse(text(await get(`/api/sync?districts=${district}&since=${since}&limit=2000`)));
			assertClean(`/api/sync ${district} ${since}`, JSON.stringify({ ...body, changes: undefined }));
			for (const [hash, b64] of Object.entries(body.changes as Record<string, string>)) {
				check(!privateChanges.has(hash), `sync served private change ${hash}`);
				assertClean(`/api/sync change ${hash}`, changeText(Buffer.from(b64, 'base64')));
			}
			for (const hash of body.withheld as string[]) check(!publicChanges.has(hash), `sync withheld public change ${hash}`);
			since = body.next;
		}
	}
	mark('sync');
	noProblems('sync');
	expect(scanned).toBeGreaterThan(ids.length * 5);
});

test('control: the same scan does see private values where staff may read them', async ({ request }) => {
	const { entries } = await (await request.get('/api/parcels/RIV-000002/entries')).json();
	const priv = entries.findLast((e: { kind: string; part: string }) => e.kind === 'edit' && e.part === 'private');
	const reg = demoKey('registrar');
	const { nonce } = await (await request.post('/api/session/nonce')).json();
	const origin = (await (await request.get('/log/key')).text()).trim().split('+')[0];
	const signature = Buffer.from(await reg.signer.sign(signInStatement(origin, nonce))).toString('base64');
	expect((await request.post('/api/session', { data: { publicKey: reg.publicKey, nonce, signature } })).status()).toBe(200);
	try {
		const res = await request.get(`/api/changes/${priv.changeHash}`);
		expect(res.status()).toBe(200);
		const before = problems.length;
		assertClean('a private change read by a signed-in registrar', changeText(new Uint8Array(await res.body())), byParcel.get('RIV-000002'));
		expect(problems.length).toBeGreaterThan(before);
		problems.length = before;
	} finally {
		await request.delete('/api/session');
	}
});
