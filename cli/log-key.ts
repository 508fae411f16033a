// Which log key a local operator command trusts: --key when given, else the data folder's own
// log key file, else (announced on stdout) the key the store or backup itself names.
import { existsSync } from 'node:fs';
import type { ServerConfig } from '../src/lib/server/config';
import { readLogKeyFile, verifierIdentity, type LogIdentity } from '../src/lib/server/log-identity';
import { logKeyPath } from '../src/lib/server/open-store';
import { UsageError } from './args';

export function pinnedIdentity(config: ServerConfig, key: string | undefined): LogIdentity | null {
	if (key) {
		try {
			return verifierIdentity(key);
		} catch (e) {
			throw new UsageError(`--key: ${(e as Error).message}`);
		}
	}
	return existsSync(logKeyPath(config)) ? readLogKeyFile(logKeyPath(config)) : null;
}
