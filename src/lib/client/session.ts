// Sign-in (docs/protocol.md "Sign-in"): the device signs a fresh nonce with its key and gets a
// session cookie, which lets the server send private-part bodies of its districts.
import { utf8 } from '../core/bytes';
import type { Signer } from '../core/signing/ed25519';
import { toHex } from '../core/bytes';
import { encodeBase64 } from './base64';
import { postJson, RequestError, type Fetch } from './http';

export type SignInResult = { ok: true; expires: number } | { ok: false; code: string; message: string };

export async function signIn(f: Fetch, origin: string, signer: Signer): Promise<SignInResult> {
	const { value } = await postJson<{ nonce: string }>(f, '/api/session/nonce', {});
	const signature = await signer.sign(utf8(`parcel-ledger/v1 sign-in\n${origin}\n${value.nonce}\n`));
	try {
		const res = await postJson<{ expires: number }>(f, '/api/session', {
			publicKey: toHex(signer.publicKey),
			nonce: value.nonce,
			signature: encodeBase64(signature)
		});
		return { ok: true, expires: res.value.expires };
	} catch (e) {
		if (e instanceof RequestError && e.code !== 'offline') return { ok: false, code: e.code, message: e.message };
		throw e;
	}
}
