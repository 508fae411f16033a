import type { Handle, ServerInit } from '@sveltejs/kit';
import { runtime } from '$lib/server/runtime';
import { SESSION_COOKIE } from '$lib/server/sessions';
import { withSecurityHeaders } from '$lib/server/http/security-headers';
import { asJsonRefusal, crossSiteRefusal, routeRefusal } from '$lib/server/http/api-refusals';
import { dev } from '$app/environment';

// Open and verify the log before serving anything; a log that fails verification is not served.
export const init: ServerInit = async () => {
	try {
		const { ledger, config } = await runtime();
		console.log(
			`[parcel-ledger] log ${ledger.origin}: ${ledger.sequencer.size} entries verified (${config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`})`
		);
	} catch (e) {
		console.error(`[parcel-ledger] refusing to serve: ${(e as Error).message}`);
		process.exit(1);
	}
};

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.editor = null;
	// SvelteKit's CSRF check is off (svelte.config.js kit.csrf) and done here, so that /api and
	// /log answer it, unknown routes, malformed paths and wrong methods in their JSON error shape.
	const refused = crossSiteRefusal(event.request, event.url, dev) ?? routeRefusal(event.url, event.route.id);
	if (refused) return withSecurityHeaders(refused, event.url);
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const { sessions, ledger } = await runtime();
		const key = sessions.sessionKey(token, Date.now());
		const record = key ? ledger.sequencer.registry.get(key) : undefined;
		// A revoked key's session ends at once, whatever its cookie says.
		if (record && record.revokedAt === null) event.locals.editor = record;
	}
	return withSecurityHeaders(await asJsonRefusal(await resolve(event), event.request, event.url), event.url);
};
