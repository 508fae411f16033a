import { describe, expect, it } from 'vitest';
import { toBase64 } from '../bytes';
import {
	consistencyProofToJson,
	inclusionProofToJson,
	parseConsistencyProofJson,
	parseInclusionProofJson
} from './proof-json';

const h = (b: number) => new Uint8Array(32).fill(b);

describe('proof JSON', () => {
	it('round-trips through JSON text', () => {
		const inc = { leafIndex: 1, treeSize: 3, hashes: [h(1), h(2)] };
		const json = JSON.parse(JSON.stringify(inclusionProofToJson(inc)));
		expect(json).toEqual({ leafIndex: 1, treeSize: 3, hashes: [toBase64(h(1)), toBase64(h(2))] });
		expect(parseInclusionProofJson(json)).toEqual({ ok: true, value: inc });

		const con = { first: 2, second: 3, hashes: [h(3)] };
		const json2 = JSON.parse(JSON.stringify(consistencyProofToJson(con)));
		expect(json2).toEqual({ first: 2, second: 3, hashes: [toBase64(h(3))] });
		expect(parseConsistencyProofJson(json2)).toEqual({ ok: true, value: con });
		expect(parseConsistencyProofJson({ first: 0, second: 0, hashes: [], extra: 'ignored' }).ok).toBe(true);
	});

	it('rejects malformed shapes with a code and a message', () => {
		const good = toBase64(h(1));
		const bads: unknown[] = [
			null,
			[],
			'x',
			{ leafIndex: 3, treeSize: 3, hashes: [] },
			{ leafIndex: -1, treeSize: 3, hashes: [] },
			{ leafIndex: 1.5, treeSize: 3, hashes: [] },
			{ leafIndex: '1', treeSize: 3, hashes: [] },
			{ leafIndex: 0, treeSize: 2 ** 53, hashes: [] },
			{ leafIndex: 0, treeSize: 3 },
			{ leafIndex: 0, treeSize: 3, hashes: [good.slice(0, -4)] },
			{ leafIndex: 0, treeSize: 3, hashes: [good.replace('=', '')] },
			{ leafIndex: 0, treeSize: 3, hashes: [1] },
			{ leafIndex: 0, treeSize: 3, hashes: Array(65).fill(good) }
		];
		for (const b of bads) {
			const r = parseInclusionProofJson(b);
			expect(r).toMatchObject({ ok: false, code: 'malformed-proof-json' });
			if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
		}
		expect(parseConsistencyProofJson({ first: 4, second: 3, hashes: [] })).toMatchObject({ ok: false, code: 'malformed-proof-json' });
		expect(parseConsistencyProofJson({ first: 1, second: 3, hashes: ['AAAA'] })).toMatchObject({ ok: false });
	});
});
