// Wraps API handlers so every failure becomes a JSON error with the right status: our HttpError,
// a RangeError from argument checks (400), and a store that cannot be reached (503).
import type { RequestEvent } from '@sveltejs/kit';
import { errorResponse, HttpError } from './respond';
import { runtime, type Runtime } from '../runtime';

type Handler = (event: RequestEvent, rt: Runtime) => Promise<Response> | Response;

const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', 'SQLITE_BUSY']);

export function isUnavailable(e: unknown): boolean {
	const err = e as { code?: string; message?: string };
	return (
		(typeof err?.code === 'string' && UNAVAILABLE.has(err.code)) ||
		/Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down)/i.test(err?.message ?? '')
	);
}

/** The JSON error response for anything a handler threw; `where` names the request in the server log. */
export function errorToResponse(e: unknown, where: string): Response {
	if (e instanceof HttpError) return errorResponse(e.code, e.message, e.status);
	if (e instanceof RangeError) return errorResponse('bad-request', e.message, 400);
	// adapter-node's own body limit (BODY_SIZE_LIMIT), should it be set below ours.
	if ((e as { status?: unknown })?.status === 413) return errorResponse('too-large', (e as Error).message || 'the body is too large', 413);
	if (isUnavailable(e)) {
		return errorResponse('unavailable', 'the log store is unreachable; try again shortly', 503, { 'retry-after': '2' });
	}
	console.error(`[api] ${where}:`, e);
	return errorResponse('internal', 'internal error; the operator has the details in the server log', 500);
}

export function endpoint(handler: Handler): (event: RequestEvent) => Promise<Response> {
	return async (event) => {
		try {
			return await handler(event, await runtime());
		} catch (e) {
			return errorToResponse(e, `${event.request.method} ${event.url.pathname}`);
		}
	};
}
