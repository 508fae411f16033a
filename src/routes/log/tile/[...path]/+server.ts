import { endpoint } from '$lib/server/http/endpoint';
import { bytesResponse, HttpError } from '$lib/server/http/respond';
import { FULL_TILE_CACHE_CONTROL, fullTiles } from '$lib/server/http/full-tiles';
import { parseTilePath, TILE_WIDTH } from '$lib/core/log/tiles';

// C2SP tlog-tiles. Full tiles never change, so any cache may keep them forever, and this process
// makes each one once (full-tiles.ts; later requests for it are answered by scripts/serve.mjs).
export const GET = endpoint(async ({ params }, { ledger }) => {
	const path = `tile/${params.path}`;
	const parsed = parseTilePath(path);
	if (!parsed.ok) throw new HttpError('bad-request', parsed.message);
	const r = parsed.value;
	const full = (r.kind === 'hashes' ? r.tile.width : r.width) === TILE_WIDTH;
	const made = full ? fullTiles.get(path) : undefined;
	if (made) return bytesResponse(made.bytes, { 'cache-control': FULL_TILE_CACHE_CONTROL });
	const bytes = r.kind === 'hashes' ? await ledger.hashTile(r.tile) : await ledger.entryBundle(r.n, r.width);
	if (!bytes) throw new HttpError('not-found', 'that tile does not exist at the current tree size');
	if (full) fullTiles.put(path, bytes);
	return bytesResponse(bytes, { 'cache-control': full ? FULL_TILE_CACHE_CONTROL : 'public, max-age=60' });
});
