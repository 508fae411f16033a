// Issue 17: the registrar sees the evidence beside the edit that attached it. Two assessors edit
// the same field of one parcel from the same state, each attaching a photo; both photos are
// uploaded; the conflict queue shows each value with its own photo, the parcel's history shows
// each edit's photo, and the thumbnails are the uploaded bytes.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { fromBase64 } from '../src/lib/core/bytes';
import { demoKey } from './support/demo';
import { signedEdit } from './support/edits';
import { openRegistry, queuedConflict } from './support/registry';

const PARCEL = 'RIV-000063';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A real 8×6 PNG of one colour, so the browser decodes the thumbnail (not just fetches it). */
function png(rgb: [number, number, number]): Uint8Array {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (b: Buffer) => {
		let c = 0xffffffff;
		for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const head = Buffer.alloc(4);
		head.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const tail = Buffer.alloc(4);
		tail.writeUInt32BE(crc(body));
		return Buffer.concat([head, body, tail]);
	};
	const [w, h] = [8, 6];
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
	const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.from([0, ...Array.from({ length: w }, () => rgb).flat()])));
	const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return new Uint8Array(Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]));
}

/** Both edits are signed against the same stored state before either is sent: a real conflict. */
async function conflictingPhotoEdits(api: APIRequestContext) {
	const photos = { ava: png([200, 30, 30]), bo: png([30, 30, 200]) };
	const edit = (who: 'ava' | 'bo', zoning: string) =>
		signedEdit(api, demoKey(who === 'ava' ? 'assessor-ava' : 'assessor-bo').signer, PARCEL, 'parcel', {
			zoning,
			[`photos.${sha(photos[who])}`]: { caption: `${who} front`, takenAt: '2026-12-01T10:00:00Z', width: 8, height: 6, bytes: photos[who].length }
		});
	const edits = { ava: await edit('ava', 'AVA-PHOTO'), bo: await edit('bo', 'BO-PHOTO') };
	const res = await api.post('/api/edits', { data: { edits: [edits.ava, edits.bo] } });
	expect(res.status(), await res.text()).toBe(200);
	for (const who of ['ava', 'bo'] as const) {
		const bytes = photos[who];
		const put = await api.put(`/api/files/${sha(bytes)}`, {
			headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`, 'x-change': sha(fromBase64(edits[who].change)), 'content-type': 'application/octet-stream' },
			data: Buffer.from(bytes)
		});
		expect(put.status(), await put.text()).toBe(200);
		expect(await put.json()).toMatchObject({ complete: true });
	}
	return photos;
}

test('the conflict queue and the parcel history show each edit with the photo it attached', async ({ browser, request }) => {
	test.setTimeout(180_000);
	const photos = await conflictingPhotoEdits(request);
	const reg = await openRegistry(browser);
	const page = reg.page;
	try {
		const item = await queuedConflict(page, PARCEL, 'zoning');

		// Side by side: each value's row holds exactly its own edit's photo, decoded by the browser.
		for (const [who, value] of [['ava', 'AVA-PHOTO'], ['bo', 'BO-PHOTO']] as const) {
			const row = item.getByTestId('conflict-value').filter({ hasText: value });
			const files = row.getByTestId('edit-file');
			await expect(files).toHaveCount(1);
			await expect(files).toHaveAttribute('data-hash', sha(photos[who]));
			const img = files.getByRole('img');
			await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth), { timeout: 15_000 }).toBe(8);
			const served = await page.request.get((await img.getAttribute('src'))!);
			expect(sha(new Uint8Array(await served.body()))).toBe(sha(photos[who]));
		}
		await page.screenshot({ path: 'test-results/registry-conflict-files.png', fullPage: true });

		// The parcel page: the conflict again with both photos, and the history's row of each edit
		// with its own photo.
		await page.goto(`/registry/parcels/${PARCEL}`);
		for (const [who, value] of [['ava', 'AVA-PHOTO'], ['bo', 'BO-PHOTO']] as const) {
			const row = page.getByTestId('history-row').filter({ hasText: value });
			await expect(row).toHaveCount(1, { timeout: 30_000 });
			await expect(row.getByTestId('edit-file')).toHaveAttribute('data-hash', sha(photos[who]));
		}
		await expect(page.getByTestId('history').getByTestId('edit-file')).toHaveCount(2);
	} finally {
		await reg.context.close();
	}
});
