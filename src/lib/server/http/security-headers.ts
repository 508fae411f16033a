// Security headers on every response SvelteKit renders (pages get their Content-Security-Policy
// from svelte.config.js `kit.csp`, with nonces and hashes SvelteKit adds). Static files served by
// adapter-node before SvelteKit runs do not pass here.
export const COMMON: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'x-frame-options': 'DENY',
	'cross-origin-opener-policy': 'same-origin',
	// The field app scans enrolment QR codes and may locate the tablet; nothing else is needed.
	'permissions-policy': 'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()'
};

/** API answers are data, never documents: if one is opened as a page, it may load nothing. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Over https only (browsers ignore it over plain http, RFC 6797). */
export const HSTS = 'max-age=63072000; includeSubDomains';

export function withSecurityHeaders(response: Response, url: URL): Response {
	let r = response;
	try {
		for (const [k, v] of Object.entries(COMMON)) if (!r.headers.has(k)) r.headers.set(k, v);
	} catch {
		// Immutable headers (a fetched response passed through): copy it once.
		r = new Response(response.body, response);
		for (const [k, v] of Object.entries(COMMON)) if (!r.headers.has(k)) r.headers.set(k, v);
	}
	const html = /^text\/html/i.test(r.headers.get('content-type') ?? '');
	if (!html && !r.headers.has('content-security-policy') && /^\/(api|log)\//.test(url.pathname)) {
		r.headers.set('content-security-policy', DATA_CSP);
	}
	if (url.protocol === 'https:') r.headers.set('strict-transport-security', HSTS);
	return r;
}
