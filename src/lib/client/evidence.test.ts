import { describe, expect, it } from 'vitest';
import { readEvidence } from './evidence';
import { sha256Hex } from './crypto';

const PDF = new TextEncoder().encode('%PDF-1.4\n% evidence\n');

describe('readEvidence', () => {
	it('hashes files the server keeps, by their content, once each', async () => {
		const r = await readEvidence([new File([PDF], 'deed.pdf'), new File([PDF], 'same-again.pdf')]);
		expect(r).toMatchObject({ ok: true, evidence: [{ hash: await sha256Hex(PDF), size: PDF.length, type: 'application/pdf', name: 'deed.pdf' }] });
	});
	it('refuses before signing what the server would refuse', async () => {
		const text = await readEvidence([new File(['plain text, named .pdf'], 'fake.pdf')]);
		expect(text).toMatchObject({ ok: false, message: expect.stringContaining('fake.pdf is not a file the registry keeps') });
		expect(await readEvidence([new File([], 'empty.png')])).toMatchObject({ ok: false });
		expect(await readEvidence(Array.from({ length: 17 }, (_, i) => new File([PDF, String(i)], `${i}.pdf`)))).toMatchObject({ ok: false, message: 'at most 16 evidence files' });
	});
});
