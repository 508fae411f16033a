// Issue #8, browser durability: Chromium killed with SIGKILL (the whole process group) at a
// random moment inside a burst of saves, five times, on one profile. After every restart each
// save the UI confirmed is in the documents, the search rows and the outbox, and no save is
// half-written (a document change without its outbox row, or the reverse); the one save in
// flight is either whole or absent. Then sync pushes every edit exactly once.
import { expect, test } from '@playwright/test';
import { demoKey } from './support/demo';
import { checkParcel, dumpDevice, serverEntries, startingPoint } from './support/device-state';
import { DurableBrowser } from './support/durable-browser';
import { ASSESSOR, expectOutboxCount, openParcel, seededRandom, setUpDevice } from './support/durability';
import { copyDemoData, TestServer } from './support/field';
import { DeviceProbe, isSaveTransaction, saveBurst } from './support/save-burst';

const KILLS = Number(process.env.DURABILITY_SAVE_KILLS ?? 5);

test('browser killed mid-save: confirmed saves survive whole, then sync each once', async () => {
	test.setTimeout(120_000 + KILLS * 40_000);
	const random = seededRandom('mid-save');
	const server = new TestServer(4431, await copyDemoData());
	await server.start();
	const browser = new DurableBrowser(server.url);
	try {
		const setup = await setUpDevice(browser, KILLS);
		const parcels = setup.parcels;
		let page = setup.page;
		const { baseline, want, serverBefore } = await startingPoint(page, parcels, server.url);
		const report: string[] = [];

		let probe = await DeviceProbe.attach(page.context());
		for (let round = 0; round < KILLS; round++) {
			const id = parcels[round];
			const w = want.get(id)!;
			await openParcel(page, id);
			// Kill inside save number `target + 1`: in odd rounds when its IndexedDB transaction opens
			// (plus 0–15 ms), in even rounds at a random point of a typical save's duration.
			const target = 2 + Math.floor(random() * 10);
			const inTransaction = round % 2 === 1;
			const values = Array.from({ length: target + 30 }, (_, n) => `K${round}-${n}`);
			let last = Date.now();
			const gaps: number[] = [];
			// `done` is set once the kill is scheduled, `fired` from the instant it is sent:
			// confirmations that arrive in between still count (the save completed before the kill).
			const kill: { done: Promise<void> | null; fired: boolean; how: string } = { done: null, fired: false, how: '' };
			const killAfter = (ms: number, how: string) => {
				kill.how = how;
				kill.done = new Promise((done) =>
					setTimeout(() => {
						kill.fired = true;
						done(browser.kill());
					}, ms)
				);
			};
			probe.onTransaction = (stores) => {
				if (inTransaction && isSaveTransaction(stores) && !kill.done && w.confirmed.length === target) {
					const ms = Math.floor(random() * 16);
					killAfter(ms, `${ms} ms after the transaction of save ${target + 1} opened`);
				}
			};
			probe.onConfirmed = (v) => {
				if (kill.fired) return;
				w.confirmed.push(v);
				gaps.push(Date.now() - last);
				last = Date.now();
				if (!inTransaction && w.confirmed.length === target) {
					const typical = gaps.slice(1).sort((a, b) => a - b)[Math.floor((gaps.length - 1) / 2)] ?? 100;
					const ms = Math.floor(random() * typical * 1.2);
					killAfter(ms, `${ms} ms into save ${target + 1} (a save takes ~${typical} ms)`);
				}
			};
			const burst = saveBurst(page, 'zoning', values).then(
				() => 'finished',
				(e: Error) => e.message.split('\n')[0]
			);
			// Wait for the kill (or a burst that failed before reaching it).
			while (!kill.done && (await Promise.race([burst, new Promise((r) => setTimeout(() => r(null), 50))])) === null);
			expect(kill.done, `burst ended before the kill: ${await Promise.race([burst, 'running'])}`).not.toBeNull();
			await kill.done;
			expect(await burst).not.toBe('finished');
			w.inFlight = values[w.confirmed.length];

			page = await browser.launch();
			probe = await DeviceProbe.attach(page.context());
			await page.goto('/field/outbox');
			await browser.expectDatabase(page, 'parcel-ledger-field');
			const dump = await dumpDevice(page, parcels);
			let total = 0;
			const problems: string[] = [];
			for (const p of parcels) {
				const v = checkParcel(dump, p, baseline.get(p)!, want.get(p)!);
				problems.push(...v.problems);
				total += v.own.length;
				if (p === id) {
					report.push(`kill ${round + 1}: ${kill.how}; ${w.confirmed.length} saves confirmed before it; the save in flight was ${v.inFlightKept ? 'kept whole' : 'absent'}`);
					// From now on the save in flight is either a confirmed fact or never happened.
					if (v.inFlightKept) w.confirmed.push(w.inFlight!);
					w.inFlight = null;
				}
			}
			expect(problems).toEqual([]);
			expect(dump.outbox.every((o) => o.status === 'pending')).toBe(true);
			expect(dump.outbox).toHaveLength(total);
			// The app shows the same: the outbox count, and the parcel screen's value.
			await expectOutboxCount(page, total);
			await openParcel(page, id);
			await expect(page.getByLabel('Zoning', { exact: true })).toHaveValue(w.confirmed.at(-1) ?? w.initial);
		}
		// Sync: every edit reaches the log exactly once; the outbox empties.
		const beforeSync = await dumpDevice(page, parcels);
		const edits = beforeSync.outbox.length;
		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		await expect(page.getByTestId('sync-outcome')).toContainText(`Synced: ${edits} edit(s) accepted and verified, 0 refused`, { timeout: 60_000 });
		await expect(page.getByTestId('outbox-total')).toContainText('0 edit(s) not yet synced');
		const after = await dumpDevice(page, parcels);
		expect(after.outbox).toEqual([]);
		expect(after.synced).toHaveLength(edits);
		const author = demoKey(ASSESSOR).publicKey;
		for (const p of parcels) {
			const entries = await serverEntries(server.url, p);
			const mine = beforeSync.outbox.filter((o) => o.parcelId === p);
			for (const o of mine) {
				expect(o.wire.author).toBe(author);
				expect(entries.get(o.changeHash), `${p} ${o.summary}`).toHaveLength(1);
				expect(after.synced.find((s) => s.changeHash === o.changeHash)?.index).toBe(entries.get(o.changeHash)![0]);
			}
			const added = [...entries.keys()].filter((h) => !serverBefore.get(p)!.has(h));
			expect(added.sort()).toEqual(mine.map((o) => o.changeHash).sort());
			for (const [h, idx] of entries) expect(idx, `${p} change ${h}`).toHaveLength(1);
		}
		// Resubmitting what was synced gets the existing index back and adds nothing.
		const again = beforeSync.outbox.slice(0, 3);
		const res = await fetch(`${server.url}/api/edits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ edits: again.map((o) => o.wire) }) });
		const answer = (await res.json()) as { results: { status: string; index: number; duplicate: boolean }[] };
		expect(answer.results.map((r) => [r.status, r.duplicate, r.index])).toEqual(
			again.map((o) => ['accepted', true, after.synced.find((s) => s.changeHash === o.changeHash)!.index])
		);
		report.push(`sync: ${edits} edits in the log once each`);
		console.log(report.join('\n'));
		test.info().annotations.push({ type: 'kills', description: report.join('; ') });
	} finally {
		await browser.dispose();
		await server.stop();
	}
});
