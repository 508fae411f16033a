// Files in an extract (docs/protocol.md "Extracts" → `files`): the server lists the public files a
// parcel's edits name, never a private one; the verifier recomputes the list, refuses a list that
// differs, and says whether a file given with the extract is one of them.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyExtract } from '../../core/extract/verify';
import { sampleParcel, samplePrivate } from '../../core/record/samples';
import { nodeVerifier } from '../ed25519';
import { genesisChange, sqliteFixture, type Fixture } from '../testing/fixture';
import { buildExtract } from './extract';

const ID = 'RIV-000001';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const photo = new Uint8Array(randomBytes(2000));
const deed = new Uint8Array(randomBytes(3000));
let f: Fixture;
beforeEach(async () => {
	f = await sqliteFixture();
	const pub = genesisChange(f.assessor, 'parcel', ID, { ...sampleParcel(ID), photos: { [sha(photo)]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: photo.length } } });
	const priv = genesisChange(f.assessor, 'private', ID, { ...samplePrivate(ID), documents: { [sha(deed)]: { kind: 'deed', title: 'Scan', size: deed.length } } });
	for (const r of await f.ledger.submit([await f.edit(f.assessor, ID, 'parcel', pub.change), await f.edit(f.assessor, ID, 'private', priv.change)])) expect(r.status).toBe('accepted');
});
afterEach(() => f.cleanup());

const verify = (x: unknown, files?: { name: string; bytes: Uint8Array }[]) => verifyExtract(x, { verifier: nodeVerifier, files });

describe('files in an extract', () => {
	it('lists the public files with their sizes, never a private one, and checks a file given with it', async () => {
		const x = (await buildExtract(f.ledger, ID))!;
		expect(x.files).toEqual([{ hash: sha(photo), size: photo.length }]);
		const ok = await verify(x, [{ name: 'front.jpg', bytes: photo }]);
		expect(ok.ok, ok.reason).toBe(true);
		expect(ok.checks.slice(-2).map((c) => [c.name, c.ok])).toEqual([
			['files', true],
			['file', true]
		]);
		// The private document is not one the extract vouches for, nor is a photo with a byte changed.
		const bad = photo.slice();
		bad[7] ^= 1;
		for (const bytes of [deed, bad]) {
			const r = await verify(x, [{ name: 'given', bytes }]);
			expect(r.ok).toBe(false);
			expect(r.checks.find((c) => !c.ok)).toMatchObject({ name: 'file', detail: expect.stringContaining('match no listed file') });
		}
	});

	it('refuses a files list that differs from what the public changes name', async () => {
		const x = (await buildExtract(f.ledger, ID))!;
		const cases = [
			{ ...x, files: [] },
			{ ...x, files: [{ hash: sha(photo), size: photo.length + 1 }] },
			{ ...x, files: [...x.files!, { hash: sha(deed), size: deed.length }] }
		];
		for (const c of cases) {
			const r = await verify(JSON.parse(JSON.stringify(c)));
			expect(r.ok).toBe(false);
			expect(r.checks.find((ch) => !ch.ok)?.name).toBe('files');
		}
	});
});
