// Fault injection for reliability tests, in the manner of Sunlight's crash-point backend: a
// LogStore wrapper that calls a hook at every step a sequencer takes, so a test can fail (throw)
// or die (SIGKILL) exactly there. Production never wraps a store: `faultsFromEnv` returns the
// store untouched unless PARCEL_LEDGER_CRASH_POINT is set (docs/reliability.md).
import type { AppendBatch, LogStore } from './types';

/**
 * The steps of one batch commit, in order, plus the reads a sequencer makes around it.
 * `commit:inside` runs inside the store's transaction, after the entries and change bodies were
 * written and before the hashes, the checkpoint and COMMIT: a death there must leave no trace.
 * `commit:after` runs once the batch is durable, before anyone was answered.
 */
export const FAULT_STEPS = [
	'head',
	'keyEntries',
	'findIdentities',
	'changeFacts',
	'readHashes',
	'commit:before',
	'commit:inside',
	'commit:after'
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number];

/** Called before (or, for `commit:*`, at) each step; throwing makes the step fail. */
export type FaultHook = (step: FaultStep) => void;

export class InjectedFault extends Error {
	constructor(readonly step: FaultStep) {
		super(`injected fault at ${step}`);
		this.name = 'InjectedFault';
	}
}

/**
 * The batch the inner store sees: identical, except that reading `hashes` first calls the hook.
 * Both stores read `hashes` only inside their transaction, after inserting entries and changes
 * (sequencer-crash.test.ts checks that the SQLite transaction is open when it fires).
 */
function tripwireBatch(batch: AppendBatch, hook: FaultHook): AppendBatch {
	let fired = false;
	const copy = { ...batch } as AppendBatch;
	Object.defineProperty(copy, 'hashes', {
		enumerable: true,
		get() {
			if (!fired) {
				fired = true;
				hook('commit:inside');
			}
			return batch.hashes;
		}
	});
	return copy;
}

export function withFaults(inner: LogStore, hook: FaultHook): LogStore {
	const step = <T>(s: FaultStep, run: () => Promise<T>): Promise<T> => {
		try {
			hook(s);
		} catch (e) {
			return Promise.reject(e);
		}
		return run();
	};
	return {
		kind: inner.kind,
		migrate: () => inner.migrate(),
		close: () => inner.close(),
		readMeta: () => inner.readMeta(),
		initialize: (m) => inner.initialize(m),
		head: () => step('head', () => inner.head()),
		readHashes: (ix) => step('readHashes', () => inner.readHashes(ix)),
		readEntries: (a, b) => inner.readEntries(a, b),
		mapFacts: (a, b) => inner.mapFacts(a, b),
		findIdentities: (ids) => step('findIdentities', () => inner.findIdentities(ids)),
		knownChanges: (p, part, h) => inner.knownChanges(p, part, h),
		maxSeq: (p, part, a) => inner.maxSeq(p, part, a),
		changeFacts: (q) => step('changeFacts', () => inner.changeFacts(q)),
		readChange: (h) => inner.readChange(h),
		readChanges: (h) => inner.readChanges(h),
		changesOfParcel: (p) => inner.changesOfParcel(p),
		changesOfParcels: (p, end) => inner.changesOfParcels(p, end),
		entriesOfParcel: (p) => inner.entriesOfParcel(p),
		accessEntries: (p) => inner.accessEntries(p),
		erasedAmong: (p, part, h) => inner.erasedAmong(p, part, h),
		compact: () => inner.compact(),
		entriesForDistricts: (d, s, l) => inner.entriesForDistricts(d, s, l),
		keyEntries: () => step('keyEntries', () => inner.keyEntries()),
		claimEntries: () => inner.claimEntries(),
		readNoticeChange: (h) => inner.readNoticeChange(h),
		saveCosignedCheckpoint: (size, note) => inner.saveCosignedCheckpoint(size, note),
		async appendBatch(batch) {
			hook('commit:before');
			await inner.appendBatch(tripwireBatch(batch, hook));
			hook('commit:after');
		}
	};
}

/**
 * Test-only: PARCEL_LEDGER_CRASH_POINT=commit:inside[,commit:after…] (or `commit` for all three
 * commit steps) makes the server SIGKILL itself at that step with probability
 * PARCEL_LEDGER_CRASH_PROBABILITY (default 0.1). Unset, the store is returned as it is.
 */
export function faultsFromEnv(store: LogStore, env: Record<string, string | undefined> = process.env): LogStore {
	const spec = env.PARCEL_LEDGER_CRASH_POINT;
	if (!spec) return store;
	const steps = new Set<FaultStep>();
	for (const s of spec.split(',').map((x) => x.trim())) {
		if (s === 'commit') ['commit:before', 'commit:inside', 'commit:after'].forEach((c) => steps.add(c as FaultStep));
		else if ((FAULT_STEPS as readonly string[]).includes(s)) steps.add(s as FaultStep);
		else throw new Error(`PARCEL_LEDGER_CRASH_POINT: unknown step ${JSON.stringify(s)} (one of ${FAULT_STEPS.join(', ')}, commit)`);
	}
	const p = Number(env.PARCEL_LEDGER_CRASH_PROBABILITY ?? '0.1');
	if (!(p >= 0 && p <= 1)) throw new Error('PARCEL_LEDGER_CRASH_PROBABILITY must be a number in [0, 1]');
	console.warn(`[parcel-ledger] TEST MODE: will SIGKILL itself at ${[...steps].join(', ')} with probability ${p}`);
	return withFaults(store, (s) => {
		if (steps.has(s) && Math.random() < p) {
			console.warn(`[parcel-ledger] TEST MODE: SIGKILL at ${s}`);
			process.kill(process.pid, 'SIGKILL');
		}
	});
}
