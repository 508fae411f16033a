// The public parcel page's photo strip: the parcel part's `photos` map (SHA-256 → caption, size),
// each with whether the file store holds it whole, so the page links only bytes it can serve.
import { getOwn, isJsonObject, type JsonObject } from '../../core/record/json';
import type { FileStore } from '../files/types';
import { num, str } from '../../core/record/summary';

export interface PublicPhoto {
	hash: string;
	caption: string;
	takenAt: string;
	width: number | null;
	height: number | null;
	/** The file has arrived whole and is served at /api/files/<hash>. */
	available: boolean;
}


export async function publicPhotos(files: Pick<FileStore, 'status'>, record: JsonObject): Promise<PublicPhoto[]> {
	const photos = getOwn(record, 'photos');
	if (!isJsonObject(photos)) return [];
	const rows = Object.entries(photos).map(([hash, meta]) => {
		const m = isJsonObject(meta) ? meta : {};
		return { hash, caption: str(getOwn(m, 'caption')), takenAt: str(getOwn(m, 'takenAt')), width: num(getOwn(m, 'width')), height: num(getOwn(m, 'height')) };
	});
	rows.sort((a, b) => (a.takenAt < b.takenAt ? -1 : a.takenAt > b.takenAt ? 1 : 0));
	return Promise.all(rows.map(async (r) => ({ ...r, available: !!(await files.status(r.hash))?.complete })));
}
