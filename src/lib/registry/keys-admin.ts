// Granting and revoking keys from the workspace: the registrar's browser signs the grant or
// revocation statement (WebCrypto, key never leaves it), POSTs it to /api/keys, and checks the
// answer like a pushed edit (client/entry-submit.ts).
import { qrFromImage } from '../client/qr-image';
import { fromHex } from '../core/bytes';
import type { EntryBody } from '../core/log/entry';
import type { Role } from '../core/record/parts';
import { parseEnrolment, type Enrolment } from '../core/signing/enrolment';
import { keyEntryToWire, signKeyEntry } from '../core/signing/submit';
import { signerOf } from '../client/keys';
import { submitSigned } from './entry-action';
import type { RegistryApp } from './workspace.svelte';

export type KeyAction = { ok: true; index: number; message: string } | { ok: false; code: string; message: string };

type KeyBody = Extract<EntryBody, { kind: 'grant' | 'revoke' }>;

async function submitKeyEntry(app: RegistryApp, body: KeyBody): Promise<KeyAction> {
	const { device, log } = app.basics.current;
	if (!device || !log) return { ok: false, code: 'not-set-up', message: 'Set up the workstation first' };
	const sub = await signKeyEntry({ origin: log.origin, signer: signerOf(device.key), body, claimedTime: Date.now() });
	const r = await submitSigned(app, '/api/keys', sub, keyEntryToWire(sub));
	if (!r.ok) return r;
	await app.reloadKeys();
	return { ok: true, index: r.index, message: r.message };
}

export function grantKey(app: RegistryApp, o: { enrolment: Enrolment; name: string; role: Role; districts: string[] }): Promise<KeyAction> {
	const districts = [...new Set(o.districts)].sort();
	return submitKeyEntry(app, { kind: 'grant', grantee: o.enrolment.publicKey, role: o.role, name: o.name.trim(), districts });
}

export function revokeKey(app: RegistryApp, o: { publicKey: string; reason: string }): Promise<KeyAction> {
	return submitKeyEntry(app, { kind: 'revoke', revoked: fromHex(o.publicKey), reason: o.reason.trim() });
}

/** The enrolment code in a photo or screenshot of its QR code. */
export async function enrolmentFromImage(file: Blob): Promise<{ ok: true; value: Enrolment; code: string } | { ok: false; message: string }> {
	const found = await qrFromImage(file);
	if (!found.ok) return found;
	const qr = found.qr;
	const parsed = parseEnrolment(qr.data);
	return parsed.ok ? { ok: true, value: parsed.value, code: qr.data } : { ok: false, message: `the QR code is not an enrolment code: ${parsed.message}` };
}
