// GET /api/files/<sha256>: a complete file's bytes, streamed from its chunk rows. A file that
// only private-part changes name is served only to signed-in staff of that parcel's district,
// after the access is logged (docs/privacy.md); any public part naming it makes it public.
import type { KeyRecord } from '../../core/log/authority';
import { mayReadPrivate } from '../http/access';
import { HttpError } from '../http/respond';
import type { FileRef, FileStore } from './types';

export interface FileAccess {
	/** Parcels whose private part names the file, when it is private (for the access entry). */
	privateParcels: string[];
}

/** Who may read a file: throws 401/403 HttpErrors; `privateParcels` empty for a public file. */
export function checkFileAccess(refs: FileRef[], editor: KeyRecord | null): FileAccess {
	if (refs.some((r) => r.part !== 'private')) return { privateParcels: [] };
	if (!editor) throw new HttpError('not-signed-in', 'this file belongs to private details: sign in as staff of its district', 401);
	const parcels = [...new Set(refs.filter((r) => mayReadPrivate(editor, r.parcel)).map((r) => r.parcel))];
	if (!parcels.length) throw new HttpError('forbidden', 'private files are served only to staff of their district', 403);
	return { privateParcels: parcels.slice(0, 1) };
}

export async function fileStream(files: FileStore, hash: string): Promise<ReadableStream<Uint8Array>> {
	const pieces = await files.read(hash);
	if (!pieces) throw new HttpError('not-found', 'no complete file with that hash', 404);
	const it = pieces[Symbol.asyncIterator]();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const { done, value } = await it.next();
			if (done) controller.close();
			else controller.enqueue(value);
		},
		async cancel() {
			await it.return?.();
		}
	});
}
