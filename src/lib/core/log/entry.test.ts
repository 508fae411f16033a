import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../bytes';
import { DecodeError } from '../codec';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import {
	changeHash,
	decodeEntry,
	encodeEntry,
	signStatement,
	statementBytes,
	verifyStatement,
	type Entry,
	type Statement
} from './entry';
import { ASSESSOR_SECRET, ENTRY_VECTORS, ENTRY_VECTOR_ORIGIN, EXAMPLE_CHANGE_TEXT, EXAMPLE_EVIDENCE_TEXT, EXAMPLE_PENDING_CHANGE_TEXT, EXAMPLE_PRIVATE_CHANGE_TEXT, LOG_SECRET, REGISTRAR_SECRET } from './entry.vectors';

const origin = ENTRY_VECTOR_ORIGIN;
const registrar = secretKeySigner(fromHex(REGISTRAR_SECRET));
const assessor = secretKeySigner(fromHex(ASSESSOR_SECRET));
const logSigner = secretKeySigner(fromHex(LOG_SECRET));

describe('entry vectors (docs/protocol.md)', () => {
	const expectedStatements: Statement[] = [
		{ kind: 'grant', grantee: registrar.publicKey, role: 'registrar', name: 'Ada Registrar', districts: ['*'], author: registrar.publicKey, claimedTime: 1767225600000 },
		{ kind: 'grant', grantee: assessor.publicKey, role: 'assessor', name: 'Ben Assessor', districts: ['NORTH', 'RIV'], author: registrar.publicKey, claimedTime: 1767225660000 },
		{ kind: 'edit', parcelId: 'RIV-000123', part: 'parcel', changeHash: changeHash(utf8(EXAMPLE_CHANGE_TEXT)), author: assessor.publicKey, claimedTime: 1767312000000 },
		{ kind: 'revoke', revoked: assessor.publicKey, reason: 'tablet lost', author: registrar.publicKey, claimedTime: 1767398400000 },
		{ kind: 'erase', parcelId: 'RIV-000123', changeHashes: [changeHash(utf8(EXAMPLE_PRIVATE_CHANGE_TEXT))], reason: 'Data subject request 2026-17', legalBasis: 'GDPR Art. 17(1)(a)', author: registrar.publicKey, claimedTime: 1767484800000 },
		{ kind: 'access', scope: 'RIV-000123', reader: registrar.publicKey, purpose: 'registry work', author: logSigner.publicKey, claimedTime: 1767571200000 },
		{ kind: 'notice', parcelId: 'RIV-000123', part: 'title', changeHash: changeHash(utf8(EXAMPLE_PENDING_CHANGE_TEXT)), deadline: 1768435200000, text: 'Transfer of ownership to Cy Buyer', author: registrar.publicKey, claimedTime: 1767657600000 },
		{ kind: 'claim', parcelId: 'RIV-000123', claimKind: 'ownership', contested: ['title.owners'], notice: 6, text: "The owner's heir objects to the transfer.", files: [{ hash: changeHash(utf8(EXAMPLE_EVIDENCE_TEXT)), size: 16 }], author: assessor.publicKey, claimedTime: 1767744000000 },
		{ kind: 'decision', parcelId: 'RIV-000123', claimIndex: 7, outcome: 'upheld', text: 'The will names the heir.', caused: [changeHash(utf8(EXAMPLE_CHANGE_TEXT))], author: registrar.publicKey, claimedTime: 1767830400000 }
	];

	for (const [i, v] of ENTRY_VECTORS.entries()) {
		it(`vector ${i} (${v.kind}) encodes, decodes and verifies`, async () => {
			const s = expectedStatements[i];
			expect(toHex(statementBytes(origin, s))).toBe(v.statement);
			const signer = [registrar, assessor, logSigner].find((k) => toHex(k.publicKey) === toHex(s.author))!;
			const sig = await signStatement(origin, s, signer);
			const entry: Entry = { ...s, logTime: v.logTime, signature: sig };
			expect(toHex(encodeEntry(entry))).toBe(v.entry);
			const decoded = decodeEntry(fromHex(v.entry));
			expect(decoded).toEqual(entry);
			expect(await verifyStatement(origin, decoded, decoded.signature, nobleVerifier)).toBe(true);
			expect(await verifyStatement('another.example/log', decoded, decoded.signature, nobleVerifier)).toBe(false);
		});
	}
});

