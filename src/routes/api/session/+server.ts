import { json } from '@sveltejs/kit';
import { fromBase64, fromHex } from '$lib/core/bytes';
import { nodeVerifier } from '$lib/server/ed25519';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError, readJson } from '$lib/server/http/respond';
import { parseWire, SignIn } from '$lib/server/http/wire';
import { SESSION_COOKIE, signInStatement } from '$lib/server/sessions';

/** GET: who is signed in (401 when nobody). */
export const GET = endpoint(({ locals }) => {
	if (!locals.editor) throw new HttpError('not-signed-in', 'nobody is signed in');
	return json({ editor: locals.editor });
});

/** POST { publicKey, nonce, signature }: sign in with a granted key over a fresh nonce. */
export const POST = endpoint(async ({ request, cookies, url }, { ledger, sessions }) => {
	const parsed = parseWire(SignIn, await readJson(request, 4096));
	if (!parsed.ok) throw new HttpError('malformed', parsed.message);
	const { publicKey, nonce, signature } = parsed.value;
	const now = Date.now();
	if (!sessions.nonceValid(nonce, now)) throw new HttpError('bad-request', 'the nonce is unknown or expired; ask for a new one');
	let sig: Uint8Array;
	try {
		sig = fromBase64(signature);
	} catch {
		throw new HttpError('malformed', 'signature must be base64');
	}
	if (!nodeVerifier.verify(sig, signInStatement(ledger.origin, nonce), fromHex(publicKey))) {
		throw new HttpError('bad-signature', 'the signature does not verify over the sign-in statement');
	}
	const record = ledger.sequencer.registry.get(publicKey);
	if (!record) throw new HttpError('unknown-key', 'this key has not been granted by a registrar');
	if (record.revokedAt !== null) throw new HttpError('revoked-key', `this key was revoked: ${record.revocationReason}`);
	const session = sessions.issueSession(publicKey, now);
	cookies.set(SESSION_COOKIE, session.token, {
		path: '/',
		httpOnly: true,
		sameSite: 'strict',
		secure: url.protocol === 'https:',
		expires: new Date(session.expires)
	});
	return json({ editor: record, expires: session.expires });
});

export const DELETE = endpoint(({ cookies }) => {
	cookies.delete(SESSION_COOKIE, { path: '/' });
	return json({ signedOut: true });
});
