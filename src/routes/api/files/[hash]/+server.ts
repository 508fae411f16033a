import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { json } from '@sveltejs/kit';
import { parseContentRange, receiveChunk } from '$lib/server/files/upload';
import { checkFileAccess, fileStream } from '$lib/server/files/serve';
import { purposeOf, recordAccess } from '$lib/server/privacy/access-log';

const HEX64 = /^[0-9a-f]{64}$/;

/** PUT /api/files/<sha256>: one chunk (content-range) of a file a logged change names (x-change), or a logged claim attaches (x-claim). */
export const PUT = endpoint(async ({ params, request }, rt) => {
	const length = request.headers.get('content-length');
	const range = parseContentRange(request.headers.get('content-range'), length === null ? null : Number(length));
	const status = await receiveChunk({
		files: rt.files,
		log: rt.ledger.store,
		hash: params.hash ?? '',
		changeHash: request.headers.get('x-change'),
		claimIndex: request.headers.get('x-claim'),
		range,
		body: request.body
	});
	return json(status);
});

/** GET /api/files/<sha256>: the bytes; private files to staff of the district only (access logged). */
export const GET = endpoint(async ({ params, locals, request }, rt) => {
	const hash = params.hash ?? '';
	if (!HEX64.test(hash)) throw new HttpError('bad-request', 'a file is named by its SHA-256 in lower-case hex', 400);
	const status = await rt.files.status(hash);
	if (!status?.complete) {
		// An erased file is not told apart from one never sent: keeping its hash would let anyone
		// holding a copy confirm the registry once had it (docs/protocol.md "Files").
		throw new HttpError('not-found', status ? 'this file has not fully arrived yet' : 'no file with that hash: never uploaded, or erased with the private details that named it', 404);
	}
	const access = checkFileAccess(await rt.files.refs(hash), locals.editor);
	if (access.privateParcels.length) await recordAccess(rt, locals.editor!, access.privateParcels, purposeOf(request, locals.editor!));
	return new Response(await fileStream(rt.files, hash), {
		headers: {
			'content-type': status.type,
			'content-length': String(status.size),
			'x-content-type-options': 'nosniff',
			'content-security-policy': "default-src 'none'; sandbox",
			'cache-control': access.privateParcels.length ? 'private, no-store' : 'public, max-age=31536000, immutable',
			etag: `"${hash}"`
		}
	});
});
