// The field client's HTTP: one injected fetch, JSON in and out, errors as values with a code.
// Tests and the bench pass their own fetch; the app passes the browser's.

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** Why a request failed: `offline` when no answer came at all. */
export class RequestError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly status = 0
	) {
		super(message);
		this.name = 'RequestError';
	}
}

async function send(f: Fetch, url: string, init?: RequestInit): Promise<Response> {
	try {
		return await f(url, { credentials: 'same-origin', cache: 'no-store', ...init });
	} catch (e) {
		throw new RequestError('offline', `the server cannot be reached (${(e as Error).message})`);
	}
}

async function failure(res: Response): Promise<RequestError> {
	let code = 'http-' + res.status;
	let message = `${res.status} ${res.statusText}`;
	try {
		const body = (await res.json()) as { error?: { code?: string; message?: string } };
		if (body.error?.code) code = body.error.code;
		if (body.error?.message) message = body.error.message;
	} catch {
		/* not JSON: keep the status line */
	}
	return new RequestError(code, message, res.status);
}

export async function getJson<T>(f: Fetch, url: string): Promise<T> {
	const res = await send(f, url);
	if (!res.ok) throw await failure(res);
	return (await res.json()) as T;
}

/** Reads a JSON body and reports its size (for progress in bytes). */
export async function getJsonSized<T>(f: Fetch, url: string): Promise<{ value: T; bytes: number }> {
	const res = await send(f, url);
	if (!res.ok) throw await failure(res);
	const text = await res.text();
	return { value: JSON.parse(text) as T, bytes: text.length };
}

/** A binary body (tiles). */
export async function getBytes(f: Fetch, url: string): Promise<Uint8Array> {
	const res = await send(f, url);
	if (!res.ok) throw await failure(res);
	return new Uint8Array(await res.arrayBuffer());
}

export async function getText(f: Fetch, url: string): Promise<string> {
	const res = await send(f, url);
	if (!res.ok) throw await failure(res);
	return res.text();
}

/** POSTs JSON; `accept` lists statuses whose JSON body is an answer rather than a failure. */
export async function postJson<T>(f: Fetch, url: string, body: unknown, accept: number[] = []): Promise<{ status: number; value: T }> {
	const res = await send(f, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (!res.ok && !accept.includes(res.status)) throw await failure(res);
	return { status: res.status, value: (await res.json()) as T };
}

/** POSTs a text body (a signed note); JSON answer. */
export async function postText<T>(f: Fetch, url: string, body: string): Promise<T> {
	const res = await send(f, url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body });
	if (!res.ok) throw await failure(res);
	return (await res.json()) as T;
}
