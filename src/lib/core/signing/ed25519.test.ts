import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../bytes';
import { nobleVerifier, publicKeyOf, secretKeySigner } from './ed25519';

// RFC 8032 §7.1, TEST 1 and TEST 2.
const rfc = [
	{
		secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
		public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
		message: '',
		signature:
			'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
	},
	{
		secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
		public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
		message: '72',
		signature:
			'92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00'
	}
];

describe('ed25519 (noble)', () => {
	for (const [i, v] of rfc.entries()) {
		it(`matches RFC 8032 test ${i + 1}`, async () => {
			const signer = secretKeySigner(fromHex(v.secret));
			expect(toHex(signer.publicKey)).toBe(v.public);
			expect(toHex(publicKeyOf(fromHex(v.secret)))).toBe(v.public);
			const sig = await signer.sign(fromHex(v.message));
			expect(toHex(sig)).toBe(v.signature);
			expect(await nobleVerifier.verify(sig, fromHex(v.message), signer.publicKey)).toBe(true);
		});
	}

	it('rejects a changed message, a changed signature and malformed inputs', async () => {
		const signer = secretKeySigner(fromHex(rfc[0].secret));
		const msg = utf8('hello');
		const sig = await signer.sign(msg);
		expect(nobleVerifier.verify(sig, utf8('hellp'), signer.publicKey)).toBe(false);
		const bad = Uint8Array.from(sig);
		bad[3] ^= 1;
		expect(nobleVerifier.verify(bad, msg, signer.publicKey)).toBe(false);
		expect(nobleVerifier.verify(sig.subarray(1), msg, signer.publicKey)).toBe(false);
		expect(nobleVerifier.verify(sig, msg, new Uint8Array(32))).toBe(false);
		expect(() => secretKeySigner(new Uint8Array(31))).toThrow(/32 bytes/);
	});
});
