import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi';

describe('the OpenAPI description', () => {
	it('describes every JSON request body with the schema the server parses it with', () => {
		const doc = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: unknown }> } }>> };
		const bodies = Object.entries(doc.paths).flatMap(([path, ops]) =>
			Object.entries(ops).flatMap(([method, op]) => (op.requestBody?.content['application/json'] ? [{ at: `${method.toUpperCase()} ${path}`, schema: op.requestBody.content['application/json'].schema }] : []))
		);
		expect(bodies.length).toBeGreaterThanOrEqual(5);
		expect(bodies.filter((b) => !b.schema).map((b) => b.at)).toEqual([]);
	});
});
