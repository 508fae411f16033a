// The workspace's view of who may do what: every grant and revocation entry, fetched from
// GET /api/registry/keys, signature-checked and replayed through core's KeyRegistry in the browser
// (the server's JSON list is never trusted), and stored like the field device stores them.
import { browserVerifier } from '../client/crypto';
import { advanceCheckpoint } from '../client/checkpoints';
import type { FieldDatabase } from '../client/db';
import { getJson, type Fetch } from '../client/http';
import { checkEntries, keyEntryRows, replayKeyEntry } from '../client/registry';
import type { LogRecord } from '../client/state';
import { KeyRegistry } from '../core/log/authority';

export interface AuthorActivity {
	author: string;
	lastIndex: number;
	lastLogTime: number;
	lastParcel: string | null;
}

export interface Refusal {
	at: number;
	author: string;
	parcel: string;
	part: string;
	claimedTime: number;
	code: string;
	message: string;
}

interface KeysAnswer {
	checkpoint: string;
	size: number;
	keyEntries: { index: number; entry: string }[];
	activity: AuthorActivity[];
	refusals: Refusal[];
	projectedSize: number;
}

export interface KeysView {
	registry: KeyRegistry;
	activity: Map<string, AuthorActivity>;
	refusals: Refusal[];
	/** Key entries the log should have refused (replay failed): shown as problems. */
	problems: string[];
	size: number;
	projectedSize: number;
}

export interface WorkspaceDeps {
	db: FieldDatabase;
	fetch: Fetch;
	log: LogRecord;
}

/** Fetches, verifies and stores every key entry; returns the replayed registry. */
export async function refreshKeys(deps: WorkspaceDeps): Promise<KeysView> {
	const answer = await getJson<KeysAnswer>(deps.fetch, '/api/registry/keys');
	await advanceCheckpoint(deps, answer.checkpoint);
	const checked = await checkEntries(deps.log.origin, answer.keyEntries, await browserVerifier());
	if (!checked.ok) throw new Error(`the log served a key entry that does not verify: ${checked.message}`);
	const registry = new KeyRegistry();
	const problems: string[] = [];
	for (const c of checked.entries) {
		const refused = replayKeyEntry(registry, c.index, c.entry);
		if (refused) problems.push(`entry ${c.index}: ${refused}`);
	}
	await deps.db.keyEntries.bulkPut(keyEntryRows(checked.entries));
	return {
		registry,
		activity: new Map(answer.activity.map((a) => [a.author, a])),
		refusals: answer.refusals,
		problems,
		size: answer.size,
		projectedSize: answer.projectedSize
	};
}
