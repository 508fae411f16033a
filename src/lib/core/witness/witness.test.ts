import { describe, expect, it } from 'vitest';
import { fromHex, utf8 } from '../bytes';
import { signCheckpoint } from '../log/checkpoint';
import { parseVerifierKey, type NoteVerifierKey } from '../log/note';
import { proveTree } from '../log/proof';
import { MemoryHashStore, treeHash } from '../log/tree';
import { LOG_VECTOR_ORIGIN, LOG_VECTOR_SECRET, LOG_VECTORS } from '../log/vectors';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { formatAddCheckpoint, parseAddCheckpoint, parseCosignatureResponse, parseTreeSize, TLOG_SIZE_TYPE } from './add-checkpoint';
import { addSignatureLines, formatCosignerKey, parseCosignatureLine, parseCosignerKey, splitNote } from './cosignature';
import { checkWitnesses, formatPolicy, parsePolicy, policyOf } from './policy';
import { EMPTY_WITNESS_STATE, witnessStep, type WitnessState } from './witness';
import { WITNESS_VECTORS as W } from './vectors';

const logSigner = secretKeySigner(fromHex(LOG_VECTOR_SECRET));
const logKey = (parseVerifierKey(LOG_VECTORS.verifierKey) as { ok: true; value: NoteVerifierKey }).value;
const w1 = secretKeySigner(fromHex(W.w1.secret));
const w2 = secretKeySigner(fromHex(W.w2.secret));

/** A log of n entries "entry i"; history `tag` changes every entry, so two tags fork. */
function log(n: number, tag = '') {
	const store = new MemoryHashStore();
	for (let i = 0; i < n; i++) store.append(utf8(`entry ${i}${tag}`));
	return {
		async checkpoint(size: number, signer = logSigner) {
			return signCheckpoint({ origin: LOG_VECTOR_ORIGIN, size, root: await treeHash(size, store.readHashes), extensions: ['parcel-ledger/map/v2 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='] }, LOG_VECTOR_ORIGIN, signer);
		},
		proof: (from: number, to: number) => proveTree(to, from, store.readHashes)
	};
}

const deps = (now = 1000) => ({ name: W.w1.name, signer: w1, logs: [logKey], verifier: nobleVerifier, now });

async function submit(state: WitnessState, oldSize: number, proof: Uint8Array[], checkpoint: string, now = 1000) {
	return witnessStep(state, formatAddCheckpoint({ oldSize, proof, checkpoint }), deps(now));
}

describe('add-checkpoint request format', () => {
	it('round-trips and refuses malformed bodies', () => {
		const body = formatAddCheckpoint({ oldSize: 2, proof: [fromHex('57c79f4f31ae029c5d4bd30b073c27c94df93438b2b4697e1e1eef5bc0394a41')], checkpoint: LOG_VECTORS.signedCheckpoint });
		expect(body).toBe(W.request);
		const parsed = parseAddCheckpoint(body);
		expect(parsed.ok && parsed.value.oldSize).toBe(2);
		expect(parsed.ok && parsed.value.checkpoint).toBe(LOG_VECTORS.signedCheckpoint);
		for (const bad of ['old 2\n', 'old 02\n\nx', 'new 2\n\nx', 'old 2\nnot base64\n\nx', 'old 2\nAAAA\n\nx', 'old 1\n\n', `old 0\n${'V8efTzGuApxdS9MLBzwnyU35NDiytGl+Hh7vW8A5SkE=\n'.repeat(64)}\nx`]) {
			expect(parseAddCheckpoint(bad).ok, JSON.stringify(bad)).toBe(false);
		}
	});

	it('reads 409 sizes and 200 signature lines', () => {
		expect(parseTreeSize('17\n')).toBe(17);
		expect(parseTreeSize('017\n')).toBeNull();
		expect(parseTreeSize('x')).toBeNull();
		expect(parseCosignatureResponse(W.cosignature)).toEqual([W.cosignature]);
		expect(parseCosignatureResponse('hello\n')).toBeNull();
	});
});

