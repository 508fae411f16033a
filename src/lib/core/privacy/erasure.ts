// Erasure without breaking the log: the registrar erases EVERY change of a parcel's private
// document (their entries stay; their bodies are deleted) and, in the same submission, starts the
// document afresh with one change holding what remains. A half-erased document could not be
// rebuilt (later changes build on erased ones), so the server accepts only complete erasures.
import { loadPartDoc, toPlain, createPartDoc } from '../crdt/document';
import { makeActor } from '../crdt/actors';
import * as Automerge from '@automerge/automerge';
import type { JsonObject, JsonValue } from '../record/json';
import type { Submission } from '../log/submission';
import { MAX_ERASED } from '../log/entry';
import type { Signer } from '../signing/ed25519';
import { signEdit, signKeyEntry } from '../signing/submit';
import { changeHash } from '../log/entry';

export interface ErasureRequest {
	origin: string;
	registrar: Signer;
	parcelId: string;
	/** Every change body of the parcel's private document that is not erased yet, in log order. */
	changes: Uint8Array[];
	/** Field paths whose values must go, e.g. `nationalIds.p1`, `contacts.p1.phone`. */
	paths: string[];
	reason: string;
	legalBasis: string;
	now: number;
	/** Randomness from the caller: 8 bytes for the actor suffix, 16 for the salt. */
	random: (n: number) => Uint8Array;
}

export type ErasurePlan =
	| { ok: true; submissions: Submission[]; remaining: JsonObject; erased: string[] }
	| { ok: false; message: string };

function without(obj: JsonObject, segs: string[]): { value: JsonObject; found: boolean } {
	const [head, ...rest] = segs;
	if (!(head in obj)) return { value: obj, found: false };
	const copy: JsonObject = { ...obj };
	if (!rest.length) {
		delete copy[head];
		return { value: copy, found: true };
	}
	const child = obj[head] as JsonValue;
	if (!child || typeof child !== 'object' || Array.isArray(child)) return { value: obj, found: false };
	const inner = without(child as JsonObject, rest);
	copy[head] = inner.value;
	return { value: copy, found: inner.found };
}

export async function planErasure(r: ErasureRequest): Promise<ErasurePlan> {
	if (!r.changes.length) return { ok: false, message: `${r.parcelId} has no private details to erase` };
	if (r.changes.length > MAX_ERASED) return { ok: false, message: `${r.changes.length} private changes: an erasure names at most ${MAX_ERASED}` };
	const loaded = loadPartDoc(r.changes);
	if (!loaded.ok) return { ok: false, message: loaded.message };
	let plain = toPlain('private', loaded.doc);
	Automerge.free(loaded.doc);
	for (const path of r.paths) {
		const next = without(plain, path.split('.'));
		if (!next.found) return { ok: false, message: `the private part of ${r.parcelId} holds no ${path}` };
		plain = next.value;
	}
	const { id: _id, ...rest } = plain;
	const actor = makeActor(r.registrar.publicKey, r.random(8));
	const fresh = createPartDoc('private', r.parcelId, rest as never, { actor, time: Math.floor(r.now / 1000), salt: r.random(16), message: 'after erasure' });
	if (!fresh.ok) return { ok: false, message: `${fresh.message}${fresh.issues.length ? `: ${fresh.issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : ''}` };
	Automerge.free(fresh.doc);
	const erase = await signKeyEntry({
		origin: r.origin,
		signer: r.registrar,
		body: { kind: 'erase', parcelId: r.parcelId, changeHashes: r.changes.map(changeHash), reason: r.reason, legalBasis: r.legalBasis },
		claimedTime: r.now
	});
	const start = await signEdit({ origin: r.origin, signer: r.registrar, parcelId: r.parcelId, part: 'private', change: fresh.change, claimedTime: r.now });
	return { ok: true, submissions: [erase, start], remaining: plain, erased: r.paths };
}
