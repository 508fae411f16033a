// The browser side of bench/save-ab.ts: one timed save at a time. `SRC` is aliased to the src/ of
// the build under test (this tree's, or the one compared with), so both run the same steps.
import { FieldDatabase } from 'SRC/lib/client/db';
import { downloadDistrict } from 'SRC/lib/client/bootstrap';
import { saveEdit, type SaveContext } from 'SRC/lib/client/save';
import { readParcel } from 'SRC/lib/client/docs';
import { generateDeviceKey, signerOf } from 'SRC/lib/client/keys';
import { tabActor } from 'SRC/lib/client/tab';
import { toHex } from 'SRC/lib/core/bytes';

const ORIGIN = 'bench.parcel-ledger.example/field';
let ctx: SaveContext | null = null;

async function setup(name: string): Promise<void> {
	const key = await generateDeviceKey();
	ctx = { db: new FieldDatabase(name), signer: signerOf(key), actor: tabActor(toHex(key.publicKey)), origin: ORIGIN, grant: { role: 'assessor', districts: ['BEN'], revoked: false } };
}

async function bootstrap(name: string, verifierKey: string, pageSize: number): Promise<number> {
	const db = new FieldDatabase(name);
	await db.open();
	const t = performance.now();
	await downloadDistrict({ db, fetch: (u: string, i?: RequestInit) => fetch(u, i), log: { origin: ORIGIN, verifierKey, pinnedAt: 0 }, pageSize, verify: false }, 'BEN');
	db.close();
	return performance.now() - t;
}

/** `opened`: read first as the parcel screen reads it (an older readParcel ignores the actor). */
async function one(id: string, k: number, opened: boolean, pauseMs: number): Promise<number> {
	if (!ctx) throw new Error('setup first');
	if (opened) await (readParcel as (db: FieldDatabase, id: string, actor?: string) => Promise<unknown>)(ctx.db, id, ctx.actor);
	if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
	const t = performance.now();
	const r = await saveEdit(ctx, id, 'parcel', { zoning: `Z${k}`, notes: `a/b edit ${k}` }, `zoning → Z${k}`);
	const ms = performance.now() - t;
	if (!r.ok || !r.changed) throw new Error(`save of ${id}: ${JSON.stringify(r)}`);
	return ms;
}

Object.assign(globalThis, { saveAb: { setup, bootstrap, one } });
