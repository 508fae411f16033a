// PUT /api/files/<sha256> answered before adapter-node and SvelteKit (scripts/serve.mjs), as full
// tiles are (full-tiles.ts): a photo is one such request, and building a Request, routing, the
// hooks and a Response cost about as much as the rest of its checks (docs/performance.md "Files").
// The same checks run (files/upload.ts receiveChunk, as the route does), and the answer has the
// route's status, JSON body and headers (security-headers.ts). Only the canonical path with the
// content type the device sends is taken; anything else — a form content type, which the CSRF
// check must see, a query, another method — goes on to SvelteKit and the route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseContentRange, receiveChunk, type UploadInput } from '../files/upload';
import { errorToResponse } from './endpoint';
import { COMMON, DATA_CSP, HSTS } from './security-headers';

const PATH = /^\/api\/files\/[0-9a-f]{64}$/;

export type UploadDeps = Pick<UploadInput, 'files' | 'log'>;

/** Whether this request is taken here; if so, it is answered (asynchronously). */
export function answerFileUpload(deps: UploadDeps, req: IncomingMessage, res: ServerResponse, https: boolean): boolean {
	if (req.method !== 'PUT' || !req.url || !PATH.test(req.url) || req.headers['content-type'] !== 'application/octet-stream') return false;
	void answer(deps, req, res, https);
	return true;
}

async function answer(deps: UploadDeps, req: IncomingMessage, res: ServerResponse, https: boolean): Promise<void> {
	const url = req.url!;
	let status = 200;
	let body: string;
	let extra: [string, string][] = [];
	try {
		const length = req.headers['content-length'];
		const range = parseContentRange(req.headers['content-range'] ?? null, length === undefined ? null : Number(length));
		const received = await receiveChunk({
			...deps,
			hash: url.slice('/api/files/'.length),
			changeHash: header(req, 'x-change'),
			claimIndex: header(req, 'x-claim'),
			range,
			body: bodyStream(req)
		});
		body = JSON.stringify(received);
	} catch (e) {
		const r = errorToResponse(e, `PUT ${url}`);
		status = r.status;
		body = await r.text();
		extra = [...r.headers].filter(([k]) => k !== 'content-type' && k !== 'content-length');
	}
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(body)),
		...COMMON,
		'content-security-policy': DATA_CSP,
		...(https ? { 'strict-transport-security': HSTS } : {}),
		...Object.fromEntries(extra)
	};
	res.writeHead(status, headers);
	res.end(body);
}

/** A request header as `Request.headers.get` gives it to the route (null when absent). */
const header = (req: IncomingMessage, name: string): string | null => {
	const v = req.headers[name];
	return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
};

/**
 * The request body as the route gets it. Cancelling (a refused chunk) only stops reading: the
 * answer goes out first, then serve.mjs reads and drops the rest, so the client sees it.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
	// Events after the stream was closed or cancelled are ignored (a controller then throws).
	let open = true;
	let reading = false;
	// No read ahead (highWaterMark 0): bytes leave the socket only for a read the store asked for,
	// and an answer that needs no body (complete already) leaves it to serve.mjs.
	const noReadAhead = { highWaterMark: 0 };
	return new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				req.resume();
				if (reading) return;
				reading = true;
				req.on('data', (d: Buffer) => {
					if (!open) return;
					controller.enqueue(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
					if ((controller.desiredSize ?? 0) <= 0) req.pause();
				});
				req.once('end', () => {
					if (open) controller.close();
					open = false;
				});
				req.once('error', (e) => {
					if (open) controller.error(e);
					open = false;
				});
			},
			cancel() {
				open = false;
				req.pause();
			}
		},
		noReadAhead
	);
}

/** The name scripts/serve.mjs finds the upload fast path under: it loads the built app, not this module. */
const FAST_PATH = Symbol.for('parcel-ledger.answer-file-upload');

/** Lets scripts/serve.mjs answer uploads before SvelteKit (called once the stores are open). */
export function offerFileUploads(deps: UploadDeps): void {
	(globalThis as Record<symbol, unknown>)[FAST_PATH] = (req: IncomingMessage, res: ServerResponse, https: boolean) => answerFileUpload(deps, req, res, https);
}
