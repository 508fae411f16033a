// The OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json. Written by hand from
// the endpoints under src/routes/api and src/routes/log, the submission bodies generated from the
// valibot schemas in wire.ts (json-schema.ts); tests/api-shape.e2e.ts holds the two
// together (every route file has a path here with exactly its methods, every path here a route).
// Wire formats in detail: docs/protocol.md.
import type { GenericSchema } from 'valibot';
import { EditBatch, KeyBatch, MAX_ITEMS_PER_REQUEST, ParcelIds, SignIn } from './wire';
import { toJsonSchema } from './json-schema';
import { SESSION_COOKIE } from '../sessions';

type Op = {
	summary: string;
	params?: string[];
	query?: string[];
	body?: 'json' | 'text' | 'bytes';
	/** The valibot schema the server parses a JSON body with. */
	schema?: GenericSchema;
	type?: 'json' | 'text' | 'bytes' | 'ndjson';
	statuses?: number[];
	/** Staff only: a session is checked before the body is read (401 without one). */
	session?: true;
};

const ERROR_REF = { $ref: '#/components/responses/Error' };

function operation(op: Op) {
	const parameters = [
		...(op.params ?? []).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
		...(op.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }))
	];
	const media = { json: 'application/json', text: 'text/plain', bytes: 'application/octet-stream', ndjson: 'application/x-ndjson' };
	const responses: Record<string, unknown> = {
		'200': { description: 'success', content: { [media[op.type ?? 'json']]: {} } }
	};
	for (const s of op.statuses ?? []) responses[String(s)] = ERROR_REF;
	responses['400'] = ERROR_REF;
	responses['405'] = { $ref: '#/components/responses/MethodNotAllowed' };
	if (op.body) responses['403'] = ERROR_REF;
	responses['503'] = ERROR_REF;
	responses.default = ERROR_REF;
	return {
		summary: op.summary,
		...(op.session ? { security: [{ session: [] }] } : {}),
		...(parameters.length ? { parameters } : {}),
		...(op.body ? { requestBody: { required: true, content: { [media[op.body]]: op.schema ? { schema: toJsonSchema(op.schema) } : {} } } } : {}),
		responses
	};
}

type Methods = Partial<Record<'get' | 'post' | 'put' | 'delete', Op>>;

