// Issue 22: a log that already holds a change Automerge cannot apply (written before the server
// checked every change, or by another implementation; seeded here straight into the store) still
// bootstraps on a tablet and syncs: the parcel shows, with the rest of its history, and a clear
// warning naming the change or its entry. Real Chromium, real IndexedDB, the real built server.
import { expect, test } from '@playwright/test';
import * as Automerge from '@automerge/automerge';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { makeActor } from '../src/lib/core/crdt/actors';
import { loadPartDoc } from '../src/lib/core/crdt/document';
import { editPart } from '../src/lib/core/crdt/edit';
import { signEdit } from '../src/lib/core/signing/submit';
import { readLogKeyFile } from '../src/lib/server/log-identity';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import { appendUnchecked } from '../src/lib/server/testing/unchecked-append';
import { demoKey } from './support/demo';
import { copyDemoData, downloadDistrict, importKey, TestServer } from './support/field';

/**
 * Appends to the stopped server's log, for `parcelId`'s parcel part: a change that panics
 * Automerge (its text operations name an object the document does not have), then a good edit
 * from another tab that sets the address. Returns the poison's entry index.
 */
async function seedPoison(dataDir: string, parcelId: string, address: string): Promise<number> {
	const ava = demoKey('assessor-ava');
	const store = new SqliteLogStore(join(dataDir, 'ledger.db'));
	try {
		await store.migrate();
		const identity = readLogKeyFile(join(dataDir, 'log-key.json'));
		const bodies = (await store.changesOfParcel(parcelId)).filter((c) => c.part === 'parcel' && !c.erased).map((c) => c.body);
		const time = Math.floor(Date.now() / 1000);
		const edit = (patch: Record<string, string>) => {
			const actor = makeActor(ava.signer.publicKey, randomBytes(8));
			const loaded = loadPartDoc(bodies, { actor });
			if (!loaded.ok) throw new Error(loaded.message);
			const r = editPart(loaded.doc, 'parcel', patch, { actor, time, salt: randomBytes(16) });
			if (!r.ok || !r.change) throw new Error('no edit');
			return r.change;
		};
		const text = Automerge.decodeChange(edit({ notes: 'a note that the poison rewrites' }));
		const poison = Automerge.encodeChange({ ...text, ops: text.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${text.actor}` })) });
		const base = loadPartDoc(bodies);
		if (!base.ok) throw new Error(base.message);
		expect(() => Automerge.applyChanges(base.doc, [poison])).toThrow();
		const good = edit({ addressLine: address });
		// Text from before the record text rule: a right-to-left override in the zoning value.
		const z = Automerge.decodeChange(edit({ zoning: 'RZ' }));
		const spoof = Automerge.encodeChange({ ...z, ops: z.ops.map((op) => (op.key === 'zoning' ? { ...op, value: 'R1 \u202eesuoh' } : op)) });
		const sign = (change: Uint8Array) => signEdit({ origin: identity.origin, signer: ava.signer, parcelId, part: 'parcel', change, claimedTime: Date.now() });
		const [index] = await appendUnchecked(store, identity, [await sign(poison), await sign(good), await sign(spoof)], Date.now());
		return index;
	} finally {
		await store.close();
	}
}

test('a log holding a change Automerge cannot apply still bootstraps and syncs, and the parcel shows with a warning', async ({ browser }) => {
	test.setTimeout(300_000);
	const dataDir = await copyDemoData();
	await seedPoison(dataDir, 'RIV-000011', '11 Survivor Road');
	const server = new TestServer(4472, dataDir);
	await server.start();
	const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1024, height: 768 } });
	const page = await context.newPage();
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	try {
		// Bootstrap: the snapshot's concatenated changes hold the poison.
		await importKey(page, demoKey('assessor-ava').path);
		await downloadDistrict(page, 'RIV');
		await page.goto('/field/parcel/RIV-000011');
		const form = page.getByRole('form', { name: 'Edit parcel' });
		await expect(form.getByLabel('Address', { exact: true })).toHaveValue('11 Survivor Road', { timeout: 30_000 });
		const warning = page.getByTestId('unusable-change');
		await expect(warning).toHaveCount(1);
		await expect(warning).toContainText('holds a change this device cannot apply');
		await expect(warning).toContainText('left out');
		// Text the rule refuses shows as a visible stand-in, on the tablet and on the public page.
		await expect(form.getByLabel('Zoning', { exact: true })).toHaveValue('R1 ⟨U+202E⟩esuoh');
		const pub = await context.newPage();
		await pub.goto('/parcels/RIV-000011');
		await expect(pub.getByText('R1 ⟨U+202E⟩esuoh').first()).toBeVisible();
		await pub.close();

		// Pull: another poison arrives after the device follows the log.
		await server.stop();
		const index = await seedPoison(dataDir, 'RIV-000012', '12 Survivor Road');
		await server.start();
		await page.goto('/field/outbox');
		await page.getByRole('button', { name: 'Sync now' }).click();
		await expect(page.getByTestId('sync-outcome')).toContainText('Synced:', { timeout: 60_000 });
		// Listed with the other problems the log had; sync goes on.
		await expect(page.getByText(`entry ${index} of RIV-000012 (parcel) holds a change this device cannot apply`)).toBeVisible();
		await page.goto('/field/parcel/RIV-000012');
		await expect(page.getByRole('form', { name: 'Edit parcel' }).getByLabel('Address', { exact: true })).toHaveValue('12 Survivor Road', { timeout: 30_000 });
		await expect(page.getByTestId('unusable-change').filter({ hasText: `entry ${index} of RIV-000012` })).toBeVisible();
		// Sync is not halted by it: the device still follows the log.
		await expect(page.getByText('Sync halted')).toHaveCount(0);
		expect(errors).toEqual([]);
	} finally {
		await context.close();
		await server.stop();
	}
});
