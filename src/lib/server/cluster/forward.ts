// A follower hands a submission to the server that sequences, byte for byte, and relays the
// answer: the leader checks it as it would check any client's. When no leader answers (a
// failover is under way), the client gets 503 with retry-after and nothing was written.
import { errorResponse, readBody } from '../http/respond';
import { MAX_BODY_BYTES } from '../http/body-limits.js';

const bodyOf = (method: string) => method !== 'GET' && method !== 'HEAD';

/** Headers worth passing on: the body's type and the caller's session (for private reads). */
const PASS = ['content-type', 'cookie', 'accept'];

export async function forwardToLeader(request: Request, leaderUrl: string | null, path: string): Promise<Response> {
	if (!leaderUrl) return retryLater('no server sequences the log right now (failover under way)');
	const headers = new Headers();
	for (const h of PASS) {
		const v = request.headers.get(h);
		if (v) headers.set(h, v);
	}
	headers.set('x-parcel-ledger-forwarded', '1');
	let res: Response;
	try {
		res = await fetch(new URL(path, leaderUrl), {
			method: request.method,
			headers,
			body: bodyOf(request.method) ? ((await readBody(request, MAX_BODY_BYTES)) as Uint8Array<ArrayBuffer>) : undefined,
			signal: AbortSignal.timeout(60_000)
		});
	} catch (e) {
		return retryLater(`the sequencing server did not answer: ${(e as Error).message}`);
	}
	return new Response(res.body, {
		status: res.status,
		headers: { 'content-type': res.headers.get('content-type') ?? 'application/json', ...(res.headers.get('retry-after') ? { 'retry-after': res.headers.get('retry-after')! } : {}) }
	});
}

const retryLater = (message: string) => errorResponse('not-leader', message, 503, { 'retry-after': '1' });
