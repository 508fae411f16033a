// One place that maps error codes to HTTP statuses, and the JSON error body every API uses:
// { "error": { "code": "...", "message": "..." } }.
import { json } from '@sveltejs/kit';

const STATUS: Record<string, number> = {
	malformed: 400,
	'bad-request': 400,
	'bad-json': 400,
	'not-found': 404,
	gone: 410,
	'unsupported-media-type': 415,
	'too-large': 413,
	'bad-change': 422,
	'claimed-time-in-future': 422,
	'bad-claimed-time': 422,
	'bad-text': 422,
	'unsalted-private-change': 422,
	'bad-signature': 403,
	'foreign-actor': 403,
	'unknown-key': 403,
	'revoked-key': 403,
	'part-not-allowed': 403,
	'district-not-granted': 403,
	'not-a-registrar': 403,
	'not-signed-in': 401,
	forbidden: 403,
	'unknown-dependency': 409,
	'missing-predecessor': 409,
	'duplicate-seq': 409,
	'duplicate-change': 409,
	'depends-on-erased': 409,
	'not-erasable': 409,
	'not-the-log': 403,
	'already-revoked': 409,
	'bad-genesis': 409,
	// Claims and notices (docs/protocol.md "Claims and notices").
	'unknown-parcel': 422,
	'unknown-notice': 422,
	'notice-closed': 422,
	'unknown-claim': 422,
	'unknown-change': 422,
	'deadline-passed': 422,
	'already-decided': 409,
	'on-notice': 409,
	unavailable: 503,
	'not-leader': 503
};

export const statusOf = (code: string): number => STATUS[code] ?? 400;

export function errorResponse(code: string, message: string, status = statusOf(code), headers?: HeadersInit): Response {
	return json({ error: { code, message } }, { status, headers });
}

/** Thrown inside handlers; `handle` in hooks.server.ts turns it into errorResponse. */
export class HttpError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly status = statusOf(code)
	) {
		super(message);
	}
}

/** Reads a JSON body with a size limit and a content-type check; throws HttpError otherwise. */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	// Exactly application/json, with parameters at most: not application/json-seq, …+x, etc.
	if (!/^application\/json\s*(;|$)/i.test(type)) {
		throw new HttpError('unsupported-media-type', `send application/json, not ${JSON.stringify(type || 'nothing')}`);
	}
	const bytes = await readBody(request, maxBytes);
	if (bytes.length === 0) throw new HttpError('bad-json', 'empty body');
	try {
		return JSON.parse(new TextDecoder().decode(bytes));
	} catch (e) {
		throw new HttpError('bad-json', `body is not JSON: ${(e as Error).message}`);
	}
}

/**
 * The request body, at most `maxBytes` of it: 413 `too-large` as soon as the limit is passed —
 * before reading anything when the declared length is above it, else while the bytes (chunked,
 * or more than declared) arrive. Never holds more than the limit; what it read is dropped. The
 * stream is left, not cancelled: cancelling destroys the connection before the 413 is written,
 * and the server around the app (scripts/serve.mjs) throws the rest of the body away once the
 * answer is out.
 */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
	const declared = request.headers.get('content-length');
	if (declared !== null && Number(declared) > maxBytes) {
		throw new HttpError('too-large', `the body is ${declared} bytes, above the limit of ${maxBytes}`);
	}
	const reader = request.body?.getReader();
	if (!reader) return new Uint8Array(0);
	const chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			total += value.length;
			if (total > maxBytes) {
				chunks.length = 0;
				throw new HttpError('too-large', `the body is above the limit of ${maxBytes} bytes`);
			}
			chunks.push(value);
		}
	} finally {
		reader.releaseLock();
	}
	if (chunks.length === 1) return chunks[0];
	const out = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}

/** Parses a non-negative integer query parameter; throws HttpError naming it otherwise. */
export function intParam(url: URL, name: string, fallback?: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null) {
		if (fallback !== undefined) return fallback;
		throw new HttpError('bad-request', `query parameter ${name} is required`);
	}
	if (!/^(0|[1-9][0-9]{0,15})$/.test(raw)) throw new HttpError('bad-request', `${name} must be a non-negative integer`);
	return Number(raw);
}

/** A binary response. (TypeScript's BodyInit wants an ArrayBuffer-backed view; ours all are.) */
export function bytesResponse(bytes: Uint8Array, headers: Record<string, string>): Response {
	return new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream', ...headers } });
}
