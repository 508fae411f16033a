// Sign-in without passwords: the server hands out a nonce, the editor signs a statement naming
// the log and the nonce with their granted key, and gets an HttpOnly, SameSite=Strict session
// cookie. Nonces and sessions are stateless HMAC tokens, so every app server that holds the log
// key accepts them and nothing about a session is stored.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { utf8 } from '../core/bytes';

export const NONCE_TTL_MS = 5 * 60 * 1000;
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'pl_session';

/** The exact bytes an editor signs to sign in (docs/protocol.md "Sign-in"). */
export const signInStatement = (origin: string, nonce: string): Uint8Array =>
	utf8(`parcel-ledger/v1 sign-in\n${origin}\n${nonce}\n`);

const b64url = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');

export class SessionStore {
	readonly #secret: Buffer;

	constructor(secret: Uint8Array) {
		this.#secret = Buffer.from(secret);
	}

	#mac(kind: string, payload: string): string {
		return b64url(createHmac('sha256', this.#secret).update(`${kind}\n${payload}`).digest());
	}

	#seal(kind: string, payload: object): string {
		const p = b64url(Buffer.from(JSON.stringify(payload)));
		return `${p}.${this.#mac(kind, p)}`;
	}

	#open<T extends { exp: number }>(kind: string, token: string, now: number): T | null {
		const [p, mac] = token.split('.');
		if (!p || !mac) return null;
		const want = Buffer.from(this.#mac(kind, p));
		const got = Buffer.from(mac);
		if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
		try {
			const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as T;
			return typeof payload.exp === 'number' && payload.exp > now ? payload : null;
		} catch {
			return null;
		}
	}

	issueNonce(now: number): { nonce: string; expires: number } {
		const exp = now + NONCE_TTL_MS;
		return { nonce: this.#seal('nonce', { r: b64url(randomBytes(16)), exp }), expires: exp };
	}

	nonceValid(nonce: string, now: number): boolean {
		return this.#open('nonce', nonce, now) !== null;
	}

	issueSession(publicKeyHex: string, now: number): { token: string; expires: number } {
		const exp = now + SESSION_TTL_MS;
		return { token: this.#seal('session', { k: publicKeyHex, exp }), expires: exp };
	}

	/** The signed-in key (hex) of a session token, or null when forged or expired. */
	sessionKey(token: string, now: number): string | null {
		return this.#open<{ k: string; exp: number }>('session', token, now)?.k ?? null;
	}
}
