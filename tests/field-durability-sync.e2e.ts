// Issue #8, browser durability: Chromium killed with SIGKILL (the whole process group) in the
// middle of syncing an outbox of 220+ edits (pushed in batches), at four moments: at random
// soon after a batch left; after the server committed it but before the device recorded anything;
// while the device moves a batch from the outbox to `synced`; while it applies pulled entries.
// After every restart the outbox and documents are intact (every edit is in exactly one of the
// outbox and `synced`, with its document change), and what the device marked synced is in the
// log at that index. Sync then resumes: resubmitted edits get their existing indexes back, and
// at the end the log holds every edit exactly once and the outbox is empty.
import { expect, test, type Page } from '@playwright/test';
import { demoKey } from './support/demo';
import { checkParcel, dumpDevice, serverEntries, startingPoint, type DeviceDump } from './support/device-state';
import { DurableBrowser } from './support/durable-browser';
import { ASSESSOR, expectOutboxCount, openParcel, seededRandom, setUpDevice } from './support/durability';
import { copyDemoData, TestServer } from './support/field';
import { DeviceProbe, isPushTransaction, saveBurst } from './support/save-burst';

const BIG = 5; // parcels of the large outbox
const EDITS_EACH = 44; // 220 edits: more than one push batch of 200
const EXTRA = 6; // edits saved after each restart, on a parcel of their own

type Trigger = { name: string; describe: string };
const PHASES: Trigger[] = [
	{ name: 'edits-sent', describe: 'at a random moment 0–1,000 ms after the first POST /api/edits left' },
	{ name: 'entries-fetch', describe: 'after the server committed a batch, before the device recorded it (at GET /api/log/entries)' },
	{ name: 'push-transaction', describe: 'while a batch moves from the outbox to synced (0–10 ms after its transaction opened)' },
	{ name: 'pull-transaction', describe: 'while pulled entries are applied to the documents (0–20 ms after that transaction opened)' }
];

// One retry, with a fresh profile and server: in about one run in five, Chromium (not our code)
// cannot open the profile's IndexedDB after the SIGKILL ("Internal error opening backing store")
// and deletes it, so the device restarts empty. The cause is not found yet (no process of the
// profile is left, the LOCK is free); the failure's message keeps the files before and after.
// A run that fails twice is a failure; Playwright reports a pass on the retry as "flaky".
test.describe.configure({ retries: 1 });

