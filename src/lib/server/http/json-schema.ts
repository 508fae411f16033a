// JSON Schema (2020-12, as OpenAPI 3.1 uses) of the valibot wire schemas, for /api/openapi.json:
// the request bodies are described from the very schemas the server parses them with. Covers
// what src/lib/server/http/wire.ts uses; anything else throws, so a new construct is noticed.
import type * as v from 'valibot';

type Any = v.GenericSchema & { type: string; [k: string]: unknown };
type Action = { type: string; requirement?: unknown };
type Json = Record<string, unknown>;

export function toJsonSchema(schema: v.GenericSchema): Json {
	const s = schema as Any;
	const out = base(s);
	for (const a of ((s as { pipe?: Action[] }).pipe ?? []).slice(1)) {
		if (a.type === 'regex') out.pattern = (a.requirement as RegExp).source;
		else if (a.type === 'min_length') out[out.type === 'array' ? 'minItems' : 'minLength'] = a.requirement;
		else if (a.type === 'max_length') out[out.type === 'array' ? 'maxItems' : 'maxLength'] = a.requirement;
		else if (a.type === 'integer') out.type = 'integer';
		else if (a.type === 'min_value') out.minimum = a.requirement;
		else if (a.type === 'max_value') out.maximum = a.requirement;
		else throw new Error(`toJsonSchema: no rule for the valibot action ${a.type}`);
	}
	return out;
}

function base(s: Any): Json {
	switch (s.type) {
		case 'string':
			return { type: 'string' };
		case 'number':
			return { type: 'number' };
		case 'boolean':
			return { type: 'boolean' };
		case 'literal':
			return { const: s.literal };
		case 'picklist':
			return { enum: [...(s.options as unknown[])] };
		case 'array':
			return { type: 'array', items: toJsonSchema(s.item as v.GenericSchema) };
		case 'nullable':
			return { anyOf: [toJsonSchema(s.wrapped as v.GenericSchema), { type: 'null' }] };
		case 'union':
			return { anyOf: (s.options as v.GenericSchema[]).map(toJsonSchema) };
		case 'object':
		case 'strict_object': {
			const entries = s.entries as Record<string, Any>;
			const required = Object.keys(entries).filter((k) => entries[k].type !== 'optional');
			return {
				type: 'object',
				properties: Object.fromEntries(Object.entries(entries).map(([k, e]) => [k, toJsonSchema(e.type === 'optional' ? (e.wrapped as v.GenericSchema) : e)])),
				...(required.length ? { required } : {}),
				...(s.type === 'strict_object' ? { additionalProperties: false } : {})
			};
		}
		default:
			throw new Error(`toJsonSchema: no rule for the valibot schema ${s.type}`);
	}
}