describe('cosigner keys and lines', () => {
	it('formats and parses witness vkeys strictly', () => {
		expect(formatCosignerKey(W.w1.name, w1.publicKey)).toBe(W.w1.vkey);
		expect(parseCosignerKey(W.w1.vkey).ok).toBe(true);
		expect(parseCosignerKey(LOG_VECTORS.verifierKey)).toMatchObject({ ok: false, code: 'malformed-cosigner-key' }); // type 0x01 is a log key
		expect(parseCosignerKey(W.w1.vkey.replace('36b78e68', '36b78e69')).ok).toBe(false);
	});

	it('parses a cosignature line and adds lines to a note once', () => {
		const c = parseCosignatureLine(W.cosignature);
		expect(c).toMatchObject({ ok: true, value: { name: W.w1.name, keyId: '36b78e68', time: 1767225600 } });
		expect(addSignatureLines(LOG_VECTORS.signedCheckpoint, [W.cosignature, W.cosignature])).toBe(W.cosignedCheckpoint);
		expect(addSignatureLines(W.cosignedCheckpoint, [W.cosignature])).toBe(W.cosignedCheckpoint);
		expect(splitNote(W.cosignedCheckpoint)?.lines).toHaveLength(2);
	});
});

describe('witness policy', () => {
	it('parses, formats canonically and refuses what it does not understand', () => {
		const p = parsePolicy(`# two witnesses\nwitness ${W.w1.vkey} http://127.0.0.1:4501/\nwitness ${W.w2.vkey}\nquorum 1\n`);
		if (!p.ok) throw new Error(p.message);
		expect(p.value.witnesses[0].url).toBe('http://127.0.0.1:4501');
		expect(formatPolicy(p.value, { urls: false })).toBe(W.policy);
		expect(parsePolicy('')).toEqual({ ok: true, value: { witnesses: [], quorum: 0 } });
		for (const bad of [`witness ${W.w1.vkey}\n`, `witness ${W.w1.vkey}\nquorum 2\n`, `witness ${W.w1.vkey}\nwitness ${W.w1.vkey}\nquorum 1\n`, 'quorum 1\n', 'log x\nquorum 0\n', `witness ${W.w1.vkey} ftp://x\nquorum 1\n`, 'quorum 0\nquorum 0\n']) {
			expect(parsePolicy(bad).ok, bad).toBe(false);
		}
	});

	it('says plainly what is missing', async () => {
		const policy = policyOf([{ name: W.w1.name, publicKey: w1.publicKey }, { name: W.w2.name, publicKey: w2.publicKey }], 2);
		const v = await checkWitnesses(W.cosignedCheckpoint, policy, nobleVerifier);
		expect(v).toMatchObject({ ok: false, quorum: 2, cosigned: [{ name: W.w1.name, time: 1767225600 }], missing: [W.w2.name], invalid: [] });
		expect(v.message).toMatch(/^NOT WITNESSED: this checkpoint carries 1 of the 2 .* \(missing: witness.example\/w2\)/);
		const one = await checkWitnesses(W.cosignedCheckpoint, { ...policy, quorum: 1 }, nobleVerifier);
		expect(one.ok).toBe(true);
		expect(one.message).toMatch(/^Witnessed: cosigned by 1 of 2 witnesses/);
		// A cosignature over another checkpoint does not count, and is named.
		const moved = W.cosignedCheckpoint.replace('\n3\n', '\n4\n');
		const forged = await checkWitnesses(moved, { ...policy, quorum: 1 }, nobleVerifier);
		expect(forged).toMatchObject({ ok: false, invalid: [W.w1.name] });
		expect(forged.message).toContain('does not verify');
	});
});

