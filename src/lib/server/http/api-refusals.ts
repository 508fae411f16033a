// Refusals SvelteKit would answer itself — a cross-site form submission, an unknown route, a method
// the endpoint does not export, a path that does not decode, an error thrown past our endpoint
// wrapper — answered for /api/* and /log/* in the API's one shape, {"error":{"code","message"}}
// (docs/protocol.md "Errors"). Pages keep SvelteKit's answers (text, or the HTML error page).
import { errorResponse } from './respond';

/** Paths of the HTTP API: every answer there, refusals included, is JSON. */
export const isApiPath = (pathname: string): boolean => /^\/(api|log)(\/|$)/.test(pathname);

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain', 'application/x-sveltekit-formdata'];
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isFormContentType(request: Request): boolean {
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
	return FORM_TYPES.includes(type);
}

/**
 * SvelteKit's CSRF check (kit.csrf, disabled in svelte.config.js so that it runs here instead):
 * a POST, PUT, PATCH or DELETE with a form content type whose Origin is missing or another origin
 * is refused with 403 — JSON on the API, SvelteKit's own text (or {message} JSON) on pages.
 * `null` when the request may go on. Not in `vite dev` (as SvelteKit), where the origin differs.
 */
export function crossSiteRefusal(request: Request, url: URL, dev = false): Response | null {
	if (dev || !UNSAFE.has(request.method) || !isFormContentType(request)) return null;
	if (request.headers.get('origin') === url.origin) return null;
	const message = `Cross-site ${request.method} form submissions are forbidden`;
	if (isApiPath(url.pathname)) return errorResponse('cross-site', message, 403);
	if (request.headers.get('accept') === 'application/json') return Response.json({ message }, { status: 403 });
	return new Response(message, { status: 403, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
}

/** SvelteKit's own decoding of the path (decode_pathname): a malformed one throws. */
function decodes(pathname: string): boolean {
	try {
		pathname.split('%25').map(decodeURI);
		return true;
	} catch {
		return false;
	}
}

/**
 * Before routing, for an API path: 400 for a path that does not decode, 404 for one no route
 * matches. `null` otherwise (and for pages).
 */
export function routeRefusal(url: URL, routeId: string | null): Response | null {
	if (!isApiPath(url.pathname)) return null;
	if (!decodes(url.pathname)) return errorResponse('malformed-uri', `the path ${JSON.stringify(url.pathname)} does not decode`, 400);
	if (routeId === null) return errorResponse('not-found', `no endpoint at ${url.pathname}`, 404);
	return null;
}

const CODES: Record<number, string> = {
	400: 'bad-request',
	401: 'not-signed-in',
	403: 'forbidden',
	404: 'not-found',
	405: 'method-not-allowed',
	408: 'timeout',
	413: 'too-large',
	415: 'unsupported-media-type',
	500: 'internal',
	503: 'unavailable',
	504: 'timeout'
};

/**
 * After routing, for an API path: an error answer that is not JSON (SvelteKit's 405 text with
 * `allow`, an error page for something thrown past our wrapper) becomes the JSON shape with the
 * same status and headers (`allow`, `retry-after`, …). Successful and JSON answers pass unchanged.
 */
export async function asJsonRefusal(response: Response, request: Request, url: URL): Promise<Response> {
	if (!isApiPath(url.pathname) || response.status < 400) return response;
	if (/^application\/(problem\+)?json/i.test(response.headers.get('content-type') ?? '')) return response;
	const status = response.status;
	const code = CODES[status] ?? (status >= 500 ? 'internal' : 'bad-request');
	let message: string;
	if (status === 405) message = `${request.method} is not allowed here; allowed: ${response.headers.get('allow') ?? 'none'}`;
	else if (status >= 500) message = 'internal error; the operator has the details in the server log';
	else {
		const text = /^text\/plain/i.test(response.headers.get('content-type') ?? '') ? (await response.text()).trim() : '';
		message = text && text.length <= 300 ? text : `refused with status ${status}`;
	}
	const out = errorResponse(code, message, status);
	for (const name of ['allow', 'retry-after', 'cache-control']) {
		const value = response.headers.get(name);
		if (value !== null) out.headers.set(name, value);
	}
	await response.body?.cancel().catch(() => {});
	return out;
}
