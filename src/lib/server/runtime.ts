// The process-wide server state, opened once on start (hooks.server.ts `init`): the configured
// store, the log key, the verified ledger. A store that fails verification stops the process.
import { readConfig, type ServerConfig } from './config';
import { Ledger } from './ledger';
import { readLogKeyFile } from './log-identity';
import { logKeyPath, openStore } from './open-store';
import { SessionStore } from './sessions';

export interface Runtime {
	config: ServerConfig;
	ledger: Ledger;
	sessions: SessionStore;
}

let current: Promise<Runtime> | null = null;

export function runtime(): Promise<Runtime> {
	current ??= openRuntime(readConfig());
	return current;
}

async function openRuntime(config: ServerConfig): Promise<Runtime> {
	const identity = readLogKeyFile(logKeyPath(config));
	const store = await openStore(config);
	const ledger = await Ledger.open({ store, identity });
	return { config, ledger, sessions: new SessionStore(identity.sessionSecret) };
}
