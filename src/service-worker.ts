/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The offline shell: Workbox precaches the build, the static files and the field app's shell
// page (`/field`, rendered without SSR, so it is the same HTML for every field route). Every
// navigation under /field is answered from that shell, so the app opens with the server gone.
// API and log requests are never cached: they go to the network, and the app knows when they fail.
import { build, files, version } from '$service-worker';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = '/field';

const isFieldNavigation = (request: Request): boolean => {
	if (request.mode !== 'navigate') return false;
	const url = new URL(request.url);
	return url.origin === sw.location.origin && (url.pathname === SHELL || url.pathname.startsWith(`${SHELL}/`));
};

// Registered before Workbox's own fetch listener, so it answers field navigations first.
sw.addEventListener('fetch', (event) => {
	if (!isFieldNavigation(event.request)) return;
	event.respondWith(
		(async () => (await matchPrecache(SHELL)) ?? fetch(event.request))()
	);
});

precacheAndRoute([
	...build.map((url) => ({ url, revision: null })), // content-hashed names
	...files.filter((f) => !f.endsWith('.DS_Store')).map((url) => ({ url, revision: version })),
	{ url: SHELL, revision: version }
]);
cleanupOutdatedCaches();

// workbox-window's messageSkipWaiting(): the user chose "reload" on "a new version is ready".
sw.addEventListener('message', (event) => {
	if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void sw.skipWaiting();
});
// The first install takes control at once, so the very first visit already works offline after.
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));
