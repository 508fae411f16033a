// Filing and deciding claims from the workspace (issue 21). The registrar's browser signs the
// claim or decision entry (WebCrypto, the key never leaves it) and sends it at once to
// /api/entries, checked like a pushed edit (entry-action.ts). A claimant's name and contact are
// then written to the parcel's private part under `claimants.<claim identity>` — an ordinary
// private edit, saved and pushed only after the log took the claim, so a refused claim keeps nothing.
import type { ClaimDraft, DecisionDraft } from '../client/claim-form';
import { signerOf } from '../client/keys';
import { saveEdit } from '../client/save';
import { claimIdentity, signClaim, signDecision } from '../client/claim-sign';
import { readEvidence, type Evidence } from '../client/evidence';
import { sendFile } from '../client/upload';
import { submitSigned } from './entry-action';
import type { RegistryApp } from './workspace.svelte';

/** `index`: the logged entry's index, when the log took it. */
export type ClaimAction = { ok: boolean; message: string; index?: number };

function signing(app: RegistryApp) {
	const { device, log } = app.basics.current;
	return device && log ? { origin: log.origin, signer: signerOf(device.key) } : null;
}

/**
 * Uploads the logged claim's evidence (x-claim, the same path as a field claim's photos). A failure
 * is reported, not retried here: the claim names the file for good, and any later PUT of the same
 * bytes with x-claim completes it.
 */
async function uploadEvidence(app: RegistryApp, index: number, evidence: Evidence[]): Promise<string> {
	if (!evidence.length) return '';
	const failed: string[] = [];
	for (const e of evidence) {
		await sendFile(app.fetch, { hash: e.hash, blob: e.blob, names: { 'x-claim': String(index) } }).catch((err: Error) => failed.push(`${e.name}: ${err.message}`));
	}
	return failed.length
		? ` Evidence NOT uploaded (${failed.join('; ')}); the claim names it, so upload it again.`
		: ` ${evidence.length} evidence file(s) uploaded.`;
}

export async function fileClaim(app: RegistryApp, parcelId: string, draft: ClaimDraft, notice: number | null = null, files: File[] = []): Promise<ClaimAction> {
	const s = signing(app);
	if (!s) return { ok: false, message: 'Set up the workstation first' };
	// Files are read and checked before signing: a claim names its evidence for good.
	const read = await readEvidence(files);
	if (!read.ok) return { ok: false, message: `Nothing was signed: ${read.message}` };
	const signed = await signClaim({ ...s, parcelId, draft, notice, claimedTime: Date.now(), files: read.evidence.map(({ hash, size }) => ({ hash, size })) });
	const r = await submitSigned(app, '/api/entries', signed.sub, signed.wire);
	if (!r.ok) return { ok: false, message: `The log refused the claim: ${r.message} (${r.code}). Nothing was kept.` };
	const uploaded = await uploadEvidence(app, r.index, read.evidence);
	if (!draft.claimant) return { ok: true, index: r.index, message: `Claim signed and logged at entry #${r.index}; inclusion verified ✓.${uploaded}` };
	const ctx = app.saveContext();
	const identity = claimIdentity(s.origin, signed.sub);
	const saved = ctx
		? await saveEdit(ctx, parcelId, 'private', { [`claimants.${identity}`]: draft.claimant }, `claimant of claim #${r.index}`)
		: { ok: false as const, message: 'the workstation is not set up' };
	if (!saved.ok) return { ok: false, index: r.index, message: `Claim logged at entry #${r.index}, but the claimant’s details were not saved: ${saved.message}` };
	const pushed = await app.push();
	return {
		ok: true,
		index: r.index,
		message: `Claim signed and logged at entry #${r.index}; inclusion verified ✓. The claimant’s details are in the private part${pushed && pushed.refused === 0 ? ' and logged' : ', waiting in the outbox'}.${uploaded}`
	};
}

export async function decideClaim(app: RegistryApp, parcelId: string, claimIndex: number, draft: DecisionDraft): Promise<ClaimAction> {
	const s = signing(app);
	if (!s) return { ok: false, message: 'Set up the workstation first' };
	const signed = await signDecision({ ...s, parcelId, claimIndex, draft, claimedTime: Date.now() });
	const r = await submitSigned(app, '/api/entries', signed.sub, signed.wire);
	return r.ok
		? { ok: true, index: r.index, message: `Decision signed and logged at entry #${r.index}; inclusion verified ✓` }
		: { ok: false, message: `The log refused the decision: ${r.message} (${r.code})` };
}