describe('witness step (tlog-witness add-checkpoint)', () => {
	it('answers the vector request with the vector cosignature and persists the new size', async () => {
		const l = log(3);
		const state: WitnessState = { logs: { [LOG_VECTOR_ORIGIN]: { origin: LOG_VECTOR_ORIGIN, size: 2, root: 'WkdmL9ijF9lgSaP59HxV3GfKZgUbqjaD27GbL+CaB7A=', checkpoint: '', at: 0 } } };
		void l;
		const a = await witnessStep(state, W.request, { ...deps(), now: 1767225600 });
		expect(a).toMatchObject({ outcome: 'cosigned', status: 200, body: W.cosignature });
		expect(a.next?.logs[LOG_VECTOR_ORIGIN]).toMatchObject({ size: 3, root: 'lPvQ3YNvUDAWkubQ6t5yjuGexSv/8WBu2AfIV11aqhk=' });
	});

	it('cosigns consistent checkpoints, first from 0, then with proofs', async () => {
		const l = log(10);
		const a = await submit(EMPTY_WITNESS_STATE, 0, [], await l.checkpoint(4));
		expect(a.status).toBe(200);
		const b = await submit(a.next!, 4, await l.proof(4, 9), await l.checkpoint(9));
		expect(b.status).toBe(200);
		expect(b.next!.logs[LOG_VECTOR_ORIGIN].size).toBe(9);
		const v = await checkWitnesses(addSignatureLines(await l.checkpoint(9), [b.body]), policyOf([{ name: W.w1.name, publicKey: w1.publicKey }], 1), nobleVerifier);
		expect(v.ok).toBe(true);
		// The same checkpoint again: cosigned again, nothing to persist.
		const again = await submit(b.next!, 9, [], await l.checkpoint(9));
		expect(again.status).toBe(200);
		expect(again.next).toBeUndefined();
	});

	it('never cosigns an inconsistent checkpoint, and keeps it as evidence', async () => {
		const honest = log(10);
		const forked = log(12, ' (forked)');
		const a = await submit(EMPTY_WITNESS_STATE, 0, [], await honest.checkpoint(8));
		const bad = await submit(a.next!, 8, await forked.proof(8, 12), await forked.checkpoint(12));
		expect(bad).toMatchObject({ outcome: 'bad-proof', status: 422 });
		expect(bad.next).toBeUndefined();
		expect(bad.evidence?.cosigned.size).toBe(8);
		const same = await submit(a.next!, 8, [], await forked.checkpoint(8));
		expect(same).toMatchObject({ outcome: 'root-mismatch', status: 409, contentType: TLOG_SIZE_TYPE, body: '8\n' });
		expect(same.evidence?.reason).toContain('two different trees of 8 entries');
	});

	it('answers a stale or unknown old size with 409 and the size it cosigned', async () => {
		const l = log(10);
		const a = await submit(EMPTY_WITNESS_STATE, 0, [], await l.checkpoint(8));
		const stale = await submit(a.next!, 0, [], await l.checkpoint(5));
		expect(stale).toMatchObject({ outcome: 'old-size-mismatch', status: 409, contentType: TLOG_SIZE_TYPE, body: '8\n' });
		const older = await submit(a.next!, 8, [], await l.checkpoint(5));
		expect(older).toMatchObject({ outcome: 'old-size-too-large', status: 400 });
		const ahead = await submit(a.next!, 9, await l.proof(9, 10), await l.checkpoint(10));
		expect(ahead).toMatchObject({ status: 409, body: '8\n' });
	});

	it('refuses an unknown log (404) and a checkpoint the log key did not sign (403)', async () => {
		const l = log(3);
		const other = await signCheckpoint({ origin: 'other.example/log', size: 1, root: new Uint8Array(32) }, 'other.example/log', w2);
		expect(await submit(EMPTY_WITNESS_STATE, 0, [], other)).toMatchObject({ outcome: 'unknown-log', status: 404 });
		const impostor = await l.checkpoint(3, w2); // right origin, another key
		expect(await submit(EMPTY_WITNESS_STATE, 0, [], impostor)).toMatchObject({ outcome: 'bad-signature', status: 403 });
		const tampered = (await l.checkpoint(3)).replace('\n3\n', '\n2\n');
		expect(await submit(EMPTY_WITNESS_STATE, 0, [], tampered)).toMatchObject({ outcome: 'bad-signature', status: 403 });
		expect(await witnessStep(EMPTY_WITNESS_STATE, 'nonsense', deps())).toMatchObject({ outcome: 'malformed', status: 400 });
	});
});
