import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeSigner } from '../ed25519';
import { initLog } from '../init-log';
import { logIdentity } from '../log-identity';
import { SqliteLogStore } from '../store/sqlite/log-store';
import { demoKeys, demoLogSecret, seedDemoCounty } from './seed';

async function seedOnce(parcelsPerDistrict: number) {
	const dir = mkdtempSync(join(tmpdir(), 'pl-demo-'));
	const store = new SqliteLogStore(join(dir, 'ledger.db'));
	try {
		const clock = { now: Date.UTC(2025, 0, 6, 9) };
		const keys = demoKeys();
		const ledger = await initLog({
			store,
			identity: logIdentity('demo.parcel-ledger.example/county', nodeSigner(demoLogSecret())),
			clock: () => clock.now,
			registrar: keys.registrar.signer,
			registrarName: keys.registrar.name,
			maxDelayMs: 0
		});
		const result = await seedDemoCounty({ ledger, clock, parcelsPerDistrict });
		await ledger.sequencer.drain();
		return { result, checkpoint: ledger.sequencer.checkpoint, keys: ledger.sequencer.registry.list() };
	} finally {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

describe('demo county', () => {
	it('is deterministic: the same log, byte for byte, every time', async () => {
		const a = await seedOnce(12);
		const b = await seedOnce(12);
		expect(a.checkpoint).toBe(b.checkpoint);
		expect(a.result.parcels).toBe(36);
		expect(a.result.entries).toBeGreaterThan(36 * 4);
	});

	it('holds several editors, unresolved conflicts material and a revoked key', async () => {
		const { keys } = await seedOnce(12);
		expect(keys.map((k) => k.name)).toEqual([
			'Rhea Registrar (demo)',
			'Ava Assessor (demo)',
			'Bo Assessor (demo)',
			'Cy Assessor (demo, revoked)'
		]);
		expect(keys.filter((k) => k.revokedAt !== null).map((k) => k.name)).toEqual(['Cy Assessor (demo, revoked)']);
	});
});
