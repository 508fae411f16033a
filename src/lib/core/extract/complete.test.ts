// The `complete` check (docs/protocol.md "Extracts"): each way of leaving an edit out, hiding a
// later one or swapping one fails with a message that names the problem; a v1 extract verifies
// but says its completeness is not proven.
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../bytes';
import { openCheckpoint } from '../log/checkpoint';
import { decodeEntry } from '../log/entry';
import { LOG_VECTOR_ORIGIN } from '../log/vectors';
import { parseVerifierKey } from '../log/note';
import { nobleVerifier } from '../signing/ed25519';
import { extractClaims, extractSummary, EXTRACT_PROVES_COMPLETE, EXTRACT_V1_NOT_COMPLETE } from './claims';
import type { Decoded } from './checks';
import { checkCompleteness } from './complete';
import { parseExtract, type ExtractJson } from './format';
import { completenessLog, extractOfLog, logSigner, tamperCases } from './tamper-cases';
import { memoryExtract, VECTOR_PARCEL } from './vector-log';
import { verifyExtract } from './verify';

const verify = (x: unknown) => verifyExtract(x, { verifier: nobleVerifier });

describe('the complete check', () => {
	it('passes for an honest extract and names what the map counts', async () => {
		const r = await verify(await extractOfLog(await completenessLog()));
		expect(r.ok, r.reason).toBe(true);
		expect(r.completeUpTo).toBe(10);
		const c = r.checks.find((c) => c.name === 'complete')!;
		expect(c).toMatchObject({ ok: true });
		expect(c.notProven).toBeUndefined();
		expect(c.detail).toBe(
			'Complete up to checkpoint 10: every edit of RIV-000123 in the log below 10 is here, and every claim, decision and notice. The parcel map the checkpoint signs counts 1 parcel edit, 1 title edit, 4 private edits, and no claim entry, with the same last indexes and the same digests.'
		);
		expect(extractClaims(r).proves).toContain(EXTRACT_PROVES_COMPLETE);
	});

	it('fails each tampered extract with a message that names the problem', async () => {
		const cases = await tamperCases();
		expect(cases.length).toBeGreaterThanOrEqual(9);
		for (const t of cases) {
			const r = await verify(t.extract);
			expect(r.ok, t.what).toBe(false);
			expect(r.checks.find((c) => !c.ok)?.name, t.what).toBe(t.check);
			expect(r.reason, t.what).toMatch(t.reason);
			expect(r.completeUpTo, t.what).toBeNull();
			expect(extractSummary(r), t.what).toMatch(/^NOT VERIFIED: /);
		}
	}, 60_000);

	it('catches the hidden title edit only by completeness: every other check passes', async () => {
		const hidden = (await tamperCases()).find((t) => t.what.startsWith('a part hidden whole'))!;
		const r = await verify(hidden.extract);
		expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['complete']);
	});

	// The same cases on decoded entries, as a forger who could also forge inclusion would present them.
	it('compares every part: counts, last index and the digest of the change hashes', async () => {
		const log = await completenessLog();
		const x = await extractOfLog(log);
		const parsed = parseExtract(x);
		if (!parsed.ok) throw new Error(parsed.message);
		const opened = await openCheckpoint(x.checkpoint, (parseVerifierKey(x.verifierKey) as { ok: true; value: never }).value, nobleVerifier);
		if (!opened.ok) throw new Error(opened.message);
		const cp = opened.value.checkpoint;
		const decoded: Decoded[] = parsed.value.entries.map((item) => ({ item, e: decodeEntry(item.bytes) }));
		const check = (entries: Decoded[]) => checkCompleteness(parsed.value, entries, cp);
		expect(check(decoded).status).toBe('complete');

		// Entry 5 (private) presented as a valuation edit: another part swapped in.
		const asValuation = decoded.map((d) => (d.item.index === 5 && d.e.kind === 'edit' ? { ...d, e: { ...d.e, part: 'valuation' as const } } : d));
		expect(check(asValuation)).toEqual({
			status: 'failed',
			detail: "The log has no edit of the valuation part up to checkpoint 10, the extract shows 1 (entry 5): the extract's entries are not the ones the log's parcel map holds."
		});
		// The change hashes of entries 5 and 6 exchanged: same count, same last index, other digest.
		const hashOf = (i: number) => (decoded.find((d) => d.item.index === i)!.e as { changeHash: Uint8Array }).changeHash;
		const reordered = decoded.map((d) => (d.e.kind === 'edit' && (d.item.index === 5 || d.item.index === 6) ? { ...d, e: { ...d.e, changeHash: hashOf(d.item.index === 5 ? 6 : 5) } } : d));
		expect(check(reordered).status === 'failed' && check(reordered).detail).toMatch(/^The extract's private edits are not the ones the log holds up to checkpoint 10 .*digest of their change hashes differs/);
		// One more entry than the map counts (a map that disagrees with the tree).
		const extra = [...decoded, { ...decoded[decoded.length - 1], item: { ...decoded[decoded.length - 1].item, index: 12 } }];
		expect(check(extra).status === 'failed' && check(extra).detail).toMatch(/the last at index 12 where the log's is at 9: the extract's title edits are not the ones/);
	});
});

describe('v1 extracts (no map proof)', () => {
	it('still verify, but say plainly that completeness is not proven', async () => {
		const x = await memoryExtract({ origin: LOG_VECTOR_ORIGIN, logSigner: logSigner(), parcel: VECTOR_PARCEL, items: await completenessLog(), v1: true });
		expect(x.format).toBe('parcel-ledger-extract/v1');
		expect('mapProof' in x).toBe(false);
		const r = await verify(x);
		expect(r.ok, r.reason).toBe(true);
		expect(r.completeUpTo).toBeNull();
		const c = r.checks.find((c) => c.name === 'complete')!;
		expect(c).toMatchObject({ ok: true, notProven: true });
		expect(c.detail).toMatch(/^Not proven: this is an older parcel-ledger-extract\/v1 extract, which carries no parcel-map proof/);
		const text = extractSummary(r);
		expect(text).toMatch(/^VERIFIED: extract of parcel RIV-000123, but its completeness is NOT PROVEN/);
		expect(text).toContain('? complete: Not proven');
		expect(extractClaims(r).doesNotProve[0]).toBe(EXTRACT_V1_NOT_COMPLETE);
		expect(extractClaims(r).proves).not.toContain(EXTRACT_PROVES_COMPLETE);
	});

	it('each format has exactly its members: v1 with a map proof, or v2 without, is refused', async () => {
		const v2 = await extractOfLog(await completenessLog());
		const { mapProof, ...noProof } = v2;
		expect((await verify(noProof)).reason).toMatch(/mapProof: is missing/);
		expect((await verify({ ...v2, format: 'parcel-ledger-extract/v1' })).reason).toMatch(/^This is not a valid parcel-ledger-extract\/v1 file: mapProof: is not part of the format/);
		expect((await verify({ ...v2, format: 'parcel-ledger-extract/v3' })).reason).toMatch(/format: must be "parcel-ledger-extract\/v2" \(or the older "parcel-ledger-extract\/v1"\)/);
		expect((await verify({ ...v2, mapProof: 'AQ==' })).reason).toMatch(/^The map proof is malformed/);
		expect(mapProof).toBe(toBase64(Uint8Array.from(atob(mapProof), (c) => c.charCodeAt(0))));
	});
});

export type { ExtractJson };
