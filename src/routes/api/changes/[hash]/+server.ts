import { fromHex } from '$lib/core/bytes';
import { endpoint } from '$lib/server/http/endpoint';
import { bytesResponse, HttpError } from '$lib/server/http/respond';
import { mayReadPrivate } from '$lib/server/http/access';
import { purposeOf, recordAccess } from '$lib/server/privacy/access-log';

/**
 * GET /api/changes/<sha256 hex>: the raw Automerge change. Private-part bodies only for staff of
 * that district, and only after the log recorded the access; an erased body is 410 Gone. A
 * notice's pending change (a parcel or title change, public) is served the same way before an
 * edit logs it (docs/protocol.md "Claims and notices").
 */
export const GET = endpoint(async ({ params, locals, request }, rt) => {
	const hash = params.hash ?? '';
	if (!/^[0-9a-f]{64}$/.test(hash)) throw new HttpError('bad-request', 'a change is named by its SHA-256 in lower-case hex');
	const change = (await rt.ledger.store.readChange(fromHex(hash))) ?? (await rt.ledger.store.readNoticeChange(fromHex(hash)));
	if (!change) throw new HttpError('not-found', 'no change with that hash');
	if (change.part === 'private') {
		if (!locals.editor || !mayReadPrivate(locals.editor, change.parcel)) {
			throw new HttpError('forbidden', 'private details are served only to signed-in staff of that district', 403);
		}
		if (change.erased) throw new HttpError('gone', 'this private change was erased on a legal request; its entry stays in the log', 410);
		await recordAccess(rt, locals.editor, [change.parcel], purposeOf(request, locals.editor));
	}
	return bytesResponse(change.body, {
		'cache-control': change.part === 'private' ? 'private, no-store' : 'public, max-age=31536000, immutable'
	});
});
