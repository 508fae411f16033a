// Putting a pending change on public notice (issue 21; docs/protocol.md "Claims and notices"): the
// registrar's browser makes the change on its copy of the part — without keeping it: the log applies
// it to nothing until an edit logs it after the deadline — signs a notice entry carrying it, and
// sends it at once to /api/entries.
import * as Automerge from '@automerge/automerge';
import { fromHex } from '../core/bytes';
import { makeActor } from '../core/crdt/actors';
import { editPart, type EditPatch } from '../core/crdt/edit';
import { claimEntryToWire, signNotice } from '../core/claims/sign';
import type { NoticePart } from '../core/claims/types';
import { MAX_NOTICE_TEXT_BYTES } from '../core/claims/body';
import { readDoc } from '../client/doc-packs';
import { loadDoc } from '../client/docs';
import { textIssue } from '../client/claim-form';
import { claimRefusal } from '../client/claims-outbox';
import { signerOf } from '../client/keys';
import { editRefusal, saveGivenChange } from '../client/save';
import { getBytes } from '../client/http';
import { sha256Hex } from '../client/crypto';
import { actorBelongsTo } from '../core/crdt/actors';
import type { PublicNotice } from '../core/claims/types';
import type { ClaimAction } from './claims-actions';
import { submitSigned } from './entry-action';
import type { RegistryApp } from './workspace.svelte';

export async function putOnNotice(app: RegistryApp, o: { parcelId: string; part: NoticePart; patch: EditPatch; deadline: number; text: string }): Promise<ClaimAction> {
	const ctx = app.saveContext();
	const { device, log } = app.basics.current;
	if (!ctx || !device || !log) return { ok: false, message: 'Set up the workstation first' };
	const refusal = claimRefusal(ctx.grant, o.parcelId, 'decide') ?? editRefusal(ctx.grant, o.parcelId, o.part);
	if (refusal) return { ok: false, message: refusal };
	const textProblem = textIssue(o.text, 'Say what the change is, for the public', MAX_NOTICE_TEXT_BYTES);
	if (textProblem) return { ok: false, message: textProblem };
	if (!Number.isSafeInteger(o.deadline) || o.deadline <= Date.now()) return { ok: false, message: 'The deadline must be in the future' };
	const data = (await readDoc(ctx.db, o.parcelId))?.row.parts[o.part];
	if (!data) return { ok: false, message: `The ${o.part} part of ${o.parcelId} is not on this workstation` };
	// An actor of its own: this change is not kept here, so the tab's actor must not reuse its seq later.
	const actor = makeActor(fromHex(device.publicKey), crypto.getRandomValues(new Uint8Array(8)));
	const loaded = loadDoc(data, actor);
	if (!loaded.ok) return { ok: false, message: loaded.message };
	const now = Date.now();
	const r = editPart(loaded.doc, o.part, o.patch, { actor, time: Math.floor(now / 1000) });
	if (!r.ok) {
		Automerge.free(loaded.doc);
		return { ok: false, message: r.message };
	}
	Automerge.free(r.doc);
	if (!r.change) return { ok: false, message: 'That changes nothing' };
	const sub = await signNotice({ origin: log.origin, signer: signerOf(device.key), parcelId: o.parcelId, part: o.part, change: r.change, deadline: o.deadline, text: o.text, claimedTime: now });
	const sent = await submitSigned(app, '/api/entries', sub, claimEntryToWire(sub));
	return sent.ok
		? { ok: true, index: sent.index, message: `Notice signed and logged at entry #${sent.index}; inclusion verified ✓` }
		: { ok: false, message: `The log refused the notice: ${sent.message} (${sent.code})` };
}

/**
 * Logs a closed notice's change as an ordinary edit: its bytes as the server keeps them (checked
 * against the notice's hash), applied here and pushed. The change's actor is its maker's, so only
 * the key that put it on notice can sign the edit (the log refuses a foreign actor).
 */
export async function applyNotice(app: RegistryApp, notice: PublicNotice): Promise<ClaimAction> {
	const ctx = app.saveContext();
	const { device } = app.basics.current;
	if (!ctx || !device) return { ok: false, message: 'Set up the workstation first' };
	const change = await app.call(() => getBytes(app.fetch, `/api/changes/${notice.changeHash}`));
	if ((await sha256Hex(change)) !== notice.changeHash) return { ok: false, message: 'the server sent other bytes than the notice names' };
	if (!actorBelongsTo(Automerge.decodeChange(change).actor, fromHex(device.publicKey))) {
		return { ok: false, message: 'the change was made with another key: the registrar who put it on notice logs it' };
	}
	const saved = await saveGivenChange(ctx, notice.parcelId, notice.part, change, `notice #${notice.index} applied`);
	if (!saved.ok) return { ok: false, message: saved.message };
	await app.push();
	const row = await ctx.db.outbox.where('changeHash').equals(notice.changeHash).first();
	if (!row) return { ok: true, message: `The change of notice #${notice.index} is logged as an edit; inclusion verified ✓` };
	return { ok: false, message: row.status === 'refused' ? `The log refused the change: ${row.message} (${row.code})` : `Not sent yet: ${app.pushStatus.message}` };
}
