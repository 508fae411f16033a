// Issue 20, API: every refusal on /api and /log is {"error":{"code","message"}} with the right
// status, walked over every route file under src/routes/api and src/routes/log (their exported
// methods read from the files), and /api/openapi.json names exactly those paths and methods.
import { expect, test, type APIResponse } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import http from 'node:http';
import net from 'node:net';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

type Route = { file: string; route: string; methods: Set<string> };

function routeFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
		d.isDirectory() ? routeFiles(join(dir, d.name)) : d.name === '+server.ts' ? [join(dir, d.name)] : []
	);
}

/** Every +server.ts under src/routes/api and src/routes/log, with the methods it exports. */
const ROUTES: Route[] = ['api', 'log'].flatMap((top) =>
	routeFiles(join('src/routes', top)).map((file) => {
		const route = '/' + relative('src/routes', file).split(sep).slice(0, -1).join('/');
		const text = readFileSync(file, 'utf8');
		const methods = new Set([...text.matchAll(/export\s+(?:const|(?:async\s+)?function)\s+(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|fallback)\b/g)].map((m) => m[1]));
		return { file, route, methods };
	})
);

/** The route as an OpenAPI path: [id] → {id}, [...path] → {path}. */
const openApiPath = (route: string) => route.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, '{$1}');

/** A concrete URL for the route. */
const concrete = (route: string) =>
	route
		.replace('[hash]', '0'.repeat(64))
		.replace('[id]', 'RIV-000001')
		.replace('[...path]', '0/0');

/** What SvelteKit takes: the exported methods, and HEAD where GET is. */
function allowed(r: Route): Set<string> {
	const s = new Set(r.methods);
	if (s.has('GET')) s.add('HEAD');
	return s;
}

async function expectErrorShape(res: APIResponse, what: string) {
	expect(res.headers()['content-type'] ?? '', what).toMatch(/^application\/json/);
	const body = await res.json();
	expect(Object.keys(body), what).toContain('error');
	expect(typeof body.error.code, what).toBe('string');
	expect(typeof body.error.message, what).toBe('string');
	expect(body.error.code.length, what).toBeGreaterThan(0);
	return body.error as { code: string; message: string };
}

/** A request Playwright would not send as is (a path that does not decode). */
function rawGet(baseURL: string, path: string): Promise<{ status: number; type: string; body: string }> {
	const u = new URL(baseURL);
	return new Promise((resolve, reject) => {
		const req = http.request({ host: u.hostname, port: u.port, path, method: 'GET' }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (c) => (body += c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
		});
		req.on('error', reject);
		req.end();
	});
}

/** Raw bytes to the server; the whole answer as text (the server closes the connection). */
function rawBytes(baseURL: string, bytes: string): Promise<string> {
	const u = new URL(baseURL);
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(u.port), u.hostname, () => socket.write(bytes));
		let out = '';
		socket.setEncoding('utf8');
		socket.on('data', (c) => (out += c));
		socket.on('end', () => resolve(out));
		socket.on('error', (e) => (out ? resolve(out) : reject(e)));
	});
}

