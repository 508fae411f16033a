// Making real signed edits over HTTP, as any client would: fetch a part's changes, load the
// Automerge document, edit it, sign the change.
import type { APIRequestContext } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { makeActor } from '../../src/lib/core/crdt/actors';
import { loadPartDoc } from '../../src/lib/core/crdt/document';
import { editPart, type EditPatch } from '../../src/lib/core/crdt/edit';
import type { PartName } from '../../src/lib/core/record/parts';
import { editToWire, signEdit } from '../../src/lib/core/signing/submit';
import type { Signer } from '../../src/lib/core/signing/ed25519';

export async function origin(request: APIRequestContext): Promise<string> {
	return (await (await request.get('/log/key')).text()).trim().split('+')[0];
}

export async function partChanges(request: APIRequestContext, parcelId: string, part: PartName): Promise<Uint8Array[]> {
	const { entries } = await (await request.get(`/api/parcels/${parcelId}/entries`)).json();
	const out: Uint8Array[] = [];
	for (const e of entries.filter((e: { part?: string }) => e.part === part)) {
		const res = await request.get(`/api/changes/${e.changeHash}`);
		if (!res.ok()) throw new Error(`change ${e.changeHash}: ${res.status()}`);
		out.push(new Uint8Array(await res.body()));
	}
	return out;
}

/** A signed edit of one part, in wire form, ready to POST to /api/edits. */
export async function signedEdit(
	request: APIRequestContext,
	signer: Signer,
	parcelId: string,
	part: PartName,
	patch: EditPatch,
	claimedTime = Date.now()
) {
	const actor = makeActor(signer.publicKey, randomBytes(8));
	const loaded = loadPartDoc(await partChanges(request, parcelId, part), { actor });
	if (!loaded.ok) throw new Error(loaded.message);
	const r = editPart(loaded.doc, part, patch, { actor, time: Math.floor(claimedTime / 1000), salt: randomBytes(16) });
	if (!r.ok || !r.change) throw new Error(r.ok ? 'no change' : r.message);
	const sub = await signEdit({ origin: await origin(request), signer, parcelId, part, change: r.change, claimedTime });
	return editToWire(sub);
}
