// Photos: resized on the device to at most 1,600 px as JPEG, addressed by the SHA-256 of those
// bytes, stored in the `blobs` table in the same transaction as the edit that records their
// metadata in the parcel part's `photos` map (save.ts), so neither is kept without the other.
// Sync uploads them once that edit is in the log (upload.ts).
import type { BlobRow } from './db';
import { sha256Hex } from './crypto';

export const MAX_PHOTO_SIDE = 1600;

export interface PreparedPhoto {
	hash: string;
	blob: Blob;
	width: number;
	height: number;
}

export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
	const bitmap = await createImageBitmap(file);
	const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
	const width = Math.max(1, Math.round(bitmap.width * scale));
	const height = Math.max(1, Math.round(bitmap.height * scale));
	let blob: Blob;
	if (typeof OffscreenCanvas !== 'undefined') {
		const canvas = new OffscreenCanvas(width, height);
		canvas.getContext('2d')!.drawImage(bitmap, 0, 0, width, height);
		blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
	} else {
		const canvas = document.createElement('canvas');
		Object.assign(canvas, { width, height });
		canvas.getContext('2d')!.drawImage(bitmap, 0, 0, width, height);
		blob = await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be encoded'))), 'image/jpeg', 0.85)
		);
	}
	bitmap.close();
	const hash = await sha256Hex(new Uint8Array(await blob.arrayBuffer()));
	return { hash, blob, width, height };
}

/** The `blobs` row of a prepared photo, for saveEdit to store with the edit that records it. */
export function photoRow(parcelId: string, p: PreparedPhoto): BlobRow {
	return { hash: p.hash, blob: p.blob, type: 'image/jpeg', width: p.width, height: p.height, bytes: p.blob.size, parcelId, createdAt: Date.now(), uploadedAt: null };
}
