// The process-wide server state, opened once on start (hooks.server.ts `init`): the configured
// store, the log key, the verified ledger, the parcel projection. A store that fails
// verification stops the process.
import { availableParallelism } from 'node:os';
import { CheckPool } from './check-pool';
import { readConfig, type ServerConfig } from './config';
import { Ledger } from './ledger';
import { readLogKeyFile } from './log-identity';
import { logKeyPath, openStore } from './open-store';
import { openProjection } from './projection/open';
import { Projector } from './projection/projector';
import type { ProjectionStore } from './projection/types';
import { SessionStore } from './sessions';
import { faultsFromEnv } from './store/faults';
import { Cluster } from './cluster/cluster';
import { PostgresLease, SoleLease } from './cluster/lease';
import { PostgresLogStore } from './store/postgres/log-store';
import { join } from 'node:path';
import { treeHash } from '../core/log/tree';
import { nodeVerifier } from './ed25519';
import { Gossip } from './witnessing/gossip';
import { readWitnessPolicy } from './witnessing/policy-file';
import { Witnessing } from './witnessing/witnessing';
import { openFileStore } from './files/open';
import type { FileStore } from './files/types';
import { offerFullTiles } from './http/full-tiles';
import { offerFileUploads } from './http/file-upload';

export interface Runtime {
	config: ServerConfig;
	ledger: Ledger;
	projection: ProjectionStore;
	projector: Projector;
	sessions: SessionStore;
	cluster: Cluster;
	/** Submits checkpoints to the policy's witnesses and attaches their cosignatures (witnessing/). */
	witnessing: Witnessing;
	/** Checkpoints clients show (POST /api/gossip), and the fork evidence among them. */
	gossip: Gossip;
	/** Photos and documents named by logged edits (files/). */
	files: FileStore;
}

let current: Promise<Runtime> | null = null;

export function runtime(): Promise<Runtime> {
	current ??= openRuntime(readConfig());
	return current;
}

async function openRuntime(config: ServerConfig): Promise<Runtime> {
	const identity = readLogKeyFile(logKeyPath(config));
	const policy = readWitnessPolicy(config.witnessPolicyFile);
	const store = await openStore(config);
	const projection = await openProjection(store);
	const files = await openFileStore(store);
	const projector = new Projector({ log: store, projection });
	// Projection happens after commits, debounced, never on the request path.
	// Decoding and signature checks run in worker threads when there is more than one core.
	const checkPool = availableParallelism() > 1 ? new CheckPool() : undefined;
	// Test-only crash points (PARCEL_LEDGER_CRASH_POINT); without that variable this is `store` itself.
	const logStore = faultsFromEnv(store);
	// On PostgreSQL several app servers may share the log: only the holder of the lease sequences
	// (and projects); the others forward submissions to it. On SQLite this process always holds it.
	const shared = store instanceof PostgresLogStore;
	let witnessing: Witnessing | null = null;
	const onCommit = () => {
		projector.schedule();
		witnessing?.schedule(); // only notes the new head: the requests go out later, off this path
	};
	const ledger = await Ledger.open({ store: logStore, identity, checkPool, paused: shared, onCommit, onErase: (hashes) => files.forgetChanges(hashes) });
	witnessing = new Witnessing({
		policy,
		head: () => ledger.mapVersion(),
		prove: (first, second) => ledger.consistencyProof(first, second),
		attach: (size, text, lines) => void ledger.sequencer.addCosignatures(size, text, lines),
		verifier: nodeVerifier,
		timing: { maxBackoffMs: config.witnessRetryMaxMs },
		log: (m) => console.log(m)
	});
	witnessing.start();
	const gossip = new Gossip({
		logKey: identity.key,
		verifier: nodeVerifier,
		head: () => ledger.mapVersion(),
		rootAt: (size) => treeHash(size, ledger.sequencer.hashReader),
		evidenceDir: join(config.dataDir, 'gossip-evidence')
	});
	const lease = shared
		? new PostgresLease({ connectionString: config.databaseUrl!, selfUrl: config.selfUrl, pool: store.pool })
		: new SoleLease(config.selfUrl);
	const cluster = new Cluster({ ledger, lease, projector });
	cluster.start();
	offerFullTiles();
	offerFileUploads({ files, log: ledger.store });
	return { config, ledger, projection, projector, sessions: new SessionStore(identity.sessionSecret), cluster, witnessing, gossip, files };
}
