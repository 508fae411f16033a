// Who may append what, replayed from the log's own grant and revocation entries. The server
// checks every submission with this before sequencing it; a verifier replays the whole log
// through it. Nothing here looks outside the log, so authorization is checkable by anyone.
import { fromHex, toHex } from '../bytes';
import { districtOf } from '../record/ids';
import { writeRefusal, type Role } from '../record/parts';
import type { Statement } from './entry';

export type AuthorityCode =
	| 'unknown-key'
	| 'revoked-key'
	| 'part-not-allowed'
	| 'district-not-granted'
	| 'not-a-registrar'
	| 'already-revoked'
	| 'bad-genesis'
	| 'not-the-log';

export type AuthorityVerdict = { ok: true } | { ok: false; code: AuthorityCode; message: string };

export interface KeyRecord {
	publicKey: string; // hex
	name: string;
	role: Role;
	districts: string[];
	grantedAt: number; // entry index
	grantedBy: string; // hex key
	revokedAt: number | null;
	revokedBy: string | null;
	revocationReason: string | null;
}

const OK: AuthorityVerdict = { ok: true };
const no = (code: AuthorityCode, message: string): AuthorityVerdict => ({ ok: false, code, message });

const covers = (granted: string[], district: string): boolean => granted.includes('*') || granted.includes(district);

export class KeyRegistry {
	#keys = new Map<string, KeyRecord>();
	#size = 0;
	/** The log's own key (hex): the only author of access entries. */
	readonly #logKey: string | null;

	constructor(opts: { logKey?: Uint8Array | null } = {}) {
		this.#logKey = opts.logKey ? toHex(opts.logKey) : null;
	}

	/** Number of entries replayed so far (the next entry's index). */
	get size(): number {
		return this.#size;
	}

	get(publicKey: Uint8Array | string): KeyRecord | undefined {
		return this.#keys.get(typeof publicKey === 'string' ? publicKey : toHex(publicKey));
	}

	list(): KeyRecord[] {
		return [...this.#keys.values()].sort((a, b) => a.grantedAt - b.grantedAt);
	}

	/** Whether `s` may be appended as the next entry, given everything replayed so far. */
	check(s: Statement): AuthorityVerdict {
		const author = this.#keys.get(toHex(s.author));
		if (s.kind === 'access') return this.#checkAccess(s);
		if (s.kind === 'grant' && this.#keys.size === 0) {
			// The log's first entry: a registrar grants itself (written by `cli init`).
			const self = toHex(s.grantee) === toHex(s.author) && s.role === 'registrar' && s.districts.includes('*');
			return self && this.#size === 0
				? OK
				: no('bad-genesis', "the log's first entry must be a registrar granting itself every district ('*')");
		}
		if (!author) return no('unknown-key', `key ${toHex(s.author).slice(0, 16)}… has never been granted`);
		if (author.revokedAt !== null) {
			return no('revoked-key', `key of ${author.name} was revoked at entry ${author.revokedAt}: ${author.revocationReason}`);
		}
		switch (s.kind) {
			case 'edit': {
				const refusal = writeRefusal(author.role, s.part);
				if (refusal) return no('part-not-allowed', `${refusal} (${author.name} is ${author.role})`);
				const district = districtOf(s.parcelId);
				if (!district || !covers(author.districts, district)) {
					return no('district-not-granted', `${author.name} is not granted district ${district}`);
				}
				return OK;
			}
			case 'grant': {
				if (author.role !== 'registrar') return no('not-a-registrar', 'only a registrar may grant keys');
				const outside = s.districts.filter((d) => (d === '*' ? !author.districts.includes('*') : !covers(author.districts, d)));
				if (outside.length) return no('district-not-granted', `${author.name} may not grant ${outside.join(', ')}`);
				const target = this.#keys.get(toHex(s.grantee));
				if (target?.revokedAt != null) return no('revoked-key', 'a revoked key stays revoked; enrol a new key');
				return OK;
			}
			case 'claim':
			case 'decision':
			case 'notice': {
				// Anyone granted the district may object; deciding and giving notice is the registry's office.
				if (s.kind !== 'claim' && author.role !== 'registrar') return no('not-a-registrar', `only a registrar may sign a ${s.kind}`);
				const district = districtOf(s.parcelId);
				if (!district || !covers(author.districts, district)) return no('district-not-granted', `${author.name} is not granted district ${district}`);
				return OK;
			}
			case 'erase': {
				if (author.role !== 'registrar') return no('not-a-registrar', 'only a registrar may erase private details');
				const district = districtOf(s.parcelId);
				if (!district || !covers(author.districts, district)) return no('district-not-granted', `${author.name} is not granted district ${district}`);
				return OK;
			}
			case 'revoke': {
				if (author.role !== 'registrar') return no('not-a-registrar', 'only a registrar may revoke keys');
				const target = this.#keys.get(toHex(s.revoked));
				if (!target) return no('unknown-key', 'the key to revoke was never granted');
				if (target.revokedAt !== null) return no('already-revoked', `already revoked at entry ${target.revokedAt}`);
				return OK;
			}
		}
	}

	/** Access entries are written by the log itself, naming a reader who held a grant for the scope. */
	#checkAccess(s: Extract<Statement, { kind: 'access' }>): AuthorityVerdict {
		if (!this.#logKey || toHex(s.author) !== this.#logKey) return no('not-the-log', 'access entries are signed by the log key');
		const reader = this.#keys.get(toHex(s.reader));
		if (!reader) return no('unknown-key', 'the reader was never granted');
		if (reader.revokedAt !== null) return no('revoked-key', `the reader's key was revoked at entry ${reader.revokedAt}`);
		const district = districtOf(s.scope) ?? s.scope;
		if (!covers(reader.districts, district)) return no('district-not-granted', `${reader.name} is not granted district ${district}`);
		return OK;
	}

	/** Records an accepted entry at the next index. Call only after `check` said ok. */
	apply(s: Statement): void {
		const index = this.#size++;
		if (s.kind === 'grant') {
			this.#keys.set(toHex(s.grantee), {
				publicKey: toHex(s.grantee),
				name: s.name,
				role: s.role,
				districts: [...s.districts],
				grantedAt: index,
				grantedBy: toHex(s.author),
				revokedAt: null,
				revokedBy: null,
				revocationReason: null
			});
		} else if (s.kind === 'revoke') {
			const target = this.#keys.get(toHex(s.revoked));
			if (target) {
				target.revokedAt = index;
				target.revokedBy = toHex(s.author);
				target.revocationReason = s.reason;
			}
		}
	}

	/** Replays entries that are known to be in the log, e.g. on start; skips edits cheaply. */
	skipTo(index: number): void {
		if (index < this.#size) throw new RangeError('cannot replay backwards');
		this.#size = index;
	}

	clone(): KeyRegistry {
		const c = new KeyRegistry({ logKey: this.#logKey ? fromHex(this.#logKey) : null });
		for (const [k, v] of this.#keys) c.#keys.set(k, { ...v, districts: [...v.districts] });
		c.#size = this.#size;
		return c;
	}
}
