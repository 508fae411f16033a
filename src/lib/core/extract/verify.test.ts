import { describe, expect, it } from 'vitest';
import { fromHex, toBase64, toHex } from '../bytes';
import { makeActor } from '../crdt/actors';
import { createPartDoc } from '../crdt/document';
import { changeHash, type Statement } from '../log/entry';
import { REGISTRAR_SECRET } from '../log/entry.vectors';
import { LOG_VECTOR_ORIGIN, LOG_VECTOR_SECRET } from '../log/vectors';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { extractSummary, EXTRACT_DOES_NOT_PROVE } from './claims';
import type { ExtractJson } from './format';
import { ben, benActor, memoryExtract, signedEntry, vectorExtract, vectorLog, VECTOR_PARCEL, type LogItem } from './vector-log';
import { verifyExtract, type ExtractCheckName } from './verify';

const verify = (x: unknown, expectedKey?: string) => verifyExtract(x, { verifier: nobleVerifier, expectedKey });
const clone = (x: ExtractJson): ExtractJson => JSON.parse(JSON.stringify(x));
const failed = (r: Awaited<ReturnType<typeof verify>>): ExtractCheckName | undefined => r.checks.find((c) => !c.ok)?.name;
const logSigner = secretKeySigner(fromHex(LOG_VECTOR_SECRET));

async function extractOf(items: LogItem[]) {
	return memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner, parcel: VECTOR_PARCEL, items });
}

/** Ben's edit of the vector parcel's parcel part, made under `actor`, signed by `signer`. */
async function parcelEdit(signer = ben(), actor = benActor()): Promise<LogItem> {
	const r = createPartDoc('parcel', VECTOR_PARCEL, { apn: 'X', status: 'active', addressLine: 'Y', locality: '', postcode: '', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, recordedArea: 1, landUse: '', zoning: '', buildings: {}, photos: {}, notes: '' }, { actor, time: 1767312000 });
	if (!r.ok) throw new Error(r.message);
	const s: Statement = { kind: 'edit', parcelId: VECTOR_PARCEL, part: 'parcel', changeHash: changeHash(r.change), author: signer.publicKey, claimedTime: 1767312000000 };
	return { entry: await signedEntry(LOG_VECTOR_ORIGIN, s, signer, 1767312001000), change: r.change };
}