test.describe('API refusals: one JSON shape', () => {
	test('the walk found the routes', () => {
		expect(ROUTES.length).toBeGreaterThan(20);
		for (const r of ROUTES) expect(r.methods.size, r.file).toBeGreaterThan(0);
	});

	test('every wrong method on every route: 405, JSON, allow lists what the route takes', async ({ request, baseURL }) => {
		for (const r of ROUTES) {
			const url = concrete(r.route);
			const ok = allowed(r);
			for (const method of METHODS.filter((m) => !ok.has(m))) {
				const res = await request.fetch(url, { method, headers: { origin: baseURL!, 'content-type': 'application/json' }, data: method === 'GET' || method === 'HEAD' ? undefined : '{}' });
				const what = `${method} ${r.route}`;
				expect(res.status(), what).toBe(405);
				const allow = (res.headers()['allow'] ?? '').split(/,\s*/).filter(Boolean);
				expect(new Set(allow), what).toEqual(ok);
				if (method === 'HEAD') continue; // no body
				const error = await expectErrorShape(res, what);
				expect(error.code, what).toBe('method-not-allowed');
			}
		}
	});

	test('every method that takes a body, sent a bad one: a 4xx in the JSON shape', async ({ request, baseURL }) => {
		const doc = await (await request.get('/api/openapi.json')).json();
		for (const r of ROUTES) {
			for (const method of [...r.methods].filter((m) => m !== 'GET' && m !== 'HEAD')) {
				const what = `${method} ${r.route} with a bad body`;
				const res = await request.fetch(concrete(r.route), { method, headers: { origin: baseURL!, 'content-type': 'application/json' }, data: '{"not json' });
				const takesBody = Boolean(doc.paths[openApiPath(r.route)]?.[method.toLowerCase()]?.requestBody);
				if (takesBody) {
					expect(res.status(), what).toBeGreaterThanOrEqual(400);
					expect(res.status(), what).toBeLessThan(500);
				}
				if (res.status() >= 400) await expectErrorShape(res, what);
			}
			// GET with nonsense in the query: any refusal is in the shape.
			if (r.methods.has('GET')) {
				const res = await request.get(`${concrete(r.route)}?start=-1&end=x&index=x&first=x&district=%21&parcels=%21&since=x&limit=x&after=%21`);
				expect(res.status(), `GET ${r.route} with a bad query`).toBeLessThan(500);
				if (res.status() >= 400) await expectErrorShape(res, `GET ${r.route} with a bad query`);
			}
		}
	});

	test('cross-site form submissions: 403 JSON on the API, the same text on pages', async ({ request, baseURL }) => {
		for (const r of ROUTES) {
			for (const method of [...r.methods].filter((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m))) {
				for (const origin of [undefined, 'https://evil.example']) {
					for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
						const what = `${method} ${r.route} as ${type} from ${origin ?? 'no origin'}`;
						const res = await request.fetch(concrete(r.route), { method, headers: { ...(origin ? { origin } : {}), 'content-type': type }, data: 'a=1' });
						expect(res.status(), what).toBe(403);
						const error = await expectErrorShape(res, what);
						expect(error.code, what).toBe('cross-site');
						expect(error.message, what).toMatch(/Cross-site .* form submissions are forbidden/);
					}
				}
			}
		}
		// The same origin passes the check (and meets the endpoint's own content-type rule).
		const same = await request.post('/api/session', { headers: { origin: baseURL!, 'content-type': 'text/plain' }, data: 'a=1' });
		expect(same.status()).toBe(415);
		await expectErrorShape(same, 'same-origin text/plain');
		// A page keeps SvelteKit's plain-text refusal.
		const page = await request.post('/parcels', { headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, data: 'a=1' });
		expect(page.status()).toBe(403);
		expect(page.headers()['content-type']).toMatch(/^text\/plain/);
		expect(await page.text()).toBe('Cross-site POST form submissions are forbidden');
	});

	test('unknown routes: 404 JSON on the API, an HTML page elsewhere', async ({ request }) => {
		for (const path of ['/api/nope', '/api/parcels/RIV-000001/nope', '/log/nope', '/api', '/log']) {
			const res = await request.get(path);
			expect(res.status(), path).toBe(404);
			expect((await expectErrorShape(res, path)).code).toBe('not-found');
			const post = await request.post(path, { data: {} });
			expect(post.status(), `POST ${path}`).toBe(404);
			await expectErrorShape(post, `POST ${path}`);
		}
		const page = await request.get('/no-such-page');
		expect(page.status()).toBe(404);
		expect(page.headers()['content-type']).toMatch(/^text\/html/);
	});

	test('malformed URIs: 400 JSON on the API, an HTML page elsewhere', async ({ baseURL }) => {
		for (const path of ['/api/parcels/%E0%A4%A', '/log/tile/%E0%A4%A', '/api/%C0']) {
			const res = await rawGet(baseURL!, path);
			expect(res.status, path).toBe(400);
			expect(res.type, path).toMatch(/^application\/json/);
			const body = JSON.parse(res.body);
			expect(body.error.code, path).toBe('malformed-uri');
			expect(typeof body.error.message).toBe('string');
		}
		const page = await rawGet(baseURL!, '/parcels/%E0%A4%A');
		expect(page.status).toBe(400);
		expect(page.type).toMatch(/^text\/html/);
	});

	test('a body above the limit: 413 JSON', async ({ request, baseURL }) => {
		const res = await request.post('/api/session', { headers: { origin: baseURL!, 'content-type': 'application/json' }, data: JSON.stringify({ publicKey: 'a'.repeat(10_000) }) });
		expect(res.status()).toBe(413);
		expect((await expectErrorShape(res, 'oversized sign-in')).code).toBe('too-large');
	});
});

