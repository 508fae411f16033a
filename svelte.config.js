import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		serviceWorker: { register: false },
		// Absolute asset paths: the service worker answers every /field/* navigation with the one
		// cached /field shell, whose relative paths would resolve under the wrong folder.
		paths: { relative: false },
		// SvelteKit's own origin check for form submissions is off here and done, the same way, by
		// `handle` (src/lib/server/http/api-refusals.ts), which answers /api and /log in JSON.
		csrf: { trustedOrigins: ['*'] },
		// Content-Security-Policy on every page; SvelteKit adds a nonce (or, for prerendered
		// pages, a hash) for its own inline bootstrap script, so script-src needs nothing inline.
		// style-src keeps 'unsafe-inline': app.html's wrapper, SvelteKit's route announcer and
		// Svelte's style: directives and transitions write inline styles (styles cannot run code).
		// MapLibre GL runs its worker from a blob: URL and draws tiles as blob: images.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				// Automerge is WebAssembly: compiling it needs 'wasm-unsafe-eval' (never JS eval).
				'script-src': ['self', 'wasm-unsafe-eval'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'child-src': ['self', 'blob:'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
