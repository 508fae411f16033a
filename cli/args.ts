// Tiny argument helpers for the operator CLI: clear messages and exit codes, nothing clever.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { neutralizeText } from '../src/lib/core/record/text-rules.js';

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

/**
 * What the command line prints comes partly from logs, servers and extracts it does not trust:
 * control characters (terminal escape sequences, C1's CSI) and bidi overrides are shown as
 * visible ⟨U+XXXX⟩ stand-ins (core's text rule), so no text can drive the terminal or reorder a
 * line. Newlines and tabs stay.
 */
export const terminalText = (msg: string): string => neutralizeText(msg, true);

export const log = (msg: string) => process.stdout.write(terminalText(msg) + '\n');
