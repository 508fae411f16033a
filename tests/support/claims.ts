// Helpers of the claims specs (claims-ui, claims-more): screenshots that also catch sideways
// overflow, the "every control has a name" check, reloading until the projection catches up, and
// putting an owner change on notice from the registry parcel page.
import { expect, type Locator, type Page } from '@playwright/test';

/** A 1×1 PNG: the field device turns it into the JPEG it keeps and uploads. */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

/** A full-page screenshot into `dir`, failing if the page overflows sideways. */
export const shooter = (dir: string) => async (page: Page, name: string) => {
	await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
	expect(overflow, `${name} overflows sideways by ${overflow}px`).toBeLessThanOrEqual(0);
};

/** Every control of the form has a name people hear (its label, aria-label or text). */
export async function labelled(form: Locator) {
	for (const control of await form.locator('input, select, textarea, button').all()) {
		const name = await control.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent?.trim() || el.getAttribute('aria-label') || (el.textContent ?? '').trim());
		expect(name, await control.evaluate((el) => el.outerHTML)).not.toBe('');
	}
}

/** Reloads until `check` passes: the public pages read the projection, which follows the log a moment after each commit. */
export async function eventually(page: Page, url: string, check: () => Promise<void>) {
	await expect(async () => {
		await page.goto(url);
		await check();
	}).toPass({ timeout: 30_000 });
}

/**
 * On the open registry parcel page: puts the change of party p1's name to `buyer` on notice until
 * `until` (the input's local time, cut to `chars` characters: 16 to the minute, 19 to the second).
 */
export async function putOwnerOnNotice(page: Page, buyer: string, until: Date, chars: 16 | 19) {
	await page.getByText('Put a change on notice').click();
	const form = page.getByRole('form', { name: 'Put a change on notice' });
	await form.getByLabel('Part').selectOption('title');
	await form.getByLabel('Field').selectOption({ label: 'Party p1: name' });
	await form.getByLabel(/New value/).fill(buyer);
	await form.getByLabel(/Objections until/).fill(new Date(until.getTime() - until.getTimezoneOffset() * 60_000).toISOString().slice(0, chars));
	await form.getByLabel('Notice text (public)').fill(`Transfer of ownership to ${buyer}`);
	await form.getByRole('button', { name: 'Put on notice' }).click();
	await expect(form.getByTestId('notice-result')).toContainText(/Notice signed and logged at entry #\d+/, { timeout: 30_000 });
	const index = Number((await form.getByTestId('notice-result').textContent())!.match(/#(\d+)/)![1]);
	return { form, index };
}
