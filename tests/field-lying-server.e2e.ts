// Issue #16, malicious-server tests for devices: a proxy over the real server (tests/support/
// lying-proxy.ts) lies in each way it can, and a tablet in real Chromium catches each one against
// the log's parcel map — drops a change from a snapshot part, serves an old head, adds a signed
// change the log refused, hides a later entry from sync, skips an entry in a sync page, serves a
// map root the log does not give, and forks its checkpoint between two devices.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { join } from 'node:path';
import { concat, fromBase64, toBase64, utf8 } from '../src/lib/core/bytes';
import { splitChanges } from '../src/lib/core/crdt/change-chunks';
import { sha256 } from '../src/lib/core/hash';
import { parseCheckpoint, signCheckpoint } from '../src/lib/core/log/checkpoint';
import { mapLine } from '../src/lib/core/map/log-map';
import { readLogKeyFile } from '../src/lib/server/log-identity';
import { demoKey } from './support/demo';
import { signedEdit } from './support/edits';
import { copyDemoData, importKey, FORK_PARCELS, HONEST_PARCELS, seedDemo, TestServer } from './support/field';
import { LyingProxy, rewriteJson, type Lie } from './support/lying-proxy';

test.describe.configure({ mode: 'serial' });

const DISTRICT = 'RIV';
let port = 4460;

/** A real server on a copy of the demo log, and a lying proxy in front of it. */
async function rig(dataDir?: string) {
	const server = new TestServer(port++, dataDir ?? (await copyDemoData()));
	await server.start();
	const proxy = new LyingProxy(port++, server.url);
	await proxy.start();
	return { server, proxy, stop: async () => (await proxy.stop(), await server.stop()) };
}

