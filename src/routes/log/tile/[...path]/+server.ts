import { endpoint } from '$lib/server/http/endpoint';
import { bytesResponse, HttpError } from '$lib/server/http/respond';
import { parseTilePath } from '$lib/core/log/tiles';

// C2SP tlog-tiles. Full tiles never change, so any cache may keep them forever.
export const GET = endpoint(async ({ params }, { ledger }) => {
	const parsed = parseTilePath(`tile/${params.path}`);
	if (!parsed.ok) throw new HttpError('bad-request', parsed.message);
	const r = parsed.value;
	const bytes = r.kind === 'hashes' ? await ledger.hashTile(r.tile) : await ledger.entryBundle(r.n, r.width);
	if (!bytes) throw new HttpError('not-found', 'that tile does not exist at the current tree size');
	const full = (r.kind === 'hashes' ? r.tile.width : r.width) === 256;
	return bytesResponse(bytes, { 'cache-control': full ? 'public, max-age=31536000, immutable' : 'public, max-age=60' });
});
