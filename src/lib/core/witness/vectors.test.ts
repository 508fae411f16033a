// Asserts the witness vectors that docs/protocol.md shows ("Witnesses"): if this fails, a format
// changed, and both the vectors and the docs need a deliberate update.
import { describe, expect, it } from 'vitest';
import { fromHex, fromUtf8, toHex } from '../bytes';
import { LOG_VECTORS } from '../log/vectors';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { cosign, cosignatureMessage, formatCosignerKey } from './cosignature';
import { checkWitnesses, parsePolicy } from './policy';
import { WITNESS_VECTOR_TIME, WITNESS_VECTORS as W } from './vectors';

const docs = Object.values(import.meta.glob<string>('/docs/*.md', { query: '?raw', import: 'default', eager: true })).join('\n');

describe('witness vectors (docs/protocol.md)', () => {
	it('keys, message, cosignature and policy', async () => {
		const w1 = secretKeySigner(fromHex(W.w1.secret));
		const w2 = secretKeySigner(fromHex(W.w2.secret));
		expect(toHex(w1.publicKey)).toBe(W.w1.public);
		expect(toHex(w2.publicKey)).toBe(W.w2.public);
		expect(formatCosignerKey(W.w1.name, w1.publicKey)).toBe(W.w1.vkey);
		expect(formatCosignerKey(W.w2.name, w2.publicKey)).toBe(W.w2.vkey);
		expect(fromUtf8(cosignatureMessage(LOG_VECTORS.checkpoint, WITNESS_VECTOR_TIME))).toBe(W.message);
		expect(await cosign(LOG_VECTORS.checkpoint, W.w1.name, w1, WITNESS_VECTOR_TIME)).toBe(W.cosignature);
		const policy = parsePolicy(W.policy);
		if (!policy.ok) throw new Error(policy.message);
		expect(await checkWitnesses(W.cosignedCheckpoint, policy.value, nobleVerifier)).toMatchObject({ ok: true, cosigned: [{ name: W.w1.name, time: WITNESS_VECTOR_TIME }], missing: [W.w2.name] });
	});

	it('are all quoted, verbatim, in docs/', () => {
		const quoted = [W.w1.secret, W.w1.vkey, W.w2.secret, W.w2.vkey, W.cosignature.trim(), ...W.policy.trim().split('\n'), ...W.request.split('\n\n')[0].split('\n'), ...W.message.split('\n').slice(0, 2)];
		for (const q of quoted) expect(docs, q).toContain(q);
	});
});
