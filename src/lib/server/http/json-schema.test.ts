import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { toJsonSchema } from './json-schema';
import { EditBatch, KeyBatch, MAX_ITEMS_PER_REQUEST } from './wire';
import { openApiDocument } from './openapi';

describe('toJsonSchema', () => {
	it('maps the constructs the wire schemas use', () => {
		const s = v.strictObject({
			a: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/), v.maxLength(64)),
			b: v.optional(v.literal('edit')),
			c: v.picklist(['x', 'y']),
			d: v.pipe(v.array(v.number()), v.minLength(1), v.maxLength(3)),
			e: v.union([v.string(), v.number()])
		});
		expect(toJsonSchema(s)).toEqual({
			type: 'object',
			properties: {
				a: { type: 'string', pattern: '^[0-9a-f]{64}$', maxLength: 64 },
				b: { const: 'edit' },
				c: { enum: ['x', 'y'] },
				d: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 },
				e: { anyOf: [{ type: 'string' }, { type: 'number' }] }
			},
			required: ['a', 'c', 'd', 'e'],
			additionalProperties: false
		});
	});

	it('refuses what it has no rule for', () => {
		expect(() => toJsonSchema(v.date())).toThrow(/no rule/);
		expect(() => toJsonSchema(v.pipe(v.string(), v.email()))).toThrow(/no rule/);
	});

	it('the OpenAPI request bodies of the submission endpoints are the wire schemas', () => {
		const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: unknown }> } }>> };
		const body = (path: string, method: string) => doc.paths[path][method].requestBody?.content['application/json'].schema;
		expect(body('/api/edits', 'post')).toEqual(toJsonSchema(EditBatch));
		expect(body('/api/keys', 'post')).toEqual(toJsonSchema(KeyBatch));
		expect(body('/api/entries', 'post')).toEqual(toJsonSchema(KeyBatch));
		expect((toJsonSchema(EditBatch).properties as { edits: { maxItems: number } }).edits.maxItems).toBe(MAX_ITEMS_PER_REQUEST);
	});
});
