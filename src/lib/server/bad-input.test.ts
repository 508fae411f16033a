// Bad input, property-based (fast-check): valid submissions mutated every way a client, a bug or
// an attacker could — each byte field, truncation and extension, wrong hash, wrong statement
// version, swapped parcel or part, foreign actor, replay to another parcel, revoked key, an
// assessor writing registrar fields, oversized and deeply nested bodies, wrong content types,
// huge batches — must be refused with a 4xx and a JSON reason, and leave every table of the store
// (log, change bodies, hashes, checkpoints, projection) byte-identical. On both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { concat, fromBase64, toBase64, toHex, utf8 } from '../core/bytes';
import { STATEMENT_PREFIX, changeHash, statementBytes, type Statement } from '../core/log/entry';
import { MAX_CLOCK_SKEW_MS, type Submission } from '../core/log/submission';
import { editToWire, signEdit, signKeyEntry, type EditWire } from '../core/signing/submit';
import { sampleParcel, sampleTitle } from '../core/record/samples';
import type { PartDoc } from '../core/crdt/representation';
import { handleSubmissions, MAX_BODY_BYTES } from './http/submissions';
import { errorToResponse } from './http/endpoint';
import { statusOf } from './http/respond';
import { MAX_ITEMS_PER_REQUEST } from './http/wire';
import { openProjection } from './projection/open';
import { Projector } from './projection/projector';
import { skipPostgres } from './store/postgres/test-database';
import { databaseSnapshot } from './testing/snapshot';
import { editChange, genesisChange, ledgerFixture, newEditor, ORIGIN, type Editor, type Fixture, type StoreKind } from './testing/fixture';

const kinds: { kind: StoreKind; runs: number }[] = [
	{ kind: 'sqlite', runs: 250 },
	...(skipPostgres() ? [] : [{ kind: 'postgres' as const, runs: 120 }])
];

interface World {
	f: Fixture;
	/** The parcel document after the committed genesis and one edit (actor seq 2). */
	doc: PartDoc;
	titleDoc: PartDoc;
	revoked: Editor;
	committedEdit: Uint8Array;
	parcel: string;
	digest: () => Promise<string>;
}

async function buildWorld(kind: StoreKind): Promise<World> {
	const f = await ledgerFixture(kind);
	const parcel = 'RIV-000100';
	const g = genesisChange(f.assessor, 'parcel', parcel, sampleParcel(parcel));
	const e1 = editChange(f.assessor, g.doc, 'parcel', { zoning: 'R2' });
	const t = genesisChange(f.registrar, 'title', parcel, sampleTitle(parcel));
	const revoked = newEditor();
	const grant = await signKeyEntry({
		origin: ORIGIN,
		signer: f.registrar.signer,
		body: { kind: 'grant', grantee: revoked.signer.publicKey, role: 'assessor', name: 'Gone', districts: ['RIV'] },
		claimedTime: f.clock.now
	});
	const revoke = await signKeyEntry({
		origin: ORIGIN,
		signer: f.registrar.signer,
		body: { kind: 'revoke', revoked: revoked.signer.publicKey, reason: 'tablet lost' },
		claimedTime: f.clock.now
	});
	const subs = [
		await f.edit(f.assessor, parcel, 'parcel', g.change),
		await f.edit(f.assessor, parcel, 'parcel', e1.change!),
		await f.edit(f.registrar, parcel, 'title', t.change),
		grant,
		revoke
	];
	for (const r of await f.ledger.submit(subs)) if (r.status !== 'accepted') throw new Error(`setup refused: ${r.code}: ${r.message}`);
	await f.ledger.sequencer.drain();
	// A projection beside the log, caught up, so that "nothing changed" covers it too.
	const projector = new Projector({ log: f.store, projection: await openProjection(f.store) });
	await projector.catchUp();
	return { f, doc: e1.doc, titleDoc: t.doc, revoked, committedEdit: e1.change!, parcel, digest: async () => (await databaseSnapshot(f.store)).digest };
}

