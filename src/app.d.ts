// See https://svelte.dev/docs/kit/types#app.d.ts
import type { KeyRecord } from '$lib/core/log/authority';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in editor (a granted, unrevoked key), or null for the public. */
			editor: KeyRecord | null;
		}
	}
}

export {};