async function device(browser: Browser, proxy: LyingProxy): Promise<Page> {
	const context = await browser.newContext({ baseURL: proxy.url, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	// Small pages: the download is several pages, each with its own proof.
	await page.addInitScript(() => localStorage.setItem('parcel-ledger-snapshot-page', '60'));
	await importKey(page, demoKey('assessor-ava').path);
	return page;
}

async function startDownload(page: Page): Promise<void> {
	await page.goto('/field/districts');
	await page.getByRole('button', { name: `Download district ${DISTRICT}` }).click();
}

async function downloaded(page: Page): Promise<void> {
	await startDownload(page);
	await expect(page.getByRole('row', { name: new RegExp(`^${DISTRICT}\\b`) }).getByText('Ready')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId(`district-verified-${DISTRICT}`)).toContainText('the district matches it at', { timeout: 60_000 });
}

const alarm = (page: Page, kind: string) => page.locator(`[role="alert"][data-alarm-kind="${kind}"]`);

/** A parcel of the district whose `parcel` part has at least two edits, from the honest server. */
async function parcelWithHistory(upstream: string): Promise<string> {
	for (let n = 1; n < 60; n++) {
		const id = `${DISTRICT}-${String(n).padStart(6, '0')}`;
		const { entries } = await (await fetch(`${upstream}/api/parcels/${id}/entries`)).json();
		if (entries.filter((e: { part?: string }) => e.part === 'parcel').length >= 2) return id;
	}
	throw new Error('no parcel with history in the demo district');
}

/** Rewrites one part of one parcel wherever a snapshot page carries it. */
const snapshotPart = (parcel: string, edit: (changes: Uint8Array[]) => Uint8Array[]): Lie =>
	rewriteJson('/api/snapshot', (page) => {
		const p = page.parcels?.find((x: { row: { id: string } }) => x.row?.id === parcel);
		if (!p?.parts?.parcel) return undefined;
		const split = splitChanges(fromBase64(p.parts.parcel));
		if (!split.ok) throw new Error(split.message);
		p.parts.parcel = toBase64(concat(...edit(split.changes)));
		return page;
	});

async function expectRefusedDownload(page: Page, parcel: string): Promise<void> {
	await startDownload(page);
	const a = alarm(page, 'bad-snapshot');
	await expect(a).toBeVisible({ timeout: 60_000 });
	await expect(a.getByTestId('alarm-parcel')).toHaveText(parcel);
	await expect(page.getByRole('row', { name: new RegExp(`^${DISTRICT}\\b`) }).getByText('Ready')).toHaveCount(0);
}

test('a snapshot part with a change left out is refused, naming the parcel', async ({ browser }) => {
	const r = await rig();
	try {
		const parcel = await parcelWithHistory(r.server.url);
		r.proxy.lie = snapshotPart(parcel, (cs) => cs.slice(1));
		await expectRefusedDownload(await device(browser, r.proxy), parcel);
		expect(r.proxy.lied.length).toBeGreaterThan(0);
	} finally {
		await r.stop();
	}
});

test('a snapshot part at an old head (its last change held back) is refused', async ({ browser }) => {
	const r = await rig();
	try {
		const parcel = await parcelWithHistory(r.server.url);
		r.proxy.lie = snapshotPart(parcel, (cs) => cs.slice(0, -1));
		await expectRefusedDownload(await device(browser, r.proxy), parcel);
	} finally {
		await r.stop();
	}
});

test('a snapshot part carrying a signed change the log refused is refused', async ({ browser }) => {
	const r = await rig();
	try {
		const parcel = `${DISTRICT}-000004`;
		// Cy's key is revoked: the log refuses the edit, and the lying server slips it in anyway.
		const ctx = await browser.newContext({ baseURL: r.server.url });
		const wire = await signedEdit(ctx.request, demoKey('assessor-cy').signer, parcel, 'parcel', { zoning: 'R-REFUSED' });
		const posted = await ctx.request.post('/api/edits', { data: { edits: [wire] } });
		expect(posted.status()).toBe(403);
		await ctx.close();
		r.proxy.lie = snapshotPart(parcel, (cs) => [...cs, fromBase64(wire.change)]);
		await expectRefusedDownload(await device(browser, r.proxy), parcel);
	} finally {
		await r.stop();
	}
});

/** Two edits by Bo made on the honest server after the device downloaded the district. */
async function editsElsewhere(browser: Browser, upstream: string, parcels: string[]): Promise<number[]> {
	const ctx = await browser.newContext({ baseURL: upstream });
	const indexes: number[] = [];
	for (const parcel of parcels) {
		const wire = await signedEdit(ctx.request, demoKey('assessor-bo').signer, parcel, 'parcel', { zoning: `R-${parcel.slice(-2)}` });
		const res = await ctx.request.post('/api/edits', { data: { edits: [wire] } });
		expect(res.status(), await res.text()).toBe(200);
		indexes.push((await res.json()).results[0].index);
	}
	await ctx.close();
	return indexes;
}

async function expectMissingEdits(page: Page, proxy: LyingProxy): Promise<void> {
	await page.goto('/field/outbox');
	await page.getByRole('button', { name: 'Sync now' }).click();
	const a = alarm(page, 'missing-edits');
	await expect(a).toBeVisible({ timeout: 60_000 });
	await expect(a).toContainText(DISTRICT);
	await expect(page.getByRole('button', { name: 'Sync now' })).toBeDisabled();
	expect(proxy.lied.some((p) => p.startsWith('/api/sync'))).toBe(true);
}

const withoutEntries = (hidden: Set<number>): Lie =>
	rewriteJson('/api/sync', (answer) => ({ ...answer, entries: answer.entries.filter((e: { index: number }) => !hidden.has(e.index)) }));

test('sync that hides the latest edit of a parcel halts with missing edits', async ({ browser }) => {
	const r = await rig();
	try {
		const page = await device(browser, r.proxy);
		await downloaded(page);
		const [i] = await editsElsewhere(browser, r.server.url, [`${DISTRICT}-000011`]);
		r.proxy.lie = withoutEntries(new Set([i]));
		await expectMissingEdits(page, r.proxy);
	} finally {
		await r.stop();
	}
});

test('sync that skips an entry in the middle of a page halts with missing edits', async ({ browser }) => {
	const r = await rig();
	try {
		const page = await device(browser, r.proxy);
		await downloaded(page);
		const [, middle] = await editsElsewhere(browser, r.server.url, [`${DISTRICT}-000012`, `${DISTRICT}-000013`, `${DISTRICT}-000014`]);
		r.proxy.lie = withoutEntries(new Set([middle]));
		await expectMissingEdits(page, r.proxy);
		// The other two edits arrived and were applied: the parcel pages show them.
		await page.goto(`/field/parcel/${DISTRICT}-000014`);
		await expect(page.getByRole('form', { name: 'Edit parcel' }).getByLabel('Zoning', { exact: true })).toHaveValue('R-14', { timeout: 30_000 });
	} finally {
		await r.stop();
	}
});

test('a map root the log does not give, signed with the stolen log key, is refused', async ({ browser }) => {
	const r = await rig();
	try {
		// The liar holds the log key (from the server's data folder) and signs its own map root.
		const identity = readLogKeyFile(join(r.server.dataDir, 'log-key.json'));
		const forged = sha256(utf8('a parcel map the log does not hold'));
		const resign = async (note: string) => {
			const cp = parseCheckpoint(note.slice(0, note.indexOf('\n\n') + 1));
			if (!cp.ok) throw new Error(cp.message);
			return signCheckpoint({ ...cp.value, extensions: [mapLine(forged)] }, identity.origin, identity.signer);
		};
		r.proxy.lie = async (url, answer) => {
			if (answer.status !== 200) return undefined;
			if (url.pathname === '/log/checkpoint') return { ...answer, body: Buffer.from(await resign(answer.body.toString('utf8'))) };
			if (url.pathname !== '/api/snapshot' && url.pathname !== '/api/sync') return undefined;
			const json = JSON.parse(answer.body.toString('utf8'));
			if (typeof json.checkpoint !== 'string') return undefined;
			json.checkpoint = await resign(json.checkpoint);
			return { ...answer, body: Buffer.from(JSON.stringify(json)) };
		};
		const page = await device(browser, r.proxy);
		await startDownload(page);
		const a = alarm(page, 'bad-snapshot');
		await expect(a).toBeVisible({ timeout: 60_000 });
		await expect(a).toContainText(/map/);
	} finally {
		await r.stop();
	}
});

test('a checkpoint forked between two devices is caught by each when it meets the other history', async ({ browser }) => {
	test.setTimeout(300_000);
	const honest = await rig(seedDemo(HONEST_PARCELS));
	// The same log key with another history: what a server that forks its log shows one device.
	const fork = await rig(seedDemo(FORK_PARCELS));
	try {
		const a = await device(browser, honest.proxy);
		const b = await device(browser, fork.proxy);
		await downloaded(a);
		await downloaded(b);
		// Each device is then shown the other history (the liar cannot keep them apart forever:
		// a reconnect, a load balancer, or the real server once the liar is gone).
		const [ua, ub] = [honest.server.url, fork.server.url];
		await honest.proxy.stop();
		await fork.proxy.stop();
		const swappedA = new LyingProxy(honest.proxy.port, ub);
		const swappedB = new LyingProxy(fork.proxy.port, ua);
		await swappedA.start();
		await swappedB.start();
		try {
			for (const page of [a, b]) {
				await page.goto('/field/outbox');
				await page.getByRole('button', { name: 'Sync now' }).click();
				await expect(alarm(page, 'fork')).toBeVisible({ timeout: 60_000 });
			}
		} finally {
			await swappedA.stop();
			await swappedB.stop();
		}
	} finally {
		await honest.server.stop();
		await fork.server.stop();
	}
});
