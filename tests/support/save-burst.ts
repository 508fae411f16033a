// A burst of saves through the real parcel form, driven from inside the page so saves follow
// each other as fast as the app allows (no Playwright round trip per keystroke). Each save the
// UI confirms ("Saved on this device and signed: …") is reported to the test before the next
// one starts, so when the browser dies at most one save is in flight.
import type { BrowserContext, Page } from '@playwright/test';

/**
 * The test's ears in a context: confirmed saves, and the moment a read-write IndexedDB
 * transaction opens, with its stores (the save path's is the only one over `docs` and `outbox`;
 * the push's is over `outbox` and `synced`), so a test can kill the browser while one is being
 * written. Attach before navigating: the listener is an init script.
 */
export class DeviceProbe {
	onConfirmed: (value: string) => void = () => {};
	onTransaction: (stores: string[]) => void = () => {};

	static async attach(context: BrowserContext): Promise<DeviceProbe> {
		const probe = new DeviceProbe();
		await context.exposeFunction('__durableConfirmed', (v: string) => probe.onConfirmed(v));
		await context.exposeFunction('__durableTx', (stores: string[]) => probe.onTransaction(stores));
		await context.addInitScript(() => {
			const open = IDBDatabase.prototype.transaction;
			IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof open>) {
				const tx = open.apply(this, args);
				if (args[1] === 'readwrite') {
					const stores = ([] as string[]).concat(args[0] as string | string[]);
					void (window as unknown as { __durableTx?: (s: string[]) => Promise<void> }).__durableTx?.(stores);
				}
				return tx;
			} as typeof open;
		});
		return probe;
	}
}

export const isSaveTransaction = (stores: string[]): boolean => stores.includes('docs') && stores.includes('outbox');
export const isPushTransaction = (stores: string[]): boolean => stores.includes('outbox') && stores.includes('synced') && !stores.includes('docs');

/**
 * Saves `values` one after another into `field` of the open parcel screen's parcel form, telling
 * the context's DeviceProbe of each confirmed one. Resolves when all are confirmed; rejects when a
 * save shows an error, or the browser dies.
 */
export async function saveBurst(page: Page, field: string, values: string[]): Promise<void> {
	await page.getByRole('form', { name: 'Edit parcel' }).waitFor();
	await page.evaluate(
		async ({ field, values }) => {
			const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
			const confirm = (window as unknown as { __durableConfirmed: (v: string) => Promise<void> }).__durableConfirmed;
			const inputOf = () => document.getElementById(`parcel-${field}`) as HTMLInputElement | null;
			for (const v of values) {
				let input: HTMLInputElement | null = null;
				let button: HTMLButtonElement | null = null;
				// The form resets its inputs when the document changes (a refresh after the previous
				// save may land after we typed): type until the form holds the value and may save.
				for (let t = 0; ; t++) {
					input = inputOf();
					button = input?.closest('form')?.querySelector('button[type=submit]') ?? null;
					if (input && input.value !== v) {
						input.value = v;
						input.dispatchEvent(new Event('input', { bubbles: true }));
					}
					await sleep(t < 3 ? 0 : 10);
					if (input && input === inputOf() && input.value === v && button && !button.disabled) break;
					if (t > 1000) throw new Error(`the form did not take ${field} = ${v}`);
				}
				const form = input.closest('form')!;
				button!.click();
				for (let t = 0; ; t++) {
					if (form.querySelector('[role=status]')?.textContent?.includes(`${field} → ${v}`)) break;
					const alert = form.querySelector('[role=alert]')?.textContent;
					if (alert) throw new Error(`saving ${field} = ${v} failed: ${alert}`);
					if (t > 6000) throw new Error(`saving ${field} = ${v} was not confirmed within 30 s`);
					await sleep(5);
				}
				await confirm(v);
			}
		},
		{ field, values }
	);
}
