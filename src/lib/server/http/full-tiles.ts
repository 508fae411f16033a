// Full hash tiles and full entry bundles (width 256) never change once the tree has passed them:
// the store's append is a compare-and-swap on the tree size, entries are never rewritten (an
// erasure removes a change body, never a log entry), and a smaller tree is another process. So
// their bytes are made once — on the first request that asks for one — and kept here, and every
// later request is answered with these bytes (docs/performance.md "Serving tiles").
//
// Kept in memory, not in the store: making one is a single range read (256 entries, or the
// stored hashes of one tile), so a process that starts empty pays that once per tile; storing
// them would add a write to every commit on the ingest path and a table to two schemas.
// Least recently used ones go first above a byte bound, so a large log never grows the heap
// past it (entry bundles of the demo county are ~42 KiB: 64 MiB keeps ~1500 of them, 380k edits).
//
// The node server's entry (scripts/serve.mjs) answers GET and HEAD of a tile made already before
// adapter-node and SvelteKit see the request (`answerFullTile`): building a Request, routing, the
// hooks and streaming a Response cost several times more than writing 8 KiB to the socket. Every
// other request — a tile not made yet, a partial tile, a bad path, another method — goes on to
// the route (src/routes/log/tile), which makes full tiles through `fullTiles` and answers the rest.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { COMMON, DATA_CSP, HSTS } from './security-headers';

/** Bytes and the exact response headers of one full tile, made once. */
export interface FullTile {
	readonly bytes: Buffer;
	/** Flat [name, value, …] for `res.writeHead` (node:http), over plain http and over https. */
	readonly headers: { http: string[]; https: string[] };
}

export const FULL_TILE_CACHE_BYTES = 64 * 2 ** 20;

export class FullTileCache {
	readonly #max: number;
	readonly #headers: (bytes: Buffer, https: boolean) => string[];
	readonly #tiles = new Map<string, FullTile>();
	#bytes = 0;

	constructor(headers: (bytes: Buffer, https: boolean) => string[], maxBytes = FULL_TILE_CACHE_BYTES) {
		this.#headers = headers;
		this.#max = maxBytes;
	}

	/** The tile at this canonical path (`tile/0/000`, `tile/entries/000`), if made already. */
	get(path: string): FullTile | undefined {
		const t = this.#tiles.get(path);
		if (t) {
			// Most recently used last: a Map iterates in insertion order, so eviction takes the first.
			this.#tiles.delete(path);
			this.#tiles.set(path, t);
		}
		return t;
	}

	/** Keeps the bytes of a full tile; the caller hands them over and never changes them. */
	put(path: string, data: Uint8Array): FullTile {
		// A view into a larger buffer would keep all of it alive while counting only its own bytes.
		const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
		const bytes = Buffer.from(own.buffer, 0, own.byteLength);
		const tile: FullTile = { bytes, headers: { http: this.#headers(bytes, false), https: this.#headers(bytes, true) } };
		const old = this.#tiles.get(path);
		if (old) this.#bytes -= old.bytes.length;
		this.#tiles.delete(path);
		this.#tiles.set(path, tile);
		this.#bytes += bytes.length;
		for (const [k, v] of this.#tiles) {
			if (this.#bytes <= this.#max || k === path) break;
			this.#tiles.delete(k);
			this.#bytes -= v.bytes.length;
		}
		return tile;
	}

	get size(): number {
		return this.#tiles.size;
	}
}

/** What the route and hooks.server.ts would send for a full tile (security-headers.ts). */
export const FULL_TILE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

function fullTileHeaders(bytes: Buffer, https: boolean): string[] {
	const h: Record<string, string> = {
		'content-type': 'application/octet-stream',
		'content-length': String(bytes.length),
		'cache-control': FULL_TILE_CACHE_CONTROL,
		'content-security-policy': DATA_CSP,
		...COMMON,
		...(https ? { 'strict-transport-security': HSTS } : {})
	};
	return Object.entries(h).flat();
}

/** The process's full tiles (one log per process: runtime.ts). */
export const fullTiles = new FullTileCache(fullTileHeaders);

/**
 * Answers a GET or HEAD of a full tile made already, on node:http's own objects; false (nothing
 * written) for anything else, which the caller hands to SvelteKit. Only the canonical path
 * matches (tiles.ts parseTilePath), so an escaped or otherwise odd path takes the slow way.
 */
export function answerFullTile(req: IncomingMessage, res: ServerResponse, https: boolean): boolean {
	const url = req.url;
	if (url === undefined || (req.method !== 'GET' && req.method !== 'HEAD') || !url.startsWith('/log/tile/')) return false;
	const q = url.indexOf('?');
	const tile = fullTiles.get(q < 0 ? url.slice(5) : url.slice(5, q));
	if (!tile) return false;
	res.writeHead(200, https ? tile.headers.https : tile.headers.http);
	res.end(req.method === 'HEAD' ? undefined : tile.bytes);
	return true;
}

/** The name scripts/serve.mjs finds `answerFullTile` under: it loads the built app, not this module. */
const FAST_PATH = Symbol.for('parcel-ledger.answer-full-tile');

/** Lets scripts/serve.mjs answer full tiles before SvelteKit (called once the log is open). */
export function offerFullTiles(): void {
	(globalThis as Record<symbol, unknown>)[FAST_PATH] = answerFullTile;
}
