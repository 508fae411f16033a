// Security of the served app: a strict Content-Security-Policy that the pages (MapLibre's blob:
// worker included) run under with no violation, security headers, staff endpoints that refuse
// without a session, SvelteKit's CSRF protection and no CORS for staff actions, no private value
// in the endpoints tests/privacy.e2e.ts does not scan (snapshot, OGC), no secret in the client
// bundle. (`npm audit` cannot run here: this workplace's registry answers the advisory
// endpoint with 405, so it is not part of the suite; see docs/reliability.md.)
import { expect, test, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { keyEntryToWire, signKeyEntry } from '../src/lib/core/signing/submit';
import { demoLogSecret } from '../src/lib/server/demo/seed';
import { nodeSigner } from '../src/lib/server/ed25519';
import { signInStatement } from '../src/lib/server/sessions';
import { toHex } from '../src/lib/core/bytes';
import type { Signer } from '../src/lib/core/signing/ed25519';
import { demoKey, E2E_DATA_DIR } from './support/demo';
import { origin as logOrigin } from './support/edits';

const CI = !!process.env.CI && process.env.CI !== 'false';
const PAGES = ['/', '/parcels', '/parcels?q=mill', '/parcels/RIV-000001', '/verify', '/field', '/field/setup', '/field/search', '/field/outbox', '/field/districts', '/registry'];
// Every private value of the demo county contains one of these (as tests/privacy.e2e.ts finds).
const PRIVATE_MARKERS = [/1632 96/, /\+44\s*1632/, /@example\.org/i, /DEMO-NID/i, /DEMO internal note/i];

/** Records CSP violations and the workers each page starts, from before its scripts run. */
async function watch(page: Page) {
	let console_: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to (load|execute|apply|create|connect|frame)/i.test(m.text())) console_.push(m.text());
	});
	page.on('pageerror', (e) => {
		if (/Content Security Policy|EvalError/i.test(e.message)) console_.push(e.message);
	});
	await page.addInitScript(() => {
		const w = window as unknown as { __csp: string[]; __workers: string[] };
		w.__csp = [];
		w.__workers = [];
		document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
		window.Worker = new Proxy(window.Worker, {
			construct(target, args: [string | URL, WorkerOptions?]) {
				w.__workers.push(String(args[0]).slice(0, 5));
				return new target(...args);
			}
		});
	});
	return {
		reset: () => (console_ = []),
		async violations() {
			const inPage = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
			return [...console_, ...inPage];
		},
		workers: () => page.evaluate(() => (window as unknown as { __workers: string[] }).__workers)
	};
}

