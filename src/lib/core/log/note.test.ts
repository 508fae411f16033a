import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toHex, utf8 } from '../bytes';
import { nobleVerifier, secretKeySigner, type SignatureVerifier } from '../signing/ed25519';
import { formatVerifierKey, noteKeyId, noteVerifierKey, openNote, parseVerifierKey, signNote, type NoteVerifierKey } from './note';

// Vectors from golang.org/x/mod/sumdb/note (note.go's package example and note_test.go).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const key = (vkey: string): NoteVerifierKey => {
	const r = parseVerifierKey(vkey);
	if (!r.ok) throw new Error(r.message);
	return r.value;
};
const peter = key(PETER_VKEY);
const enoch = key(ENOCH_VKEY);
// The Go signer key is base64(0x01 ‖ Ed25519 seed) after the name and key ID.
const peterSigner = secretKeySigner(fromBase64(PETER_SKEY.split('+').slice(4).join('+')).subarray(1));

describe('verifier keys', () => {
	it('parses and re-creates the Go vectors', () => {
		expect(peter.name).toBe('PeterNeumann');
		expect(peter.keyId).toBe('c74f20a3');
		expect(toHex(peterSigner.publicKey)).toBe(toHex(peter.publicKey));
		expect(formatVerifierKey('PeterNeumann', peterSigner.publicKey)).toBe(PETER_VKEY);
		expect(formatVerifierKey(enoch.name, enoch.publicKey)).toBe(ENOCH_VKEY);
		expect(noteKeyId('EnochRoot', enoch.publicKey)).toBe('af0cfe78');
	});

	it('rejects every substring and every single-character change (as note_test.go does)', () => {
		const rejected = (k: string) => !parseVerifierKey(k).ok;
		for (let i = 0; i <= PETER_VKEY.length; i++) {
			for (let j = i + 1; j <= PETER_VKEY.length; j++) {
				if (i !== 0 || j !== PETER_VKEY.length) expect(rejected(PETER_VKEY.slice(i, j)), PETER_VKEY.slice(i, j)).toBe(true);
			}
		}
		for (let i = 0; i < PETER_VKEY.length; i++) {
			const k = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
			expect(rejected(k), k).toBe(true);
		}
		// Wrong key length and unknown algorithm, each with a matching key ID.
		expect(parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toMatchObject({ code: 'malformed-key' });
		expect(parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toMatchObject({ code: 'malformed-key' });
		expect(parseVerifierKey('PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').ok).toBe(false);
		expect(parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').ok).toBe(false);
	});

	it('refuses names a note cannot carry', () => {
		for (const name of ['', 'a b', 'a+b', 'a\nb', 'a\u00a0b', 'a\u2028b', 'tab\t']) {
			expect(() => noteVerifierKey(name, peter.publicKey), JSON.stringify(name)).toThrow(RangeError);
		}
		expect(() => noteVerifierKey('ok', new Uint8Array(31))).toThrow(RangeError);
		expect(noteVerifierKey('example.com/log', peter.publicKey).name).toBe('example.com/log');
	});
});

describe('signNote', () => {
	it('reproduces the Go example note byte for byte', async () => {
		expect(await signNote(TEXT, 'PeterNeumann', peterSigner)).toBe(`${TEXT}\n${PETER_SIG}`);
	});

	it('refuses texts that are not notes', async () => {
		await expect(signNote('abc', 'PeterNeumann', peterSigner)).rejects.toThrow(RangeError);
		await expect(signNote('a\u0001\n', 'PeterNeumann', peterSigner)).rejects.toThrow(RangeError);
		await expect(signNote('\uD800\n', 'PeterNeumann', peterSigner)).rejects.toThrow(RangeError);
		await expect(signNote(TEXT, 'Peter Neumann', peterSigner)).rejects.toThrow(RangeError);
	});
});

describe('openNote', () => {
	const open = (msg: string | Uint8Array, keys: NoteVerifierKey[], v: SignatureVerifier = nobleVerifier) => openNote(msg, keys, v);

	it('verifies known keys and ignores unknown ones (note_test.go TestOpen)', async () => {
		const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
		expect(await open(both, [peter])).toEqual({
			ok: true,
			value: { text: TEXT, verifiedBy: [peter], unverified: [{ name: 'EnochRoot', keyId: 'af0cfe78' }] }
		});
		expect(await open(utf8(both), [peter, enoch])).toEqual({ ok: true, value: { text: TEXT, verifiedBy: [peter, enoch], unverified: [] } });
		expect(await open(both, [])).toMatchObject({ ok: false, code: 'unverified-note' });
		expect(await open(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch])).toMatchObject({ ok: true });
	});

	it('counts repeated signatures once', async () => {
		const enochAbcd = ENOCH_SIG.slice(0, 60) + 'ABCD' + ENOCH_SIG.slice(60);
		const r = await open(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochAbcd}`, [peter]);
		expect(r.ok && r.value.verifiedBy).toEqual([peter]);
		expect(r.ok && r.value.unverified.map((u) => u.name)).toEqual(['EnochRoot', 'EnochRoot']);
	});

	it('rejects a bad signature from a known key, and too many signatures', async () => {
		const bad = PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60);
		expect(await open(`${TEXT}\n${bad}`, [peter])).toMatchObject({ ok: false, code: 'invalid-signature' });
		expect(await open(`${TEXT}\n${PETER_SIG.replace('x08g', 'x08h')}`, [peter])).toMatchObject({ ok: false, code: 'unverified-note' });
		expect(await open(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter])).toMatchObject({ ok: false, code: 'too-many-signatures' });
		expect(await open(`${TEXT}\n${PETER_SIG.repeat(100)}`, [peter])).toMatchObject({ ok: true });
		expect(await openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter], nobleVerifier, { maxSignatures: 1 })).toMatchObject({ ok: false, code: 'too-many-signatures' });
		const lying: SignatureVerifier = { verify: () => false };
		expect(await open(`${TEXT}\n${PETER_SIG}`, [peter], lying)).toMatchObject({ ok: false, code: 'invalid-signature' });
	});

	it('rejects malformed notes (note_test.go badMsgs and more)', async () => {
		for (const msg of [
			TEXT,
			`${TEXT}\n`,
			`${TEXT}\n${PETER_SIG.slice(0, -1)}`,
			`\u0001${TEXT}\n${PETER_SIG}`,
			`${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
			`${TEXT}\n${PETER_SIG}Unexpected line.\n`,
			`${TEXT}\n${PETER_SIG.replace('— ', '-- ')}`,
			`${TEXT}\n${PETER_SIG.replace('=\n', '\n')}`,
			`${TEXT}\n— PeterNeumann\n`,
			`${TEXT}\n— PeterNeumann AAAA\n`,
			`${TEXT}\n${PETER_SIG}\n`,
			`${TEXT}\r\n${PETER_SIG}`,
			`\uDC00${TEXT}\n${PETER_SIG}`
		]) {
			expect(await open(msg, [peter]), JSON.stringify(msg)).toMatchObject({ ok: false, code: 'malformed-note' });
		}
		expect(await open(Uint8Array.of(0xff, ...utf8(`${TEXT}\n${PETER_SIG}`)), [peter])).toMatchObject({ code: 'malformed-note' });
	});

	it('verifies the exact bytes, keeping a byte-order mark', async () => {
		const bom = `\uFEFF${TEXT}`;
		const signed = await signNote(bom, 'PeterNeumann', peterSigner);
		const r = await open(utf8(signed), [peter]);
		expect(r.ok && r.value.text).toBe(bom);
	});

	it('refuses a verifier key whose ID does not match it', async () => {
		const forged = { ...peter, publicKey: enoch.publicKey };
		expect(await open(`${TEXT}\n${PETER_SIG}`, [forged])).toMatchObject({ ok: false, code: 'malformed-key' });
		expect(fromHex(peter.keyId)).toHaveLength(4);
	});
});
