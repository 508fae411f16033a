import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { json } from '@sveltejs/kit';

/** GET /api/files/<sha256>/status: what the server holds of a file, to resume its upload. */
export const GET = endpoint(async ({ params }, rt) => {
	const hash = params.hash ?? '';
	if (!/^[0-9a-f]{64}$/.test(hash)) throw new HttpError('bad-request', 'a file is named by its SHA-256 in lower-case hex', 400);
	const status = await rt.files.status(hash);
	if (!status) throw new HttpError('not-found', 'no logged change has sent this file yet', 404);
	return json({ hash, size: status.size, received: status.received, ranges: status.received ? [[0, status.received]] : [], complete: status.complete });
});
