// The extract test vector of docs/protocol.md "Extracts": the page's JSON must be exactly what
// the code builds from the vector log, must verify, and its one-byte alteration must not.
import { describe, expect, it } from 'vitest';
import { nobleVerifier } from '../signing/ed25519';
import { fromBase64, toBase64 } from '../bytes';
import { leavesUnder, parcelPrefix, verifyMapProof } from '../map';
import { mapOfLog, VECTOR_PARCEL, vectorExtract, vectorLog } from './vector-log';
import { verifyExtract } from './verify';

const docs = Object.values(import.meta.glob<string>('/docs/*.md', { query: '?raw', import: 'default', eager: true })).join('\n');
const section = docs.slice(docs.indexOf('## Extracts'));
const vectorText = /### Test vector[\s\S]*?```json\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
const afterVector = section.slice(section.indexOf(vectorText) + vectorText.length).replace(/\s+/g, ' ');

describe('extract vector (docs/protocol.md "Extracts")', () => {
	it('is quoted in the docs exactly as the code builds it', async () => {
		expect(vectorText).not.toBe('');
		expect(JSON.parse(vectorText)).toEqual(await vectorExtract());
		// Member order is part of the format: compare the text too.
		expect(JSON.stringify(JSON.parse(vectorText))).toBe(JSON.stringify(await vectorExtract()));
	});

	it('verifies, and the documented one-byte change fails with the documented reason', async () => {
		const good = await verifyExtract(vectorText, { verifier: nobleVerifier });
		expect(good.ok, good.reason).toBe(true);
		expect(good.completeUpTo).toBe(5);
		const altered = vectorText.replace('"record": {"addressLine":"1 Mill Lane"', '"record": {"addressLine":"2 Mill Lane"');
		expect(altered.length).toBe(vectorText.length);
		expect(altered).not.toBe(vectorText);
		const r = await verifyExtract(altered, { verifier: nobleVerifier });
		expect(r.ok).toBe(false);
		expect(afterVector).toContain(`with the reason \`${r.reason}\``);
	});

	it('is a v2 extract whose map proof reveals both of RIV-000123\'s leaves, as the page says', async () => {
		const x = await vectorExtract();
		expect(x.format).toBe('parcel-ledger-extract/v2');
		expect(Object.keys(x)).toEqual(['format', 'parcel', 'origin', 'verifierKey', 'checkpoint', 'entries', 'keys', 'mapProof', 'changes', 'record']);
		const root = /\nparcel-ledger\/map\/v2 (\S+)\n/.exec(x.checkpoint)?.[1];
		expect(root).toBe(toBase64(mapOfLog(await vectorLog()).root));
		const v = verifyMapProof(fromBase64(x.mapProof), fromBase64(root!));
		const leaves = v.ok ? leavesUnder(v.value, parcelPrefix(VECTOR_PARCEL)) : v;
		expect(leaves.ok && leaves.value.map((l) => [l.part, l.count, l.lastIndex])).toEqual([['parcel', 1, 2], ['private', 1, 3]]);
	});
});
