// The device recomputes search rows from documents and compares them with the server's (row-check.ts):
// for an honest log the two must agree exactly, or every tablet would raise false `bad-row` alarms.
// Checked here against the server's own projector, on a real ledger, text written before the
// record text rule included (the projection shows it with stand-ins; the device compares that form).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { concat } from '../core/bytes';
import { sampleParcel, sampleTitle, sampleValuation } from '../core/record/samples';
import type { PartName } from '../core/record/parts';
import { projectParcel } from '../server/projection/projector';
import { editChange, genesisChange, sqliteFixture, type Fixture } from '../server/testing/fixture';
import { appendUnchecked } from '../server/testing/unchecked-append';
import { rowDifference, rowFromDocs } from './row-check';
import { rowFromServer } from './search-row';

describe('rows recomputed from documents', () => {
	let f: Fixture;
	beforeEach(async () => {
		f = await sqliteFixture();
	});
	afterEach(async () => {
		await f.cleanup();
	});

	it('equal the server projection, and a row that differs is named by its field', async () => {
		const id = 'RIV-000321';
		const changes: Record<string, Uint8Array[]> = { parcel: [], valuation: [], title: [] };
		const submit = async (part: PartName, change: Uint8Array, by = f.assessor) => {
			const [r] = await f.ledger.submit([await f.edit(by, id, part, change)]);
			expect(r.status, JSON.stringify(r)).toBe('accepted');
			changes[part].push(change);
		};
		const p = genesisChange(f.assessor, 'parcel', id, sampleParcel(id));
		await submit('parcel', p.change);
		const v = genesisChange(f.assessor, 'valuation', id, sampleValuation(id));
		await submit('valuation', v.change);
		const t = genesisChange(f.registrar, 'title', id, sampleTitle(id));
		await submit('title', t.change, f.registrar);
		const e = editChange(f.assessor, p.doc, 'parcel', { zoning: 'R7', locality: 'Upper Mill' });
		await submit('parcel', e.change!);
		// Text from before the rule (the server refuses it now; a log may still hold it).
		const plain = Automerge.decodeChange(editChange(f.assessor, e.doc, 'parcel', { addressLine: '12 Mill XLane' }).change as Uint8Array);
		const old = Automerge.encodeChange({ ...plain, ops: plain.ops.map((op) => (op.key === 'addressLine' ? { ...op, value: '12 Mill\u202e Lane' } : op)) });
		await appendUnchecked(f.store, f.ledger.identity, [await f.edit(f.assessor, id, 'parcel', old)], f.clock.now);
		changes.parcel.push(old);

		const size = (await f.store.head())!.size;
		const { record: _r, lastIndex: _l, editCount: _c, ...server } = (await projectParcel(f.store, id, size))!;
		expect(server.addressLine).toContain('⟨U+202E⟩');
		const parts = Object.fromEntries(Object.entries(changes).map(([part, list]) => [part, concat(...list)]));
		const computed = rowFromDocs(id, parts);
		expect(computed.zoning).toBe('R7');
		expect(rowDifference(rowFromServer(server), computed)).toBeNull();

		const lie = rowFromServer({ ...server, owners: ['Mallory'] });
		expect(rowDifference(lie, computed)).toMatch(/^owners: the server said \["Mallory"\], the documents say /);
		expect(rowDifference(undefined, computed)).toBe('the device holds no search row of it');
	});
});
