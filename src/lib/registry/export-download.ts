// Downloading an export (GET /api/registry/export) with progress: the response is read as a
// stream and its lines counted (one parcel per line in both formats), against the row count the
// server announces in `x-total-count`; the bytes become a Blob the browser saves.
import { RequestError, type Fetch } from '../client/http';

export interface ExportRequest {
	district?: string;
	text?: string;
	format: 'csv' | 'geojson';
}

export interface Downloaded {
	blob: Blob;
	name: string;
	rows: number;
	bytes: number;
}

export function exportUrl(q: ExportRequest): string {
	const p = new URLSearchParams({ format: q.format });
	if (q.district) p.set('district', q.district);
	if (q.text) p.set('q', q.text);
	return `/api/registry/export?${p}`;
}

export async function downloadExport(f: Fetch, q: ExportRequest, onProgress: (rows: number, total: number) => void): Promise<Downloaded> {
	let res: Response;
	try {
		res = await f(exportUrl(q), { credentials: 'same-origin', cache: 'no-store' });
	} catch (e) {
		throw new RequestError('offline', `the server cannot be reached (${(e as Error).message})`);
	}
	if (!res.ok || !res.body) {
		const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
		throw new RequestError(body.error?.code ?? `http-${res.status}`, body.error?.message ?? res.statusText, res.status);
	}
	const total = Number(res.headers.get('x-total-count') ?? 0);
	const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `export.${q.format}`;
	const reader = res.body.getReader();
	const chunks: Uint8Array[] = [];
	let lines = 0;
	let bytes = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		bytes += value.length;
		for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
		onProgress(Math.min(Math.max(lines - 1, 0), total), total); // the first line is the header
	}
	onProgress(total, total);
	const type = q.format === 'csv' ? 'text/csv' : 'application/geo+json';
	return { blob: new Blob(chunks as Uint8Array<ArrayBuffer>[], { type }), name, rows: total, bytes };
}

/** Hands the blob to the browser as a file download. */
export function saveBlob(d: Downloaded): void {
	const a = document.createElement('a');
	a.href = URL.createObjectURL(d.blob);
	a.download = d.name;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
