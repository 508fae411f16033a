import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '../../src/lib/server/config';
import { createLogKeyFile } from '../../src/lib/server/log-identity';
import { initLog } from '../../src/lib/server/init-log';
import { logKeyPath, openStore } from '../../src/lib/server/open-store';
import { demoKeys, demoLogSecret, seedDemoCounty } from '../../src/lib/server/demo/seed';
import { openProjection } from '../../src/lib/server/projection/open';
import { Projector } from '../../src/lib/server/projection/projector';
import { log, parse } from '../args';
import { writeKeyFile } from '../key-file';

export const DEMO_ORIGIN = 'demo.parcel-ledger.example/county';
/** 2025-01-06T09:00:00Z: the demo county's history starts here, whatever today is. */
const DEMO_START = Date.UTC(2025, 0, 6, 9);

/** demo [--parcels N]: create and seed the demo county in DATA_DIR, unless a log is there. */
export async function demo(args: string[]): Promise<void> {
	const { values } = parse(args, { parcels: { type: 'string' } });
	const perDistrict = Math.ceil(Number(values.parcels ?? 3000) / 3);
	const config = readConfig();
	if (existsSync(logKeyPath(config))) {
		log(`${config.dataDir} already holds a log; leaving it as it is`);
		return;
	}
	mkdirSync(config.dataDir, { recursive: true });
	const keys = demoKeys();
	const identity = createLogKeyFile(logKeyPath(config), DEMO_ORIGIN, demoLogSecret());
	const store = await openStore(config);
	const clock = { now: DEMO_START };
	const started = Date.now();
	const ledger = await initLog({ store, identity, clock: () => clock.now, registrar: keys.registrar.signer, registrarName: keys.registrar.name, maxDelayMs: 0 });
	const result = await seedDemoCounty({
		ledger,
		clock,
		parcelsPerDistrict: perDistrict,
		progress: (done, total) => process.stdout.write(`\r[demo] seeding parcels ${done}/${total}`)
	});
	process.stdout.write('\n');
	await ledger.sequencer.drain();
	const projector = new Projector({ log: store, projection: await openProjection(store) });
	await projector.catchUp(({ done, total }) => process.stdout.write(`\r[demo] projecting entries ${done}/${total}`));
	process.stdout.write('\n');
	await store.close();

	const dir = join(config.dataDir, 'demo');
	mkdirSync(dir, { recursive: true });
	for (const k of Object.values(keys)) {
		writeKeyFile(join(dir, `${k.id}.json`), { name: k.name, role: k.role, districts: k.districts, secretKey: k.secretKey });
	}
	writeFileSync(
		join(dir, 'README.txt'),
		`DEMO COUNTY — invented data for trying Parcel Ledger. Not a real place, person or record.\n\n` +
			`These key files belong to the demo editors. Load one in the field app (Field → Set up → Import a key file)\n` +
			`or in the registry (Registry → Sign in). registrar.json may grant and revoke; assessor-cy.json was revoked.\n`
	);
	log(`[demo] ${result.parcels} parcels, ${result.entries} log entries in ${((Date.now() - started) / 1000).toFixed(1)} s; demo keys in ${dir}`);
}