const flip = (bytes: Uint8Array, at: number, mask: number): Uint8Array => {
	const out = Uint8Array.from(bytes);
	out[at % out.length] ^= mask;
	return out;
};

const resign = async (w: World, e: Editor, s: Statement, prefix = STATEMENT_PREFIX, origin = ORIGIN) =>
	e.signer.sign(concat(utf8(prefix), statementBytes(origin, s).subarray(utf8(STATEMENT_PREFIX).length)));

const parcelIdArb = fc.oneof(
	fc.stringMatching(/^(RIV|NORTH)-[A-Z0-9]{1,8}$/),
	fc.string({ maxLength: 40 }),
	fc.constantFrom('riv-000100', 'RIV-', '-000100', 'RIV-000100 ', 'RIV-0001000000000000000000000000')
);

/** Mutations of a valid edit at the ledger's door; each names the refusal codes it may get. */
const MUTATIONS = [
	fc.record({ k: fc.constant('signature-byte' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
	fc.record({ k: fc.constant('signature-length' as const), len: fc.integer({ min: 0, max: 130 }).filter((n) => n !== 64) }),
	fc.record({ k: fc.constant('change-byte' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }), rehash: fc.boolean() }),
	fc.record({ k: fc.constant('truncate-change' as const), keep: fc.nat(), rehash: fc.boolean() }),
	fc.record({ k: fc.constant('extend-change' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 64 }), rehash: fc.boolean() }),
	fc.record({ k: fc.constant('random-change' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 2048 }), resign: fc.boolean() }),
	fc.record({ k: fc.constant('author-byte' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
	fc.record({ k: fc.constant('wrong-hash' as const), hash: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
	fc.record({ k: fc.constant('wrong-version' as const), prefix: fc.constantFrom('parcel-ledger/v0\n', 'parcel-ledger/v2\n', 'parcel-ledger/v1 \n', 'parcel-ledger/v1', '') }),
	fc.record({ k: fc.constant('other-origin' as const), origin: fc.constantFrom('other.example/log', 'test.parcel-ledger.example/log2', '') }),
	fc.record({ k: fc.constant('swapped-parcel' as const), parcel: parcelIdArb.filter((p) => p !== 'RIV-000100') }),
	fc.record({ k: fc.constant('swapped-part' as const), part: fc.constantFrom('valuation' as const, 'title' as const, 'private' as const) }),
	fc.record({ k: fc.constant('claimed-time' as const), delta: fc.integer({ min: -2e12, max: 2e12 }).filter((d) => d !== 0) }),
	fc.record({ k: fc.constant('future-resigned' as const), ahead: fc.integer({ min: MAX_CLOCK_SKEW_MS + 1, max: 1e11 }) }),
	fc.record({ k: fc.constant('foreign-actor' as const) }),
	fc.record({ k: fc.constant('replay-to-parcel' as const), local: fc.stringMatching(/^[0-9]{6}$/).filter((l) => l !== '000100') }),
	fc.record({ k: fc.constant('revoked-key' as const) }),
	fc.record({ k: fc.constant('unknown-key' as const) }),
	fc.record({ k: fc.constant('registrar-fields' as const), name: fc.stringMatching(/^[A-Z][a-z]{1,12}( [A-Z][a-z]{1,12})?$/).filter((n) => n !== 'Ada Lovelace') }),
	fc.record({ k: fc.constant('district-not-granted' as const), district: fc.constantFrom('EAST', 'WEST', 'X1', 'ZZZZZZZZ') }),
	fc.record({ k: fc.constant('duplicate-seq' as const), zoning: fc.constantFrom('R3', 'R4', 'C1') }),
	fc.record({ k: fc.constant('duplicate-change' as const), later: fc.integer({ min: 1, max: 1e6 }) }),
	fc.record({ k: fc.constant('grant-by-assessor' as const) }),
	fc.record({ k: fc.constant('bad-grant' as const), district: fc.string({ maxLength: 12 }), name: fc.string({ maxLength: 300 }) })
];
type Mutation = (typeof MUTATIONS)[number] extends fc.Arbitrary<infer T> ? T : never;

async function mutate(w: World, m: Mutation): Promise<{ sub: Submission; codes: string[] }> {
	const { f } = w;
	const valid = editChange(f.assessor, w.doc, 'parcel', { notes: 'Checked on site.' }).change!;
	const base = await f.edit(f.assessor, w.parcel, 'parcel', valid);
	const s = base.statement as Extract<Statement, { kind: 'edit' }>;
	switch (m.k) {
		case 'signature-byte':
			return { sub: { ...base, signature: flip(base.signature, m.at, m.mask) }, codes: ['bad-signature'] };
		case 'signature-length': {
			const sig = new Uint8Array(m.len);
			sig.set(base.signature.subarray(0, m.len));
			return { sub: { ...base, signature: sig }, codes: ['bad-signature'] };
		}
		case 'change-byte':
		case 'truncate-change':
		case 'extend-change': {
			const change =
				m.k === 'change-byte' ? flip(valid, m.at, m.mask) : m.k === 'truncate-change' ? valid.slice(0, m.keep % valid.length) : concat(valid, m.extra);
			// Without rehash the statement names the old hash (bad-change); with it, the signature no longer covers it.
			const statement = m.rehash ? { ...s, changeHash: changeHash(change) } : s;
			return { sub: { ...base, statement, change }, codes: m.rehash ? ['bad-signature', 'bad-change', 'foreign-actor', 'malformed'] : ['bad-change', 'malformed'] };
		}
		case 'random-change': {
			const sub = m.resign ? await signEdit({ origin: ORIGIN, signer: f.assessor.signer, parcelId: w.parcel, part: 'parcel', change: m.bytes, claimedTime: f.clock.now }) : { ...base, change: m.bytes };
			return { sub, codes: ['bad-change'] };
		}
		case 'author-byte':
			return { sub: { ...base, statement: { ...s, author: flip(s.author, m.at, m.mask) } }, codes: ['foreign-actor', 'bad-signature'] };
		case 'wrong-hash':
			return { sub: { ...base, statement: { ...s, changeHash: m.hash } }, codes: ['bad-change'] };
		case 'wrong-version':
			return { sub: { ...base, signature: await resign(w, f.assessor, s, m.prefix) }, codes: ['bad-signature'] };
		case 'other-origin':
			return { sub: { ...base, signature: await resign(w, f.assessor, s, STATEMENT_PREFIX, m.origin) }, codes: ['bad-signature'] };
		case 'swapped-parcel':
			return { sub: { ...base, statement: { ...s, parcelId: m.parcel } }, codes: ['bad-signature', 'malformed'] };
		case 'swapped-part':
			return { sub: { ...base, statement: { ...s, part: m.part } }, codes: m.part === 'private' ? ['bad-signature', 'unsalted-private-change'] : ['bad-signature'] };
		case 'claimed-time':
			return { sub: { ...base, statement: { ...s, claimedTime: s.claimedTime + m.delta } }, codes: ['bad-signature', 'malformed', 'claimed-time-in-future', 'bad-claimed-time'] };
		case 'future-resigned': {
			const sub = await signEdit({ origin: ORIGIN, signer: f.assessor.signer, parcelId: w.parcel, part: 'parcel', change: valid, claimedTime: f.clock.now + m.ahead });
			return { sub, codes: ['claimed-time-in-future'] };
		}
		case 'foreign-actor': {
			const stranger = editChange(newEditor(), w.doc, 'parcel', { notes: 'Not mine.' }).change!;
			return { sub: await f.edit(f.assessor, w.parcel, 'parcel', stranger), codes: ['foreign-actor'] };
		}
		case 'replay-to-parcel':
			return { sub: await f.edit(f.assessor, `RIV-${m.local}`, 'parcel', valid), codes: ['unknown-dependency'] };
		case 'revoked-key': {
			const change = editChange(w.revoked, w.doc, 'parcel', { notes: 'After revocation.' }).change!;
			return { sub: await f.edit(w.revoked, w.parcel, 'parcel', change), codes: ['revoked-key'] };
		}
		case 'unknown-key': {
			const stranger = newEditor();
			return { sub: await f.edit(stranger, w.parcel, 'parcel', editChange(stranger, w.doc, 'parcel', { notes: 'Who?' }).change!), codes: ['unknown-key'] };
		}
		case 'registrar-fields': {
			const change = editChange(f.assessor, w.titleDoc, 'title', { 'parties.p1.name': m.name }).change!;
			return { sub: await f.edit(f.assessor, w.parcel, 'title', change), codes: ['part-not-allowed'] };
		}
		case 'district-not-granted': {
			const id = `${m.district}-000001`;
			return { sub: await f.edit(f.assessor, id, 'parcel', genesisChange(f.assessor, 'parcel', id, sampleParcel(id)).change), codes: ['district-not-granted'] };
		}
		case 'duplicate-seq': {
			// Another change by the actor that wrote the committed edit, with the same seq.
			const sibling = genesisChange(f.assessor, 'parcel', w.parcel, { ...sampleParcel(w.parcel), zoning: m.zoning }); // seq 1 again
			return { sub: await f.edit(f.assessor, w.parcel, 'parcel', sibling.change), codes: ['duplicate-seq'] };
		}
		case 'duplicate-change': {
			const sub = await signEdit({ origin: ORIGIN, signer: f.assessor.signer, parcelId: w.parcel, part: 'parcel', change: w.committedEdit, claimedTime: f.clock.now - m.later });
			return { sub, codes: ['duplicate-change'] };
		}
		case 'grant-by-assessor': {
			const sub = await signKeyEntry({
				origin: ORIGIN,
				signer: f.assessor.signer,
				body: { kind: 'grant', grantee: newEditor().signer.publicKey, role: 'registrar', name: 'Mallory', districts: ['*'] },
				claimedTime: f.clock.now
			});
			return { sub, codes: ['not-a-registrar'] };
		}
		case 'bad-grant': {
			// Registrar-signed, but the body cannot be encoded (district or name out of bounds), or is refused.
			const statement: Statement = { kind: 'grant', grantee: newEditor().signer.publicKey, role: 'assessor', name: m.name, districts: [m.district], author: f.registrar.signer.publicKey, claimedTime: f.clock.now };
			let signature: Uint8Array;
			try {
				signature = await f.registrar.signer.sign(statementBytes(ORIGIN, statement));
			} catch {
				signature = new Uint8Array(64);
			}
			const ok = /^([A-Z0-9]{2,8}|\*)$/.test(m.district) && m.name.length > 0 && utf8(m.name).length < 65536;
			// A well-formed grant is accepted; keep the property about bad input only.
			return { sub: { statement, signature }, codes: ok ? ['accepted'] : ['malformed', 'bad-signature'] };
		}
	}
}

describe.each(kinds)('bad input on $kind changes nothing', ({ kind, runs }) => {
	let w: World;
	beforeAll(async () => {
		w = await buildWorld(kind);
	});
	afterAll(async () => {
		await w.f.cleanup();
	});

	it('every mutated submission is refused with its 4xx code and a reason', async () => {
		const before = await w.digest();
		// Each kind of mutation gets its share of runs, so every kind is exercised on every run of the suite.
		for (const mutation of MUTATIONS as fc.Arbitrary<Mutation>[]) {
			await fc.assert(
				fc.asyncProperty(mutation, async (m) => {
					const { sub, codes } = await mutate(w, m);
					if (codes.includes('accepted')) return; // not bad input after all (see bad-grant)
					const [r] = await w.f.ledger.submit([sub]);
					expect(r.status, `${m.k} was accepted`).toBe('refused');
					if (r.status !== 'refused') return;
					expect(codes, `${m.k}: ${r.code}: ${r.message}`).toContain(r.code);
					expect(r.message.length).toBeGreaterThan(5);
					expect(statusOf(r.code)).toBeGreaterThanOrEqual(400);
					expect(statusOf(r.code)).toBeLessThan(500);
					expect(await w.digest(), `${m.k} changed the store`).toBe(before);
				}),
				{ numRuns: Math.ceil(runs / MUTATIONS.length) }
			);
		}
	});

	// ---- the HTTP wire: parser, size limits, content types, then the same ledger ----

	async function post(body: BodyInit | null, contentType: string | null = 'application/json', headers: Record<string, string> = {}) {
		const h: Record<string, string> = { ...headers };
		if (contentType !== null) h['content-type'] = contentType;
		const request = new Request('http://127.0.0.1/api/edits', { method: 'POST', body, headers: h, duplex: 'half' } as RequestInit);
		try {
			return await handleSubmissions(request, w.f.ledger, 'edits');
		} catch (e) {
			return errorToResponse(e, 'POST /api/edits (test)');
		}
	}

	async function expectClientError(res: Response, status?: number | number[]) {
		const text = await res.text();
		if (status !== undefined) expect([status].flat(), text).toContain(res.status);
		expect(res.status, text).toBeGreaterThanOrEqual(400);
		expect(res.status, text).toBeLessThan(500);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		const body = JSON.parse(text) as { error?: { code: string; message: string } };
		expect(typeof body.error?.code, text).toBe('string');
		expect(body.error!.message.length, text).toBeGreaterThan(3);
		return body;
	}

	let validWire: EditWire;
	beforeAll(async () => {
		const change = editChange(w.f.assessor, w.doc, 'parcel', { notes: 'Wire test.' }).change!;
		validWire = editToWire(await w.f.edit(w.f.assessor, w.parcel, 'parcel', change));
	});

	const wireField = fc.constantFrom('parcel', 'part', 'change', 'author', 'claimedTime', 'signature', 'kind');
	const wireMutation = fc.oneof(
		fc.record({ k: fc.constant('replace' as const), field: wireField, value: fc.jsonValue({ maxDepth: 3 }) }),
		fc.record({ k: fc.constant('delete' as const), field: wireField.filter((f) => f !== 'kind') }),
		fc.record({ k: fc.constant('extra' as const), key: fc.string({ minLength: 1, maxLength: 12 }), value: fc.jsonValue({ maxDepth: 2 }) }),
		fc.record({ k: fc.constant('bytes' as const), field: fc.constantFrom('change', 'signature', 'author'), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
		fc.record({ k: fc.constant('truncate' as const), field: fc.constantFrom('change', 'signature', 'author'), keep: fc.nat() }),
		fc.record({ k: fc.constant('extend' as const), field: fc.constantFrom('change', 'signature', 'author'), extra: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
		fc.record({ k: fc.constant('top' as const), value: fc.jsonValue({ maxDepth: 3 }) })
	);

	function applyWire(m: typeof wireMutation extends fc.Arbitrary<infer T> ? T : never): unknown {
		const item: Record<string, unknown> = { ...validWire };
		const decode = (field: string) => (field === 'author' ? Uint8Array.from(Buffer.from(item.author as string, 'hex')) : fromBase64(item[field] as string));
		const encode = (field: string, b: Uint8Array) => (field === 'author' ? toHex(b) : toBase64(b));
		switch (m.k) {
			case 'replace':
				item[m.field] = m.value;
				break;
			case 'delete':
				delete item[m.field];
				break;
			case 'extra':
				if (m.key in item) return { edits: [item], [m.key]: m.value };
				item[m.key] = m.value;
				break;
			case 'bytes':
				item[m.field] = encode(m.field, flip(decode(m.field), m.at, m.mask));
				break;
			case 'truncate': {
				const b = decode(m.field);
				item[m.field] = encode(m.field, b.slice(0, m.keep % b.length));
				break;
			}
			case 'extend':
				item[m.field] = encode(m.field, concat(decode(m.field), m.extra));
				break;
			case 'top':
				return m.value;
		}
		return { edits: [item] };
	}

	it('every mutated wire item is refused with a 4xx JSON reason', async () => {
		let before = await w.digest();
		await fc.assert(
			fc.asyncProperty(wireMutation, async (m) => {
				const body = applyWire(m);
				// Some replacements are harmless (e.g. kind: "edit"); those must be accepted or duplicates, never written twice.
				const res = await post(JSON.stringify(body));
				if (res.status === 200) {
					const j = (await res.json()) as { results: { status: string }[] };
					expect(j.results.every((r) => r.status === 'accepted')).toBe(true);
					before = await w.digest();
					return;
				}
				await expectClientError(res);
				expect(await w.digest(), `${m.k} changed the store`).toBe(before);
			}),
			{ numRuns: runs }
		);
	});

	it('wrong content types get 415 and change nothing', async () => {
		const before = await w.digest();
		const body = JSON.stringify({ edits: [validWire] });
		const type = fc.oneof(
			fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
			fc.constantFrom(
				'text/plain',
				'text/json',
				'application/x-www-form-urlencoded',
				'multipart/form-data; boundary=x',
				'application/json-seq',
				'application/json+x',
				'application/jsonx',
				'application/javascript',
				'',
				'json'
			)
		);
		await fc.assert(
			fc.asyncProperty(type.filter((t) => !/^application\/json\s*(;.*)?$/i.test(t.trim())), async (t) => {
				await expectClientError(await post(body, t || null), 415);
			}),
			{ numRuns: Math.min(runs, 100) }
		);
		expect(await w.digest()).toBe(before);
	});

	it('bodies that are not JSON, or are deeply nested, get 400 and change nothing', async () => {
		const before = await w.digest();
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
				await expectClientError(await post(bytes), 400);
			}),
			{ numRuns: Math.min(runs, 100) }
		);
		for (const depth of [1_000, 200_000]) {
			const deep = '['.repeat(depth) + ']'.repeat(depth);
			await expectClientError(await post(deep), 400);
			await expectClientError(await post(`{"edits":[{"parcel":${deep}}]}`), 400);
			await expectClientError(await post(`{"edits":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`), 400);
			await expectClientError(await post('['.repeat(depth)), 400); // and unbalanced
		}
		expect(await w.digest()).toBe(before);
	});

	it('oversized bodies and huge batches get 413 and change nothing', async () => {
		const before = await w.digest();
		// Declared too large: refused before reading.
		await expectClientError(await post('{}', 'application/json', { 'content-length': String(MAX_BODY_BYTES + 1) }), 413);
		// Streamed past the limit with no length declared.
		const chunk = new Uint8Array(1024 * 1024).fill(32);
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(c) {
				if (sent > MAX_BODY_BYTES + chunk.length) return c.close();
				sent += chunk.length;
				c.enqueue(chunk);
			}
		});
		await expectClientError(await post(stream), 413);
		// More items than one request may carry, each a valid edit.
		const huge = JSON.stringify({ edits: Array.from({ length: MAX_ITEMS_PER_REQUEST + 1 }, () => validWire) });
		const body = await expectClientError(await post(huge), 413);
		expect(body.error!.code).toBe('too-large');
		// A single change above the change limit, correctly signed.
		const big = await signEdit({ origin: ORIGIN, signer: w.f.assessor.signer, parcelId: w.parcel, part: 'parcel', change: new Uint8Array(600 * 1024).fill(7), claimedTime: w.f.clock.now });
		await expectClientError(await post(JSON.stringify({ edits: [editToWire(big)] })), 413);
		expect(await w.digest()).toBe(before);
	});

	it('a valid edit is accepted (the properties above refuse the mutation, not the baseline)', async () => {
		const res = await post(JSON.stringify({ edits: [validWire] }));
		expect(res.status).toBe(200);
		const body = (await res.json()) as { results: { status: string; index: number }[] };
		expect(body.results[0].status).toBe('accepted');
	});
});
