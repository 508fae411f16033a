// The conflict queue names the files each value's change attached, from public changes only.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleParcel, samplePrivate } from '../../core/record/samples';
import { genesisChange, sqliteFixture, type Fixture } from '../testing/fixture';
import type { QueueItem } from './queue';
import { attachValueFiles } from './value-files';

const ID = 'RIV-000001';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let f: Fixture;
beforeEach(async () => {
	f = await sqliteFixture();
});
afterEach(() => f.cleanup());

const value = (index: number | null) => ({ value: 'x', actor: 'a'.repeat(48), opId: `1@${'a'.repeat(48)}`, index, author: null, claimedTime: null, logTime: null, authorName: 'n', authorRole: null, authorRevokedAt: null, device: 'd' });

describe('attachValueFiles', () => {
	it('names the photos a public value change attached, never a private document', async () => {
		const photo = new Uint8Array(randomBytes(100));
		const deed = new Uint8Array(randomBytes(100));
		const pub = genesisChange(f.assessor, 'parcel', ID, { ...sampleParcel(ID), photos: { [sha(photo)]: { caption: 'Front', takenAt: '2026-01-01T00:00:00Z', width: 10, height: 10, bytes: 100 } } });
		const priv = genesisChange(f.assessor, 'private', ID, { ...samplePrivate(ID), documents: { [sha(deed)]: { kind: 'deed', title: 'Scan', size: 100 } } });
		const [a, b] = await f.ledger.submit([await f.edit(f.assessor, ID, 'parcel', pub.change), await f.edit(f.assessor, ID, 'private', priv.change)]);
		if (a.status !== 'accepted' || b.status !== 'accepted') throw new Error('not accepted');
		const items = [{ parcelId: ID, part: 'parcel', path: 'zoning', values: [value(a.index), value(b.index), value(null)] }] as unknown as QueueItem[];
		await attachValueFiles(items, f.store);
		expect(items[0].values.map((v) => v.files)).toEqual([[{ hash: sha(photo), size: 100 }], undefined, undefined]);
	});
});
