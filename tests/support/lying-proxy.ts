// A malicious log server for tests: an HTTP proxy in front of the real one that passes every
// request through and lets a test rewrite chosen answers — drop or add changes in a snapshot,
// skip entries in a sync page, re-sign checkpoints with the log key. What the devices, the CLI
// verifier and the monitor must catch is exactly what this proxy can do.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ProxiedAnswer {
	status: number;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** Returns a replacement answer, or undefined to pass the real one through. */
export type Lie = (url: URL, answer: ProxiedAnswer) => ProxiedAnswer | undefined | Promise<ProxiedAnswer | undefined>;

export class LyingProxy {
	#server: Server | null = null;
	/** Set by the test; applied to every answer while set. */
	lie: Lie | null = null;
	/** Paths (with query) of the requests answered with a lie, in order. */
	readonly lied: string[] = [];

	constructor(
		readonly port: number,
		readonly upstream: string
	) {}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	async start(): Promise<void> {
		const up = new URL(this.upstream);
		this.#server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const headers = { ...req.headers, host: up.host };
				// The upstream checks Origin against its own URL (CSRF): speak as if the browser were on it.
				if (headers.origin) headers.origin = up.origin;
				delete headers['accept-encoding']; // answers are rewritten as plain bytes
				const out = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers }, async (r) => {
					const body: Buffer[] = [];
					for await (const c of r) body.push(c as Buffer);
					let answer: ProxiedAnswer = { status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(body) };
					const url = new URL(req.url ?? '/', this.url);
					const lie = this.lie ? await this.lie(url, answer) : undefined;
					if (lie) {
						answer = lie;
						this.lied.push(url.pathname + url.search);
					}
					const h = { ...answer.headers };
					delete h['content-length'];
					delete h['transfer-encoding'];
					delete h.etag;
					res.writeHead(answer.status, { ...h, 'content-length': String(answer.body.length), 'cache-control': 'no-store' });
					res.end(answer.body);
				});
				out.on('error', (e) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'proxy', message: e.message } })));
				out.end(Buffer.concat(chunks));
			});
		});
		await new Promise<void>((r) => this.#server!.listen(this.port, '127.0.0.1', r));
	}

	async stop(): Promise<void> {
		await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
		this.#server?.closeAllConnections?.();
		this.#server = null;
	}
}

/** A lie that rewrites the JSON answers of one path; `edit` returns the new JSON (or undefined). */
export function rewriteJson(path: string, edit: (json: any, url: URL) => unknown): Lie { // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary answer JSON
	return (url, answer) => {
		if (url.pathname !== path || answer.status !== 200) return undefined;
		const out = edit(JSON.parse(answer.body.toString('utf8')), url);
		if (out === undefined) return undefined;
		return { ...answer, headers: { ...answer.headers, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(out)) };
	};
}