test.describe('what Node answers before the app', () => {
	test('bytes that are not HTTP: 400 JSON; headers above the limit: 431 JSON', async ({ baseURL }) => {
		const bad = await rawBytes(baseURL!, 'NOT HTTP AT ALL\r\n\r\n');
		expect(bad).toMatch(/^HTTP\/1\.1 400 /);
		expect(bad).toMatch(/content-type: application\/json/i);
		expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4)).error.code).toBe('bad-request');
		const big = await rawBytes(baseURL!, `GET /api/status HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`);
		expect(big).toMatch(/^HTTP\/1\.1 431 /);
		expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)).error.code).toBe('headers-too-large');
	});
});

test.describe('OpenAPI description', () => {
	test('/api/openapi.json names every route file with exactly its methods, and nothing else', async ({ request }) => {
		const res = await request.get('/api/openapi.json');
		expect(res.status()).toBe(200);
		const doc = await res.json();
		expect(doc.openapi).toMatch(/^3\.1\./);
		const fromFiles = Object.fromEntries(ROUTES.map((r) => [openApiPath(r.route), [...r.methods].map((m) => m.toLowerCase()).sort()]));
		const fromDoc = Object.fromEntries(Object.entries(doc.paths as Record<string, Record<string, unknown>>).map(([p, ops]) => [p, Object.keys(ops).sort()]));
		expect(fromDoc).toEqual(fromFiles);
		// Each path parameter is declared, and each operation answers refusals in the error shape.
		for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, { $ref?: string }> }>>)) {
			const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
			for (const [method, op] of Object.entries(ops)) {
				expect((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name).sort(), `${method} ${path}`).toEqual(names);
				expect(op.responses['405']?.$ref, `${method} ${path}`).toBe('#/components/responses/MethodNotAllowed');
				expect(op.responses.default?.$ref, `${method} ${path}`).toBe('#/components/responses/Error');
			}
		}
		expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
	});

	test('a body the described schema refuses, the server refuses: 400 malformed naming the property', async ({ request, baseURL }) => {
		const doc = await (await request.get('/api/openapi.json')).json();
		let checked = 0;
		for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { schema?: { required?: string[]; additionalProperties?: boolean } }> } }>>)) {
			for (const [method, op] of Object.entries(ops)) {
				const schema = op.requestBody?.content['application/json']?.schema;
				if (!schema?.required?.length) continue;
				const send = (data: unknown) => request.fetch(path, { method, headers: { origin: baseURL!, 'content-type': 'application/json' }, data: JSON.stringify(data) });
				if (op.security) {
					// Staff only: without a session the server refuses before it reads the body.
					const res = await send({});
					expect(res.status(), `${method} ${path} without a session`).toBe(401);
					await expectErrorShape(res, `${method} ${path}`);
					continue;
				}
				// Without its required property, and with one the schema does not allow.
				for (const data of [{}, Object.fromEntries([...schema.required.map((k) => [k, []]), ['surplus', 1]])]) {
					const res = await send(data);
					expect(res.status(), `${method} ${path} ${JSON.stringify(data)}`).toBe(400);
					expect((await expectErrorShape(res, `${method} ${path}`)).code).toBe('malformed');
				}
				checked++;
			}
		}
		expect(checked).toBeGreaterThanOrEqual(3);
	});
});