describe('docs/protocol.md', () => {
	it('quotes every entry vector verbatim', () => {
		const docs = Object.values(import.meta.glob<string>('/docs/protocol.md', { query: '?raw', import: 'default', eager: true })).join('');
		for (const v of ENTRY_VECTORS) {
			expect(docs).toContain(v.statement);
			expect(docs).toContain(v.entry);
		}
	});
});

describe('entry decoding is strict', () => {
	const good = fromHex(ENTRY_VECTORS[2].entry);

	it('refuses truncation at every length and any trailing byte', () => {
		for (let n = 0; n < good.length; n++) expect(() => decodeEntry(good.subarray(0, n))).toThrow(DecodeError);
		const longer = new Uint8Array(good.length + 1);
		longer.set(good);
		expect(() => decodeEntry(longer)).toThrow(/trailing/);
	});

	it('refuses an unknown version, kind, part and a malformed parcel id', () => {
		const mutate = (i: number, v: number) => {
			const b = Uint8Array.from(good);
			b[i] = v;
			return b;
		};
		expect(() => decodeEntry(mutate(0, 2))).toThrow(/version/);
		expect(() => decodeEntry(mutate(1, 9))).toThrow(/kind/);
		expect(() => decodeEntry(mutate(2 + 1 + 10, 7))).toThrow(/part/);
		expect(() => decodeEntry(mutate(3, 'r'.charCodeAt(0)))).toThrow(/parcel id/);
	});

	it('every single-bit flip is refused by decoding or by the signature', async () => {
		for (let i = 0; i < good.length; i++) {
			for (let bit = 0; bit < 8; bit++) {
				const b = Uint8Array.from(good);
				b[i] ^= 1 << bit;
				let e: Entry;
				try {
					e = decodeEntry(b);
				} catch {
					continue;
				}
				// The log time is not signed: the log vouches for it with its checkpoint instead.
				const logTimeStart = good.length - 64 - 8;
				const ok = await verifyStatement(origin, e, e.signature, nobleVerifier);
				expect(ok, `flip byte ${i} bit ${bit}`).toBe(i >= logTimeStart && i < logTimeStart + 8);
			}
		}
	});

	it('refuses to encode malformed statements', () => {
		const base = { author: assessor.publicKey, claimedTime: 1, logTime: 1, signature: new Uint8Array(64) };
		const edit = { kind: 'edit' as const, parcelId: 'RIV-1', part: 'parcel' as const, changeHash: new Uint8Array(32) };
		expect(() => encodeEntry({ ...base, ...edit, parcelId: 'riv-1' })).toThrow(/parcel id/);
		expect(() => encodeEntry({ ...base, ...edit, changeHash: new Uint8Array(31) })).toThrow(/32 bytes/);
		expect(() => encodeEntry({ ...base, ...edit, claimedTime: -1 })).toThrow(/claimed time/);
		const grant = { kind: 'grant' as const, grantee: assessor.publicKey, role: 'assessor' as const, name: 'X', districts: ['RIV', 'NORTH'] };
		expect(() => encodeEntry({ ...base, ...grant })).toThrow(/sorted/);
		expect(() => encodeEntry({ ...base, ...grant, districts: [] })).toThrow(/districts/);
		expect(() => encodeEntry({ ...base, ...grant, districts: ['NORTH'], name: ' X' })).toThrow(/name/);
		expect(() => encodeEntry({ ...base, kind: 'revoke', revoked: assessor.publicKey, reason: ' ' })).toThrow(/reason/);
	});

	it('a signer cannot sign a statement naming another author', async () => {
		const s: Statement = { kind: 'edit', parcelId: 'RIV-1', part: 'title', changeHash: new Uint8Array(32), author: registrar.publicKey, claimedTime: 5 };
		await expect(signStatement(origin, s, assessor)).rejects.toThrow(/not the signer/);
	});
});