test('browser killed mid-sync: outbox intact, sync resumes, every edit in the log once', async () => {
	test.setTimeout(480_000);
	const random = seededRandom('mid-sync');
	const server = new TestServer(4432, await copyDemoData());
	await server.start();
	const browser = new DurableBrowser(server.url);
	try {
		const setup = await setUpDevice(browser, BIG + PHASES.length);
		let page: Page = setup.page;
		const parcels = setup.parcels;
		const { baseline, want, serverBefore } = await startingPoint(page, parcels, server.url);
		let probe = await DeviceProbe.attach(page.context());

		const burst = async (parcelId: string, values: string[]) => {
			probe.onConfirmed = (v) => want.get(parcelId)!.confirmed.push(v);
			await openParcel(page, parcelId);
			await saveBurst(page, 'zoning', values);
		};
		const started = Date.now();
		for (let i = 0; i < BIG; i++) await burst(parcels[i], Array.from({ length: EDITS_EACH }, (_, n) => `S${i}-${n}`));
		const buildMs = Date.now() - started;
		await expectOutboxCount(page, BIG * EDITS_EACH);

		/** Every check that must hold after a restart; returns the number of edits still pending. */
		const checkDevice = async (dump: DeviceDump): Promise<{ pending: number; onServer: number; synced: number }> => {
			const problems: string[] = [];
			let onServer = 0;
			for (const p of parcels) {
				problems.push(...checkParcel(dump, p, baseline.get(p)!, want.get(p)!).problems);
				const entries = await serverEntries(server.url, p);
				for (const [h, idx] of entries) if (idx.length > 1) problems.push(`${p}: the log holds change ${h.slice(0, 12)} ${idx.length} times`);
				for (const s of dump.synced.filter((s) => s.parcelId === p)) {
					const at = entries.get(s.changeHash);
					if (!at || at[0] !== s.index) problems.push(`${p}: marked synced at ${s.index} but the log has it at ${at ?? 'no index'}`);
				}
				onServer += dump.outbox.filter((o) => o.parcelId === p && entries.has(o.changeHash)).length;
			}
			expect(problems).toEqual([]);
			expect(dump.outbox.every((o) => o.status === 'pending')).toBe(true);
			return { pending: dump.outbox.length, onServer, synced: dump.synced.length };
		};

		const report: string[] = [`outbox of ${BIG * EDITS_EACH} edits saved in ${(buildMs / 1000).toFixed(1)} s`];
		for (const [round, phase] of PHASES.entries()) {
			if (round > 0) await burst(parcels[BIG + round - 1], Array.from({ length: EXTRA }, (_, n) => `X${round}-${n}`));
			const pendingBefore = (await dumpDevice(page, parcels)).outbox.length;
			const kill: { done: Promise<void> | null; how: string } = { done: null, how: '' };
			const killAfter = (ms: number) => {
				if (kill.done) return;
				kill.how = `${phase.name} +${ms} ms`;
				kill.done = new Promise((done) => setTimeout(() => done(browser.kill()), ms));
			};
			page.on('request', (r) => {
				if (phase.name === 'edits-sent' && r.method() === 'POST' && r.url().includes('/api/edits')) killAfter(Math.floor(random() * 1000));
				if (phase.name === 'entries-fetch' && r.url().includes('/api/log/entries?')) killAfter(0);
			});
			probe.onTransaction = (stores) => {
				if (phase.name === 'push-transaction' && isPushTransaction(stores)) killAfter(Math.floor(random() * 11));
				if (phase.name === 'pull-transaction' && stores.includes('docs') && !stores.includes('outbox')) killAfter(Math.floor(random() * 21));
			};
			await page.goto('/field/outbox');
			await page.getByRole('button', { name: 'Sync now' }).click();
			const outcome = page.getByTestId('sync-outcome');
			for (let t = 0; !kill.done; t++) {
				// A sync that ends before reaching the phase would make this round prove nothing.
				if (t % 10 === 0 && (await outcome.isVisible().catch(() => false))) throw new Error(`sync finished before ${phase.name}: ${await outcome.textContent()}`);
				if (t > 1800) throw new Error(`sync did not reach ${phase.name} within 90 s`);
				await new Promise((r) => setTimeout(r, 50));
			}
			await kill.done;

			page = await browser.launch();
			probe = await DeviceProbe.attach(page.context());
			await page.goto('/field/outbox');
			await browser.expectDatabase(page, 'parcel-ledger-field');
			// The interrupted sync is not shown as running: nobody holds its lock any more.
			await expect.poll(async () => (await dumpDevice(page, parcels)).sync?.running, { timeout: 10_000 }).toBe(false);
			const state = await checkDevice(await dumpDevice(page, parcels));
			await expect(page.getByTestId('outbox-total')).toContainText(`${state.pending} edit(s) not yet synced`);
			report.push(
				`kill ${round + 1} ${phase.describe} [${kill.how}]: ${pendingBefore} pending before the sync; after the restart ${state.pending} pending (${state.onServer} of them already in the log), ${state.synced} synced`
			);
		}

		// One more save after the last restart, then a sync to the end.
		await burst(parcels[BIG + PHASES.length - 1], Array.from({ length: EXTRA }, (_, n) => `F-${n}`));
		const beforeSync = await dumpDevice(page, parcels);
		const pending = beforeSync.outbox.length;
		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		await expect(page.getByTestId('sync-outcome')).toContainText(`Synced: ${pending} edit(s) accepted and verified, 0 refused`, { timeout: 90_000 });
		await expect(page.getByTestId('outbox-total')).toContainText('0 edit(s) not yet synced');
		const after = await dumpDevice(page, parcels);
		expect(after.outbox).toEqual([]);
		await checkDevice(after);
		const total = [...want.values()].reduce((n, w) => n + w.confirmed.length, 0);
		expect(after.synced).toHaveLength(total);
		const author = demoKey(ASSESSOR).publicKey;
		for (const p of parcels) {
			const entries = await serverEntries(server.url, p);
			const added = [...entries.keys()].filter((h) => !serverBefore.get(p)!.has(h)).sort();
			expect(added, p).toEqual(after.synced.filter((s) => s.parcelId === p).map((s) => s.changeHash).sort());
			for (const h of added) expect(entries.get(h), `${p} change ${h}`).toHaveLength(1);
		}
		// The same signed edits sent again get their indexes back and add nothing.
		const again = beforeSync.outbox.slice(0, 5);
		const res = await fetch(`${server.url}/api/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits: again.map((o) => o.wire) }) });
		const answer = (await res.json()) as { results: { status: string; index: number; duplicate: boolean }[] };
		expect(again.every((o) => o.wire.author === author)).toBe(true);
		expect(answer.results.map((r) => [r.status, r.duplicate, r.index])).toEqual(again.map((o) => ['accepted', true, after.synced.find((s) => s.changeHash === o.changeHash)!.index]));
		report.push(`final sync: ${pending} pushed; ${total} edits in the log once each`);
		console.log(report.join('\n'));
		test.info().annotations.push({ type: 'kills', description: report.join('; ') });
	} finally {
		await browser.dispose();
		await server.stop();
	}
});