const PATHS: Record<string, Methods> = {
	'/api/openapi.json': { get: { summary: 'This document' } },
	'/api/edits': { post: { summary: `Submit signed edits (at most ${MAX_ITEMS_PER_REQUEST}); "Submitting edits"`, body: 'json', schema: EditBatch, statuses: [207, 409, 413, 415, 422] } },
	'/api/keys': {
		get: { summary: 'Every granted key: name, role, districts, granted and revoked at which index' },
		post: { summary: 'Submit signed key grants and revocations', body: 'json', schema: KeyBatch, statuses: [207, 409, 413, 415, 422] }
	},
	'/api/entries': { post: { summary: 'Submit signed erasure, access, claim, decision and notice entries', body: 'json', schema: KeyBatch, statuses: [207, 401, 409, 413, 415, 422] } },
	'/api/changes/{hash}': { get: { summary: 'Raw change bytes by SHA-256 (private bodies to signed-in editors of the district)', params: ['hash'], type: 'bytes', statuses: [401, 403, 404, 410] } },
	'/api/files/{hash}': {
		get: { summary: 'The bytes of a stored file', params: ['hash'], type: 'bytes', statuses: [401, 403, 404] },
		put: { summary: 'One content-range chunk of a file a logged change (x-change) names, or a logged claim (x-claim) attaches; "Files"', params: ['hash'], body: 'bytes', statuses: [409, 413, 415, 422] }
	},
	'/api/files/{hash}/status': { get: { summary: 'What the server holds of a file, to resume its upload', params: ['hash'], statuses: [404] } },
	'/api/gossip': { post: { summary: 'A signed checkpoint of this log (text): consistency and the current checkpoint', body: 'text', statuses: [413] } },
	'/api/log/entries': { get: { summary: 'Entries [start, end), at most 1,000', query: ['start', 'end'] } },
	'/api/log/proof/consistency': { get: { summary: 'Consistency proof between two tree sizes', query: ['first', 'second'] } },
	'/api/log/proof/inclusion': { get: { summary: 'Inclusion proof of one leaf', query: ['index', 'size'] } },
	'/api/map': { get: { summary: 'Parcel-map proof of parcels or a district at the head', query: ['parcels', 'district'] } },
	'/api/map/path': { get: { summary: "A district's sibling path in the parcel map", query: ['district'] } },
	'/api/parcels': { get: { summary: 'Public search: a GeoJSON FeatureCollection', query: ['q', 'district', 'bbox', 'page', 'size'] } },
	'/api/parcels/{id}': { get: { summary: 'The public record of one parcel', params: ['id'], statuses: [404] } },
	'/api/parcels/{id}/access': { get: { summary: 'Who read the private part of a parcel (access entries)', params: ['id'], statuses: [401, 403, 404] } },
	'/api/parcels/{id}/entries': { get: { summary: 'Every entry naming the parcel', params: ['id'], statuses: [404] } },
	'/api/parcels/{id}/extract': { get: { summary: 'The verifiable extract of a parcel; "Extracts"', params: ['id'], statuses: [404] } },
	'/api/parcels/{id}/history': { get: { summary: 'The public history of a parcel', params: ['id'], statuses: [404] } },
	'/api/registry/claims': { get: { summary: 'The claims queue (registrars only); "Claims and notices"', query: ['district', 'kind', 'state', 'filedBefore', 'deadlineBefore', 'sort', 'limit', 'offset'], statuses: [400, 401, 403] } },
	'/api/registry/conflicts': { get: { summary: 'The conflict queue (registrars only)', query: ['parcel', 'district', 'limit', 'offset'], statuses: [401, 403] } },
	'/api/registry/exists': { post: { summary: 'Which of these parcel ids are registered (registrars only)', body: 'json', schema: ParcelIds, session: true, statuses: [401, 413, 415] } },
	'/api/registry/export': { get: { summary: 'Streamed export (registrars only)', query: ['format', 'district', 'q'], type: 'ndjson', statuses: [401, 403] } },
	'/api/registry/keys': { get: { summary: 'Key entries, last edits and refusals of revoked keys (registrars only)', statuses: [401, 403] } },
	'/api/registry/parcels/{id}': { get: { summary: 'A parcel with its entries and proofs for the registry workspace', params: ['id'], query: ['private'], statuses: [401, 403, 404] } },
	'/api/registry/subject': { get: { summary: 'Subject access request export (registrars only)', query: ['name'], statuses: [401, 403] } },
	'/api/session': {
		get: { summary: 'Who is signed in', statuses: [401] },
		post: { summary: 'Sign in with a granted key over a fresh nonce; "Sign-in"', body: 'json', schema: SignIn, statuses: [401, 413, 415] },
		delete: { summary: 'Sign out' }
	},
	'/api/session/nonce': { post: { summary: 'A fresh nonce to sign' } },
	'/api/snapshot': { get: { summary: 'A page of a district for a fresh device; "Snapshot"', query: ['district', 'after', 'limit'] } },
	'/api/status': { get: { summary: "This server's role, witness health and gossiped fork evidence" } },
	'/api/sync': { get: { summary: 'Edits of districts and every key entry since an index; "Reading"', query: ['districts', 'since', 'limit'] } },
	'/log/checkpoint': { get: { summary: 'The signed checkpoint (C2SP tlog-checkpoint)', type: 'text' } },
	'/log/key': { get: { summary: 'The note verifier key', type: 'text' } },
	'/log/tile/{path}': { get: { summary: 'C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>]', params: ['path'], type: 'bytes', statuses: [404] } },
	'/log/witnesses': { get: { summary: 'The witness policy, without URLs', type: 'text' } }
};

const ErrorBody = {
	type: 'object',
	required: ['error'],
	properties: {
		error: {
			type: 'object',
			required: ['code', 'message'],
			properties: { code: { type: 'string' }, message: { type: 'string' } }
		}
	}
};

export function openApiDocument() {
	return {
		openapi: '3.1.0',
		info: {
			title: 'Parcel Ledger HTTP API',
			version: '1',
			description:
				'Every refusal on /api and /log — including unknown paths (404), methods a path does not take (405, with `allow`), paths that do not decode (400), cross-site form submissions (403), bodies above a limit (413) — is JSON {"error":{"code","message"}}. Wire formats: docs/protocol.md.'
		},
		paths: Object.fromEntries(
			Object.entries(PATHS).map(([path, methods]) => [path, Object.fromEntries(Object.entries(methods).map(([m, op]) => [m, operation(op)]))])
		),
		components: {
			schemas: { Error: ErrorBody },
			securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'A staff session from POST /api/session' } },
			responses: {
				Error: { description: 'A refusal', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
				MethodNotAllowed: {
					description: 'The path does not take this method; `allow` lists those it takes',
					headers: { allow: { schema: { type: 'string' } } },
					content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
				}
			}
		}
	};
}
