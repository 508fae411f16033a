// Registers the service worker with workbox-window and says when a new version waits, so the
// page can offer "A new version is ready — reload" instead of swapping code under the user.
import { Workbox } from 'workbox-window';

export class ServiceWorkerUpdates {
	#waiting = $state(false);
	#ready = $state(false);
	#wb: Workbox | null = null;

	/** SvelteKit builds the worker as a classic script, and serves it as a module in dev. */
	register(dev: boolean): void {
		if (!('serviceWorker' in navigator) || this.#wb) return;
		const wb = new Workbox('/service-worker.js', { type: dev ? 'module' : 'classic', scope: '/' });
		wb.addEventListener('waiting', () => (this.#waiting = true));
		wb.addEventListener('activated', () => (this.#ready = true));
		wb.addEventListener('controlling', (e) => {
			// Only a worker the user asked for reloads the page.
			if (e.isUpdate && this.#asked) location.reload();
		});
		void wb.register().then(() => navigator.serviceWorker.ready.then(() => (this.#ready = true)));
		this.#wb = wb;
	}

	#asked = false;

	/** A new worker is installed and waiting for the old one's pages to close. */
	get waiting(): boolean {
		return this.#waiting;
	}

	/** The app shell is cached: it opens without a network. */
	get ready(): boolean {
		return this.#ready;
	}

	reload(): void {
		this.#asked = true;
		this.#wb?.messageSkipWaiting();
	}
}
