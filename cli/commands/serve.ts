import { existsSync } from 'node:fs';
import { parse, UsageError } from '../args';

/** serve [--port N]: serve the built app on this data folder (build first: npm run build). */
export async function serve(args: string[]): Promise<void> {
	const { values } = parse(args, { port: { type: 'string' } });
	if (values.port) process.env.PORT = values.port;
	if (!existsSync('build/index.js')) throw new UsageError('no build found: run `npm run build` first (npm start does both)');
	// @ts-expect-error: plain ES module without types
	await import('../../scripts/serve.mjs');
}
