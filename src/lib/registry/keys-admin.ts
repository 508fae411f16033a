// Granting and revoking keys from the workspace: the registrar's browser signs the grant or
// revocation statement (WebCrypto, key never leaves it), POSTs it to /api/keys, and checks the
// answer like a pushed edit: the checkpoint extends the trusted one, the stored entry carries
// exactly this signed statement, and its inclusion proof leads to the checkpoint's root.
import { qrFromImage } from '../client/qr-image';
import { equalBytes, fromHex } from '../core/bytes';
import { decodeEntry, type EntryBody } from '../core/log/entry';
import { leafHash } from '../core/log/hashing';
import { parseInclusionProofJson, verifyInclusion } from '../core/log';
import type { Role } from '../core/record/parts';
import { parseEnrolment, type Enrolment } from '../core/signing/enrolment';
import { keyEntryToWire, signKeyEntry } from '../core/signing/submit';
import { decodeBase64 } from '../client/base64';
import { advanceCheckpoint } from '../client/checkpoints';
import { getJson, postJson } from '../client/http';
import { signerOf } from '../client/keys';
import type { RegistryApp } from './workspace.svelte';

export type KeyAction = { ok: true; index: number; message: string } | { ok: false; code: string; message: string };

interface KeysAnswer {
	checkpoint?: string;
	results?: ({ status: 'accepted'; index: number; inclusionProof: unknown } | { status: 'refused'; code: string; message: string })[];
	error?: { code: string; message: string };
}

type KeyBody = Extract<EntryBody, { kind: 'grant' | 'revoke' }>;

async function submitKeyEntry(app: RegistryApp, body: KeyBody): Promise<KeyAction> {
	const { device } = app.basics.current;
	const deps = app.deps();
	if (!device || !deps) return { ok: false, code: 'not-set-up', message: 'Set up the workstation first' };
	const sub = await signKeyEntry({ origin: deps.log.origin, signer: signerOf(device.key), body, claimedTime: Date.now() });
	const { value } = await app.call(() => postJson<KeysAnswer>(app.fetch, '/api/keys', { entries: [keyEntryToWire(sub)] }, [207, 400, 403, 409, 422]));
	const r = value.results?.[0];
	if (!r || !value.checkpoint) return { ok: false, code: value.error?.code ?? 'refused', message: value.error?.message ?? 'the server gave no result' };
	if (r.status === 'refused') return { ok: false, code: r.code, message: r.message };
	const trusted = await advanceCheckpoint(deps, value.checkpoint);
	const page = await getJson<{ entries: { index: number; entry: string }[] }>(app.fetch, `/api/log/entries?start=${r.index}&end=${r.index + 1}`);
	const raw = page.entries[0]?.index === r.index ? decodeBase64(page.entries[0].entry) : null;
	if (!raw || !equalBytes(decodeEntry(raw).signature, sub.signature)) {
		return { ok: false, code: 'bad-log', message: `the log does not store this signed entry at index ${r.index}` };
	}
	let proof = parseInclusionProofJson(r.inclusionProof);
	if (!proof.ok || proof.value.treeSize !== trusted.size) {
		proof = parseInclusionProofJson(await getJson(app.fetch, `/api/log/proof/inclusion?index=${r.index}&size=${trusted.size}`));
	}
	const included = proof.ok && verifyInclusion(leafHash(raw), r.index, trusted.size, proof.value.hashes, decodeBase64(trusted.root)).ok;
	if (!included) return { ok: false, code: 'bad-log', message: `entry ${r.index} is not provably in the log` };
	await app.reloadKeys();
	return { ok: true, index: r.index, message: `Signed and logged at entry #${r.index}; inclusion verified ✓` };
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
