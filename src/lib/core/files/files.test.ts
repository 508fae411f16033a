import * as A from '@automerge/automerge';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { filesNamedBy } from './named-files';
import { sniffType } from './sniff';

describe('filesNamedBy', () => {
	it('finds the SHA-256 keys a change creates, with their declared size', () => {
		const h = 'ab'.repeat(32);
		let d = A.from<{ photos: Record<string, unknown>; note?: string }>({ photos: {} });
		d = A.change(d, (x) => {
			x.photos[h] = { caption: 'front', bytes: 1234, width: 3, height: 4, takenAt: '2024-01-01T00:00:00Z' };
			x.note = 'cd'.repeat(32); // a hash as a value names nothing
		});
		expect(filesNamedBy(A.getLastLocalChange(d)!)).toEqual([{ hash: h, size: 1234 }]);
	});
});

describe('sniffType', () => {
	const b = (...x: (number | string)[]) => new Uint8Array(x.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));
	it('recognises the accepted types from their magic bytes and nothing else', () => {
		expect(sniffType(b(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
		expect(sniffType(b(0x89, 'PNG\r\n', 0x1a, '\n'))).toBe('image/png');
		expect(sniffType(b('RIFF', 0, 0, 0, 0, 'WEBP'))).toBe('image/webp');
		expect(sniffType(b(0, 0, 0, 24, 'ftypheic'))).toBe('image/heic');
		expect(sniffType(b('%PDF-1.7'))).toBe('application/pdf');
		expect(sniffType(b('GIF89a'))).toBeNull();
		expect(sniffType(b('<html>'))).toBeNull();
	});
});

it('docs/protocol.md "Files" test vector', () => {
	const file = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00]);
	expect(sniffType(file)).toBe('image/jpeg');
	expect(bytesToHex(sha256(file))).toBe('f55517e918c9f1ac538778a7d787f93b66102886b93464e5bf61b48527913dfd');
});
