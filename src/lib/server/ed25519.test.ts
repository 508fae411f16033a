import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fromHex, toHex } from '../core/bytes';
import { nobleVerifier, secretKeySigner } from '../core/signing/ed25519';
import { decodeEntry, statementBytes } from '../core/log/entry';
import { ENTRY_VECTORS, ENTRY_VECTOR_ORIGIN, REGISTRAR_SECRET, ASSESSOR_SECRET } from '../core/log/entry.vectors';
import { nodeSigner, nodeVerifier } from './ed25519';

describe('node:crypto and noble agree', () => {
	it('produce identical keys and signatures for the same secret and message', async () => {
		for (const secret of [REGISTRAR_SECRET, ASSESSOR_SECRET, toHex(randomBytes(32)), toHex(randomBytes(32))]) {
			const a = secretKeySigner(fromHex(secret));
			const b = nodeSigner(fromHex(secret));
			expect(toHex(b.publicKey)).toBe(toHex(a.publicKey));
			for (const len of [0, 1, 64, 1000]) {
				const msg = randomBytes(len);
				const sa = await a.sign(msg);
				const sb = await b.sign(msg);
				expect(toHex(sb)).toBe(toHex(sa));
			}
		}
	});

	it('give the same verdicts on the entry vectors and their corruptions', async () => {
		for (const v of ENTRY_VECTORS) {
			const e = decodeEntry(fromHex(v.entry));
			const msg = statementBytes(ENTRY_VECTOR_ORIGIN, e);
			const cases: [Uint8Array, Uint8Array, Uint8Array][] = [[e.signature, msg, e.author]];
			for (let i = 0; i < 64; i += 7) {
				const sig = Uint8Array.from(e.signature);
				sig[i] ^= 0x10;
				cases.push([sig, msg, e.author]);
			}
			const m2 = Uint8Array.from(msg);
			m2[m2.length - 1] ^= 1;
			cases.push([e.signature, m2, e.author]);
			cases.push([e.signature, msg, new Uint8Array(32).fill(1)]);
			for (const [sig, m, pub] of cases) {
				expect(nodeVerifier.verify(sig, m, pub)).toBe(await nobleVerifier.verify(sig, m, pub));
			}
			expect(nodeVerifier.verify(e.signature, msg, e.author)).toBe(true);
		}
	});

	it('refuse a non-canonical S (RFC 8032 strict verification) alike', () => {
		const e = decodeEntry(fromHex(ENTRY_VECTORS[0].entry));
		const msg = statementBytes(ENTRY_VECTOR_ORIGIN, e);
		// S + L, where L is the group order: valid under ZIP-215-lax rules, invalid under RFC 8032.
		const L = 2n ** 252n + 27742317777372353535851937790883648493n;
		let s = 0n;
		for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(e.signature[32 + i]);
		let t = s + L;
		const sig = Uint8Array.from(e.signature);
		for (let i = 0; i < 32; i++) {
			sig[32 + i] = Number(t & 0xffn);
			t >>= 8n;
		}
		expect(nodeVerifier.verify(sig, msg, e.author)).toBe(false);
		expect(nobleVerifier.verify(sig, msg, e.author)).toBe(false);
	});
});
