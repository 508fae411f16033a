import { parse, UsageError } from '../args';

export async function verify(args: string[]): Promise<void> {
	parse(args, { key: { type: 'string' }, changes: { type: 'boolean' } }, 1);
	throw new UsageError('verify: not built yet');
}
