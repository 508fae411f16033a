import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../bytes';
import { emptyTreeRoot, leafHash, nodeHash } from './hashing';
import { CT_HASHER } from './merkle.vectors';

describe('RFC 6962 hashing', () => {
	it('matches the transparency-dev/merkle rfc6962 hasher vectors', () => {
		expect(toHex(emptyTreeRoot())).toBe(CT_HASHER.emptyRoot);
		expect(toHex(leafHash(new Uint8Array(0)))).toBe(CT_HASHER.emptyLeaf);
		expect(toHex(leafHash(utf8('L123456')))).toBe(CT_HASHER.leafL123456);
		expect(toHex(nodeHash(utf8('N123'), utf8('N456')))).toBe(CT_HASHER.nodeN123N456);
	});

	it('separates leaves from nodes and orders children', () => {
		const a = leafHash(utf8('Hello'));
		const b = leafHash(utf8('World'));
		const node = nodeHash(a, b);
		const both = new Uint8Array(64);
		both.set(a);
		both.set(b, 32);
		expect(toHex(leafHash(both))).not.toBe(toHex(node));
		expect(toHex(nodeHash(b, a))).not.toBe(toHex(node));
		expect(toHex(emptyTreeRoot())).not.toBe(toHex(leafHash(new Uint8Array(0))));
	});
});