describe('verifyExtract', () => {
	it('verifies the vector and says who edited what', async () => {
		const r = await verify(await vectorExtract());
		expect(r.ok, r.reason).toBe(true);
		expect(r.checks.map((c) => c.name)).toEqual(['format', 'checkpoint', 'inclusion', 'entries', 'complete', 'signatures', 'changes', 'authorization', 'claims', 'record']);
		// The map proves the parcel has no claim entry: not disputed, verifiably.
		expect(r.openClaims).toBe(0);
		expect(r).toMatchObject({ parcel: VECTOR_PARCEL, origin: LOG_VECTOR_ORIGIN, treeSize: 5, completeUpTo: 5 });
		expect(r.checks.find((c) => c.name === 'complete')?.detail).toMatch(/^Complete up to checkpoint 5: every edit of RIV-000123 in the log below 5 is here, and every claim/);
		expect(r.entries.map((e) => [e.index, e.part, e.authorName, e.role, e.bodyIncluded])).toEqual([
			[2, 'parcel', 'Ben Assessor', 'assessor', true],
			[3, 'private', 'Ben Assessor', 'assessor', false]
		]);
		expect(r.record).toMatchObject({ id: VECTOR_PARCEL, addressLine: '1 Mill Lane' });
		expect(extractSummary(r)).toMatch(/^VERIFIED: extract of parcel RIV-000123, complete up to checkpoint 5\n/);
		expect(extractSummary(r)).toContain(EXTRACT_DOES_NOT_PROVE[0]);
	});

	it('never carries a private value', async () => {
		const text = JSON.stringify(await vectorExtract());
		expect(text).not.toContain('1632');
		expect(text).not.toContain('DEMO-NID');
	});

	it('fails for every one-character change of the file that keeps it JSON', async () => {
		const text = JSON.stringify(await vectorExtract());
		const swap = (c: string) => (/[0-9]/.test(c) ? String((Number(c) + 1) % 10) : /[a-y]/i.test(c) ? String.fromCharCode(c.charCodeAt(0) + 1) : c === 'z' ? 'a' : c === 'Z' ? 'A' : c === '+' ? '/' : c === '/' ? '+' : null);
		let tried = 0;
		for (let i = 0; i < text.length; i++) {
			const c = swap(text[i]);
			if (c === null) continue;
			const r = await verify(text.slice(0, i) + c + text.slice(i + 1));
			tried++;
			if (r.ok) throw new Error(`changing byte ${i} (${JSON.stringify(text.slice(i - 20, i + 20))}) still verifies`);
		}
		expect(tried).toBeGreaterThan(2000);
	}, 120_000);

	it('names the record field that differs', async () => {
		const x = clone(await vectorExtract());
		x.record.addressLine = '2 Mill Lane';
		const r = await verify(x);
		expect(failed(r)).toBe('record');
		expect(r.reason).toMatch(/at addressLine: the changes give "1 Mill Lane", the extract says "2 Mill Lane"/);
	});

	it('refuses files that are not extracts, with the path of the problem', async () => {
		expect((await verify('{')).reason).toMatch(/not JSON/);
		expect((await verify({ ...(await vectorExtract()), extra: 1 })).reason).toMatch(/extra: is not part of the format/);
		const x = clone(await vectorExtract());
		x.entries[0].entry = 'not base64!';
		expect((await verify(x)).reason).toMatch(/entries\.0\.entry/);
	});

	it('shows the key and checks it against the one the user gives', async () => {
		const x = await vectorExtract();
		expect((await verify(x, x.verifierKey)).ok).toBe(true);
		const other = 'demo.parcel-ledger.example/log+00000000+AdgbNw0e3Vct7qjrrSj+Ht5XjmShBcUx/FJG8CAroIZX';
		const r = await verify(x, other);
		expect(failed(r)).toBe('published-key');
		expect(r.verifierKey).toBe(x.verifierKey);
	});

	it('a log of one\'s own verifies under its own key: only comparing the key ties it to the registry', async () => {
		const forger = secretKeySigner(new Uint8Array(32).fill(9));
		const x = await memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner: forger, parcel: VECTOR_PARCEL, items: await vectorLog() });
		expect((await verify(x)).ok).toBe(true);
		expect(failed(await verify(x, (await vectorExtract()).verifierKey))).toBe('published-key');
		// Swapping in the real key makes the checkpoint fail.
		expect(failed(await verify({ ...x, verifierKey: (await vectorExtract()).verifierKey }))).toBe('checkpoint');
	});

	it('refuses an entry of another parcel and entries out of order', async () => {
		const log = await vectorLog();
		const x = await extractOf(log);
		const other = clone(x);
		other.entries.push({ index: 4, entry: toBase64(log[4].entry), inclusionProof: x.entries[0].inclusionProof });
		expect(failed(await verify(other))).toBe('inclusion'); // wrong proof first
		const swapped = clone(x);
		swapped.entries.reverse();
		expect((await verify(swapped)).reason).toMatch(/increasing/);
	});

	it('refuses edits by keys the included key entries do not authorize', async () => {
		const stranger = secretKeySigner(new Uint8Array(32).fill(7));
		const log = await vectorLog();
		const x = await extractOf([...log.slice(0, 2), await parcelEdit(stranger, makeActor(stranger.publicKey, new Uint8Array(8)))]);
		const r = await verify(x);
		expect(failed(r)).toBe('authorization');
		expect(r.reason).toMatch(/unknown-key/);
		const noKeys = { ...(await vectorExtract()), keys: [] };
		expect((await verify(noKeys)).reason).toMatch(/unknown-key/);
		// The registrar may not write valuations… but may write parcel parts: authorized.
		const registrar = secretKeySigner(fromHex(REGISTRAR_SECRET));
		const byRegistrar = await extractOf([...log.slice(0, 2), await parcelEdit(registrar, makeActor(registrar.publicKey, new Uint8Array(8)))]);
		expect((await verify(byRegistrar)).ok).toBe(true);
	});

	it('refuses a change made under an actor that is not its signer\'s', async () => {
		const log = await vectorLog();
		const foreign = makeActor(new Uint8Array(32).fill(3), new Uint8Array(8));
		const r = await verify(await extractOf([...log.slice(0, 2), await parcelEdit(ben(), foreign)]));
		expect(failed(r)).toBe('changes');
		expect(r.reason).toMatch(/actor/);
	});

	it('refuses missing, altered, extra and private change bodies', async () => {
		const x = await vectorExtract();
		const [hash] = Object.keys(x.changes);
		const missing = { ...x, changes: {} };
		expect((await verify(missing)).reason).toMatch(/change of entry 2 \(parcel\) is missing/);
		const body = Uint8Array.from(atob(x.changes[hash]), (c) => c.charCodeAt(0));
		body[body.length - 1] ^= 1;
		expect((await verify({ ...x, changes: { [hash]: toBase64(body) } })).reason).toMatch(/SHA-256/);
		const extra = { ...x, changes: { ...x.changes, ['ab'.repeat(32)]: 'AAAA' } };
		expect((await verify(extra)).reason).toMatch(/no public entry names/);
		const log = await vectorLog();
		const privateHash = toHex(changeHash(log[3].change!));
		const leaked = { ...x, changes: { ...x.changes, [privateHash]: toBase64(log[3].change!) } };
		expect((await verify(leaked)).reason).toMatch(/private entry 3/);
	});
});
