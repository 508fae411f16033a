import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';

/** POST: a fresh nonce to sign (docs/protocol.md "Sign-in"). */
export const POST = endpoint((_, { sessions, ledger }) =>
	json({ ...sessions.issueNonce(Date.now()), origin: ledger.origin, statement: 'parcel-ledger/v1 sign-in\n<origin>\n<nonce>\n' })
);
