// The extract test vector of docs/protocol.md "Extracts": the page's JSON must be exactly what
// the code builds from the vector log, must verify, and its one-byte alteration must not.
import { describe, expect, it } from 'vitest';
import { nobleVerifier } from '../signing/ed25519';
import { vectorExtract } from './vector-log';
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
		expect((await verifyExtract(vectorText, { verifier: nobleVerifier })).ok).toBe(true);
		const altered = vectorText.replace('"record": {"addressLine":"1 Mill Lane"', '"record": {"addressLine":"2 Mill Lane"');
		expect(altered.length).toBe(vectorText.length);
		expect(altered).not.toBe(vectorText);
		const r = await verifyExtract(altered, { verifier: nobleVerifier });
		expect(r.ok).toBe(false);
		expect(afterVector).toContain(`with the reason \`${r.reason}\``);
	});
});
