import { endpoint } from '$lib/server/http/endpoint';

// The note verifier key: `<origin>+<key id>+<base64(0x01 ‖ public key)>`.
export const GET = endpoint(
	(_, { ledger }) =>
		new Response(ledger.identity.verifierKey + '\n', {
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=86400' }
		})
);