test.describe('content security policy and headers', () => {
	test('every page carries a strict CSP and the security headers', async ({ request }) => {
		for (const path of PAGES) {
			const res = await request.get(path);
			expect(res.status(), path).toBe(200);
			const h = res.headers();
			const csp = h['content-security-policy'] ?? '';
			const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
			expect(directive('default-src'), path).toBe("default-src 'self'");
			expect(directive('script-src'), path).toMatch(/^script-src 'self' 'wasm-unsafe-eval'( '(nonce|sha256)-[^']+')*$/);
			expect(directive('object-src'), path).toBe("object-src 'none'");
			expect(directive('base-uri'), path).toBe("base-uri 'self'");
			expect(directive('frame-ancestors'), path).toBe("frame-ancestors 'none'");
			expect(directive('form-action'), path).toBe("form-action 'self'");
			expect(directive('connect-src'), path).toBe("connect-src 'self'");
			expect(directive('worker-src'), path).toBe("worker-src 'self' blob:");
			expect(csp, path).not.toMatch(/'unsafe-eval'|\*/);
			expect(directive('script-src'), path).not.toMatch(/'unsafe-inline'/);
			expect(h['x-content-type-options'], path).toBe('nosniff');
			expect(h['x-frame-options'], path).toBe('DENY');
			expect(h['referrer-policy'], path).toBe('same-origin');
			expect(h['cross-origin-opener-policy'], path).toBe('same-origin');
			expect(h['permissions-policy'], path).toMatch(/microphone=\(\)/);
		}
		for (const path of ['/api/keys', '/log/checkpoint', '/api/log/entries?start=0&end=1', '/api/parcels/RIV-000001/entries']) {
			const h = (await request.get(path)).headers();
			expect(h['x-content-type-options'], path).toBe('nosniff');
			expect(h['content-security-policy'], path).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
		}
	});

	test('pages run under it in Chromium with no violation; MapLibre starts its blob: worker', async ({ page }) => {
		const w = await watch(page);
		for (const path of PAGES) {
			w.reset();
			await page.goto(path);
			await page.waitForLoadState('networkidle');
			if (path === '/parcels/RIV-000001') {
				await expect(page.locator('canvas.maplibregl-canvas')).toBeVisible({ timeout: 20_000 });
				await expect(page.locator('.map-failure')).toHaveCount(0);
				await expect.poll(() => w.workers(), { timeout: 10_000 }).toContain('blob:');
			}
			expect(await w.violations(), path).toEqual([]);
		}
	});
});

async function signIn(request: import('@playwright/test').APIRequestContext, signer: Signer, publicKey: string) {
	const { nonce } = await (await request.post('/api/session/nonce')).json();
	const signature = Buffer.from(await signer.sign(signInStatement(await logOrigin(request), nonce))).toString('base64');
	return request.post('/api/session', { data: { publicKey, nonce, signature } });
}

test.describe('staff endpoints and sessions', () => {
	test('refuse without a valid session, and a revoked key is signed out at once', async ({ playwright, baseURL }) => {
		const anon = await playwright.request.newContext({ baseURL });
		const who = await anon.get('/api/session');
		expect(who.status()).toBe(401);
		expect((await who.json()).error.code).toBe('not-signed-in');
		// Forged and tampered session cookies are nobody.
		const reg = demoKey('registrar');
		const real = await playwright.request.newContext({ baseURL });
		expect((await signIn(real, reg.signer, reg.publicKey)).status()).toBe(200);
		const token = (await real.storageState()).cookies.find((c) => c.name === 'pl_session')!.value;
		const [payload, mac] = token.split('.');
		const forged = Buffer.from(JSON.stringify({ k: reg.publicKey, exp: Date.now() + 3_600_000 })).toString('base64url');
		// Tamper with the MAC's first character so it always differs (appending a fixed suffix
		// once matched a MAC that already ended in it).
		const tampered = `${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
		for (const cookie of ['garbage', `${forged}.${mac}`, `${payload}.${tampered}`, `${payload}.`, `.${mac}`]) {
			const res = await anon.get('/api/session', { headers: { cookie: `pl_session=${cookie}` } });
			expect(res.status(), cookie).toBe(401);
		}
		expect((await real.get('/api/session')).status()).toBe(200);
		// A revoked key cannot sign in.
		const cy = demoKey('assessor-cy');
		const refused = await signIn(anon, cy.signer, cy.publicKey);
		expect(refused.status()).toBe(403);
		expect((await refused.json()).error.code).toBe('revoked-key');
		// A key revoked while signed in loses its session with the revocation.
		const dana = nodeSigner(randomBytes(32));
		const danaHex = toHex(dana.publicKey);
		const origin = await logOrigin(anon);
		const grant = await signKeyEntry({ origin, signer: reg.signer, body: { kind: 'grant', grantee: dana.publicKey, role: 'assessor', name: 'Dana Session', districts: ['RIV'] }, claimedTime: Date.now() });
		expect((await anon.post('/api/keys', { data: { entries: [keyEntryToWire(grant)] } })).status()).toBe(200);
		const danaCtx = await playwright.request.newContext({ baseURL });
		expect((await signIn(danaCtx, dana, danaHex)).status()).toBe(200);
		expect((await danaCtx.get('/api/session')).status()).toBe(200);
		const revoke = await signKeyEntry({ origin, signer: reg.signer, body: { kind: 'revoke', revoked: dana.publicKey, reason: 'session test' }, claimedTime: Date.now() });
		expect((await anon.post('/api/keys', { data: { entries: [keyEntryToWire(revoke)] } })).status()).toBe(200);
		expect((await danaCtx.get('/api/session')).status()).toBe(401);
		for (const c of [anon, real, danaCtx]) await c.dispose();
	});

	test('private bodies in snapshots only for a signed-in editor of the district; OGC and snapshots carry no private value', async ({ playwright, baseURL }) => {
		const anon = await playwright.request.newContext({ baseURL });
		const scan = (where: string, text: string) => {
			for (const m of PRIVATE_MARKERS) expect(m.test(text), `${where} contains ${m}`).toBe(false);
		};
		const decodedParts = async (body: { parcels: { parts: Record<string, string> }[] }) => {
			const Automerge = await import('@automerge/automerge');
			return body.parcels.map((p) => JSON.stringify(Object.fromEntries(Object.entries(p.parts).map(([k, b64]) => [k, Automerge.load(Buffer.from(b64, 'base64'))])))).join('\n');
		};
		for (const district of ['RIV', 'NORTH', 'EAST']) {
			const res = await anon.get(`/api/snapshot?district=${district}&limit=200`);
			expect(res.status()).toBe(200);
			const body = await res.json();
			expect(body.parcels.length).toBeGreaterThan(0);
			for (const p of body.parcels) expect(Object.keys(p.parts)).not.toContain('private');
			expect(body.parcels.some((p: { withheld: string[] }) => p.withheld.includes('private'))).toBe(true);
			scan(`/api/snapshot ${district}`, JSON.stringify(body) + (await decodedParts(body)));
		}
		for (const path of ['/ogc/collections', '/ogc/collections/parcels/items?limit=200', '/ogc/collections/parcels/items/RIV-000001']) {
			const res = await anon.get(path);
			if (res.status() === 404) continue; // a collection name this build does not serve
			expect(res.status(), path).toBe(200);
			scan(path, await res.text());
		}
		// Ava edits RIV and NORTH: private parts of RIV for her, never of EAST.
		const ava = demoKey('assessor-ava');
		const staff = await playwright.request.newContext({ baseURL });
		expect((await signIn(staff, ava.signer, ava.publicKey)).status()).toBe(200);
		const riv = await (await staff.get('/api/snapshot?district=RIV&limit=50')).json();
		expect(riv.parcels.some((p: { parts: Record<string, string> }) => 'private' in p.parts)).toBe(true);
		const east = await (await staff.get('/api/snapshot?district=EAST&limit=50')).json();
		for (const p of east.parcels) expect(Object.keys(p.parts)).not.toContain('private');
		scan('/api/snapshot EAST as Ava', JSON.stringify(east) + (await decodedParts(east)));
		await anon.dispose();
		await staff.dispose();
	});
});

test.describe('cross-site requests', () => {
	test("SvelteKit refuses cross-site form posts; the API sends no CORS grant", async ({ request }) => {
		for (const [method, path] of [['POST', '/api/session'], ['POST', '/api/edits'], ['POST', '/api/keys'], ['DELETE', '/api/session'], ['POST', '/api/session/nonce']] as const) {
			for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
				const res = await request.fetch(path, { method, headers: { origin: 'https://evil.example', 'content-type': type }, data: 'a=1' });
				expect(res.status(), `${method} ${path} as ${type}`).toBe(403);
				expect(await res.text()).toMatch(/Cross-site .* form submissions are forbidden/i);
			}
		}
		const pre = await request.fetch('/api/edits', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
		expect(pre.headers()['access-control-allow-origin']).toBeUndefined();
		const get = await request.get('/api/session', { headers: { origin: 'https://evil.example' } });
		expect(get.headers()['access-control-allow-origin']).toBeUndefined();
	});

	test('a page on another site cannot use a signed-in session (real browser)', async ({ browser, baseURL }) => {
		const context = await browser.newContext();
		const reg = demoKey('registrar');
		expect((await signIn(context.request, reg.signer, reg.publicKey)).status()).toBe(200);
		expect((await context.request.get(`${baseURL}/api/session`)).status()).toBe(200);
		const page = await context.newPage();
		// An attacker's page on another site (served by the test itself, so it has no CSP of ours).
		await page.route('http://evil.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>evil</title><p>hello</p>' }));
		await page.goto('http://evil.example/');
		const attempts = await page.evaluate(async (target) => {
			const out: string[] = [];
			for (const [method, path, body] of [
				['DELETE', '/api/session', null],
				['POST', '/api/keys', JSON.stringify({ entries: [] })],
				['GET', '/api/session', null]
			] as const) {
				try {
					const r = await fetch(target + path, { method, credentials: 'include', headers: body ? { 'content-type': 'application/json' } : {}, body });
					out.push(`${method} ${path}: read ${r.status}`);
				} catch {
					out.push(`${method} ${path}: blocked`);
				}
			}
			return out;
		}, baseURL!);
		expect(attempts).toEqual(['DELETE /api/session: blocked', 'POST /api/keys: blocked', 'GET /api/session: blocked']);
		// A cross-site HTML form posting to a staff action: the server refuses it.
		const [response] = await Promise.all([
			page.waitForResponse((r) => r.url().startsWith(`${baseURL}/api/session`)),
			page.evaluate((target) => {
				const f = document.createElement('form');
				f.method = 'POST';
				f.action = `${target}/api/session`;
				f.innerHTML = '<input name="publicKey" value="x">';
				document.body.append(f);
				f.submit();
			}, baseURL!)
		]);
		expect(response.status()).toBe(403);
		// And the session is still there: nothing cross-site signed it out.
		expect((await context.request.get(`${baseURL}/api/session`)).status()).toBe(200);
		await context.close();
	});
});

test.describe('the client bundle and dependencies', () => {
	test('no secret reaches the client bundle', () => {
		const roots = ['build/client', 'build/prerendered'].filter(existsSync);
		expect(roots).toContain('build/client');
		const files: string[] = [];
		const walk = (d: string) => {
			for (const name of readdirSync(d)) {
				const p = join(d, name);
				if (statSync(p).isDirectory()) walk(p);
				else if (!/\.(br|gz|png|jpg|webp|ico|woff2?)$/.test(name)) files.push(p);
			}
		};
		roots.forEach(walk);
		expect(files.length).toBeGreaterThan(10);
		const secrets: string[] = [toHex(demoLogSecret()), Buffer.from(demoLogSecret()).toString('base64')];
		for (const name of readdirSync(join(E2E_DATA_DIR, 'demo')).filter((n) => n.endsWith('.json'))) {
			const hex = JSON.parse(readFileSync(join(E2E_DATA_DIR, 'demo', name), 'utf8')).secretKey as string;
			secrets.push(hex, Buffer.from(hex, 'hex').toString('base64'));
		}
		secrets.push(JSON.parse(readFileSync(join(E2E_DATA_DIR, 'log-key.json'), 'utf8')).secretKey);
		const words = ['DATABASE_URL', 'PG_TEST_URL', 'postgres://', 'BEGIN PRIVATE KEY', 'sessionSecret', 'session key\\n', 'parcel-ledger demo: ', 'better-sqlite3', 'log-key.json', 'PARCEL_LEDGER_CRASH_POINT'];
		const embeddedKey = /"secretKey"\s*:\s*"[0-9a-f]{64}"/;
		for (const f of files) {
			const text = readFileSync(f, 'latin1');
			for (const s of secrets) expect(text.includes(s), `${f} holds a secret key`).toBe(false);
			for (const w of words) expect(text.includes(w), `${f} mentions ${w}`).toBe(false);
			expect(embeddedKey.test(text), `${f} embeds a key file`).toBe(false);
		}
	});
});
