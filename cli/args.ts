// Tiny argument helpers for the operator CLI: clear messages and exit codes, nothing clever.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, positionals = 0) {
	try {
		const r = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
		if (r.positionals.length > positionals) throw new UsageError(`unexpected argument ${r.positionals[positionals]}`);
		return r;
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
}

export function required(value: string | undefined, flag: string): string {
	if (!value) throw new UsageError(`--${flag} is required`);
	return value;
}

export const log = (msg: string) => process.stdout.write(msg + '\n');
