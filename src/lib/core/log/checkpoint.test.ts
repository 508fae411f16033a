import { describe, expect, it } from 'vitest';
import { fromHex, toBase64, utf8 } from '../bytes';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint';
import { noteVerifierKey, signNote } from './note';

const signer = secretKeySigner(fromHex('c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7'));
const origin = 'example.org/log';
const logKey = noteVerifierKey(origin, signer.publicKey);
const root = new Uint8Array(32).fill(7);
const R = toBase64(root);

describe('checkpoint text', () => {
	it('formats and parses the three lines and extensions', () => {
		const text = formatCheckpoint({ origin, size: 42, root });
		expect(text).toBe(`${origin}\n42\n${R}\n`);
		expect(parseCheckpoint(text)).toEqual({ ok: true, value: { origin, size: 42, root, extensions: [] } });
		const ext = formatCheckpoint({ origin, size: 0, root, extensions: ['a b', 'c'] });
		expect(ext).toBe(`${origin}\n0\n${R}\na b\nc\n`);
		expect(parseCheckpoint(ext)).toMatchObject({ ok: true, value: { size: 0, extensions: ['a b', 'c'] } });
		expect(parseCheckpoint(`${origin}\n9007199254740991\n${R}\n`)).toMatchObject({ ok: true, value: { size: 2 ** 53 - 1 } });
	});

	it('rejects anything but the strict form', () => {
		for (const text of [
			`${origin}\n42\n${R}`,
			`${origin}\n42\n`,
			`\n42\n${R}\n`,
			`${origin}\n042\n${R}\n`,
			`${origin}\n+42\n${R}\n`,
			`${origin}\n-1\n${R}\n`,
			`${origin}\n4.2\n${R}\n`,
			`${origin}\n 42\n${R}\n`,
			`${origin}\n9007199254740992\n${R}\n`,
			`${origin}\n42\n${toBase64(new Uint8Array(31))}\n`,
			`${origin}\n42\n${R.replace('=', '')}\n`,
			`${origin}\n42\n${R}\n\n`,
			`${origin}\n42\n${R}\next\n\n`,
			`${origin}\r\n42\n${R}\n`,
			`${origin}\n42\r\n${R}\n`
		]) {
			expect(parseCheckpoint(text), JSON.stringify(text)).toMatchObject({ ok: false, code: 'malformed-checkpoint' });
		}
	});

	it('refuses to format what it could not parse back', () => {
		expect(() => formatCheckpoint({ origin: '', size: 1, root })).toThrow(RangeError);
		expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, root })).toThrow(RangeError);
		expect(() => formatCheckpoint({ origin, size: -1, root })).toThrow(RangeError);
		expect(() => formatCheckpoint({ origin, size: 1, root: new Uint8Array(31) })).toThrow(RangeError);
		expect(() => formatCheckpoint({ origin, size: 1, root, extensions: [''] })).toThrow(RangeError);
	});
});

describe('signed checkpoints', () => {
	it('sign and open with the log key, ignoring other signatures', async () => {
		const note = await signCheckpoint({ origin, size: 5, root }, origin, signer);
		const opened = await openCheckpoint(note, logKey, nobleVerifier);
		expect(opened).toMatchObject({ ok: true, value: { checkpoint: { origin, size: 5, root } } });
		const witness = secretKeySigner(new Uint8Array(32).fill(9));
		const cosigned = note + (await signNote(formatCheckpoint({ origin, size: 5, root }), 'witness.example', witness)).split('\n\n')[1];
		expect(await openCheckpoint(utf8(cosigned), logKey, nobleVerifier)).toMatchObject({ ok: true, value: { note: { unverified: [{ name: 'witness.example' }] } } });
	});

	it('rejects a checkpoint for another origin, an unsigned one and a forged one', async () => {
		await expect(signCheckpoint({ origin, size: 5, root }, 'other.example/log', signer)).rejects.toThrow(RangeError);
		const otherKey = noteVerifierKey('other.example/log', signer.publicKey);
		const foreign = await signNote(formatCheckpoint({ origin, size: 5, root }), 'other.example/log', signer);
		expect(await openCheckpoint(foreign, otherKey, nobleVerifier)).toMatchObject({ ok: false, code: 'origin-mismatch' });
		expect(await openCheckpoint(foreign, logKey, nobleVerifier)).toMatchObject({ ok: false, code: 'unverified-note' });
		const note = await signCheckpoint({ origin, size: 5, root }, origin, signer);
		expect(await openCheckpoint(note.replace('\n5\n', '\n6\n'), logKey, nobleVerifier)).toMatchObject({ ok: false, code: 'invalid-signature' });
		const garbage = await signNote(`${origin}\nfive\n${R}\n`, origin, signer);
		expect(await openCheckpoint(garbage, logKey, nobleVerifier)).toMatchObject({ ok: false, code: 'malformed-checkpoint' });
	});
});
