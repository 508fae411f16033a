// Issue 22 over real HTTP against the built server: every change a device could not use is
// refused with 422 bad-change, signed as usual by a granted key, and the log does not grow.
import { expect, test, type APIRequestContext } from '@playwright/test';
import * as Automerge from '@automerge/automerge';
import { randomBytes } from 'node:crypto';
import { makeActor } from '../src/lib/core/crdt/actors';
import { fixChecksum, flipBit as flip } from '../src/lib/core/crdt/tamper';
import { createPartDoc, loadPartDoc } from '../src/lib/core/crdt/document';
import { editPart } from '../src/lib/core/crdt/edit';
import { sampleParcel } from '../src/lib/core/record/samples';
import { editToWire, signEdit } from '../src/lib/core/signing/submit';
import { demoKey } from './support/demo';
import { origin, partChanges } from './support/edits';

const PARCEL = 'RIV-000007';

async function logSize(request: APIRequestContext): Promise<number> {
	const note = await (await request.get('/log/checkpoint')).text();
	return Number(note.split('\n')[1]);
}

test('changes a device could not use are refused over HTTP with 422 bad-change, the log unchanged', async ({ request }) => {
	const ava = demoKey('assessor-ava');
	const actor = makeActor(ava.signer.publicKey, randomBytes(8));
	const loaded = loadPartDoc(await partChanges(request, PARCEL, 'parcel'), { actor });
	if (!loaded.ok) throw new Error(loaded.message);
	const doc = loaded.doc;
	const edit = editPart(Automerge.clone(doc, { actor }), 'parcel', { addressLine: '9 Poison Lane', notes: 'a note long enough to give the change a few columns' }, { actor, time: Math.floor(Date.now() / 1000), salt: randomBytes(16) });
	if (!edit.ok || !edit.change) throw new Error('no edit');
	const change = edit.change;
	const logOrigin = await origin(request);

	const post = async (bytes: Uint8Array, parcel = PARCEL) => {
		const sub = await signEdit({ origin: logOrigin, signer: ava.signer, parcelId: parcel, part: 'parcel', change: bytes, claimedTime: Date.now() });
		return request.post('/api/edits', { data: { edits: [editToWire(sub)] } });
	};

	const decoded = Automerge.decodeChange(change);
	// A flipped byte with the checksum recomputed that Automerge itself cannot apply (the oracle).
	let panics: Uint8Array | null = null;
	for (let at = 20; at < change.length && !panics; at++) {
		const c = fixChecksum(flip(change, at));
		let d: Automerge.DecodedChange;
		try {
			d = Automerge.decodeChange(c);
		} catch {
			continue;
		}
		if (d.actor !== actor || d.seq !== decoded.seq || d.deps.join() !== decoded.deps.join()) continue;
		try {
			Automerge.applyChanges(Automerge.clone(doc), [c]);
		} catch {
			panics = c;
		}
	}
	expect(panics).not.toBeNull();
	const otherGenesis = createPartDoc('parcel', 'RIV-990001', sampleParcel('RIV-990001'), { actor, time: Math.floor(Date.now() / 1000) });
	if (!otherGenesis.ok) throw new Error(otherGenesis.message);

	const cases: [string, Uint8Array, RegExp][] = [
		['corrupt checksum', flip(change, 5, 0xff), /checksum/],
		['a byte flipped mid-change', flip(change, Math.floor(change.length / 2)), /checksum|not an Automerge change/],
		['a flipped byte with its checksum recomputed', panics!, /devices could not use this change/],
		['truncated', change.subarray(0, change.length - 9), /not an Automerge change|bytes of body/],
		["another parcel's document", otherGenesis.change, /sets the part's id to "RIV-990001"/],
		[
			'operations that do not fit the document',
			Automerge.encodeChange({ ...decoded, ops: decoded.ops.map((op) => (op.obj === '_root' ? op : { ...op, obj: `999@${actor}` })) }),
			/devices could not use this change/
		]
	];
	for (const [name, bytes, message] of cases) {
		const before = await logSize(request);
		const res = await post(bytes);
		const body = await res.json();
		expect(res.status(), `${name}: ${JSON.stringify(body)}`).toBe(422);
		expect(body.error.code, name).toBe('bad-change');
		expect(body.results[0].code, name).toBe('bad-change');
		expect(body.results[0].message, name).toMatch(message);
		expect(await logSize(request), name).toBe(before);
	}
	// The genuine change is accepted afterwards: nothing above touched the document.
	const before = await logSize(request);
	const ok = await post(change);
	expect(ok.status()).toBe(200);
	expect(await logSize(request)).toBe(before + 1);
});
