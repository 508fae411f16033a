import { fromHex } from '$lib/core/bytes';
import { endpoint } from '$lib/server/http/endpoint';
import { bytesResponse, HttpError } from '$lib/server/http/respond';
import { mayReadPrivate } from '$lib/server/http/access';

/** GET /api/changes/<sha256 hex>: the raw Automerge change. Private-part bodies only for staff. */
export const GET = endpoint(async ({ params, locals }, { ledger }) => {
	const hash = params.hash ?? '';
	if (!/^[0-9a-f]{64}$/.test(hash)) throw new HttpError('bad-request', 'a change is named by its SHA-256 in lower-case hex');
	const change = await ledger.store.readChange(fromHex(hash));
	if (!change) throw new HttpError('not-found', 'no change with that hash');
	if (change.part === 'private' && !mayReadPrivate(locals.editor, change.parcel)) {
		throw new HttpError('forbidden', 'private details are served only to signed-in staff of that district', 403);
	}
	return bytesResponse(change.body, {
		'cache-control': change.part === 'private' ? 'private, no-store' : 'public, max-age=31536000, immutable'
	});
});
