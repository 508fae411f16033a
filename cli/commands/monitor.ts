// monitor URL --key VERIFIER_KEY [--policy FILE] [--state FILE] [--once] [--interval SECONDS]:
// follows a log from the outside with only what it publishes, and checks each new checkpoint and
// its parcel map (src/lib/core/map/monitor.ts); with a witness policy, it says whether each
// accepted checkpoint carries its cosignatures (a warning: witnesses cosign just after a commit). This file is the I/O around that step: HTTP, the state file
// (written to a temporary file, synced, renamed), evidence files, output, the polling loop.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseVerifierKey } from '../../src/lib/core/log/note';
import {
	describeAccepted,
	encodeMonitorState,
	monitorStep,
	openMonitorState,
	type MonitorState,
	type MonitorStep
} from '../../src/lib/core/map/monitor';
import { checkWitnesses, parsePolicy, type WitnessPolicy } from '../../src/lib/core/witness/policy';
import { writeAtomically } from '../../src/lib/server/atomic-file';
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, terminalText, UsageError } from '../args';
import { logFetchers } from '../log-fetch';

export const DEFAULT_STATE = 'monitor/state.bin';
/** Exit codes: the log disagrees (evidence kept) / the log or the state file could not be read. */
export const EXIT_ALARM = 1;
export const EXIT_UNCHECKED = 3;

const err = (msg: string) => process.stderr.write(terminalText(msg) + '\n');

const indent = (note: string) => note.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');

/** Keeps what the log served in <state folder>/evidence/<time>-<code>/ and returns that folder. */
function keepEvidence(stateDir: string, base: string, key: string, step: Extract<MonitorStep, { ok: false }>): string {
	const dir = join(stateDir, 'evidence', `${new Date().toISOString().replace(/[:.]/g, '-')}-${step.code}`);
	mkdirSync(dir, { recursive: true });
	const { trusted, received, files = [] } = step.evidence;
	if (trusted) writeFileSync(join(dir, 'accepted.checkpoint'), trusted);
	if (received) writeFileSync(join(dir, 'received.checkpoint'), received);
	for (const f of files) writeFileSync(join(dir, f.name), f.bytes);
	const report = [`log: ${base}`, `key: ${key}`, `at: ${new Date().toISOString()}`, `code: ${step.code}`, '', step.message, ''].join('\n');
	writeFileSync(join(dir, 'alarm.txt'), report);
	return dir;
}

export async function monitor(args: string[]): Promise<void> {
	const { values, positionals } = parse(
		args,
		{ key: { type: 'string' }, policy: { type: 'string' }, state: { type: 'string' }, once: { type: 'boolean' }, interval: { type: 'string' } },
		1
	);
	const base = positionals[0];
	if (!base || !/^https?:\/\//.test(base)) throw new UsageError('give the log URL, e.g. monitor http://localhost:3000 --key <verifier key>');
	if (!values.key) throw new UsageError('--key is required: the verifier key you trust for this log (its operator publishes it; `GET /log/key` is what the server says)');
	const key = parseVerifierKey(values.key.trim());
	if (!key.ok) throw new UsageError(`--key: ${key.message}`);
	const interval = Number(values.interval ?? 60);
	if (!Number.isFinite(interval) || interval <= 0) throw new UsageError(`--interval must be a positive number of seconds, not ${JSON.stringify(values.interval)}`);
	if (values.once && values.interval !== undefined) throw new UsageError('--interval has no meaning with --once');
	let policy: WitnessPolicy | null = null;
	if (values.policy !== undefined) {
		if (!existsSync(values.policy)) throw new UsageError(`--policy: no file ${values.policy}`);
		const p = parsePolicy(readFileSync(values.policy, 'utf8'));
		if (!p.ok) throw new UsageError(`--policy ${values.policy}: ${p.message}`);
		policy = p.value;
	}
	const statePath = resolve(values.state ?? DEFAULT_STATE);
	const stateDir = dirname(statePath);
	mkdirSync(stateDir, { recursive: true });

	let state: MonitorState | null = null;
	if (existsSync(statePath)) {
		const opened = await openMonitorState(new Uint8Array(readFileSync(statePath)), key.value, nodeVerifier);
		if (!opened.ok) {
			err(`error: cannot resume from ${statePath}: ${opened.message}`);
			err('Move the file away to start over from the log\'s first entry (the evidence folder beside it is kept).');
			process.exitCode = EXIT_UNCHECKED;
			return;
		}
		state = opened.state;
		log(`resuming from checkpoint ${state.checkpoint.size} (${statePath})`);
	}

	const http = logFetchers(base);
	for (let first = true; ; first = false) {
		const started = Date.now();
		let shown = started;
		const step = await monitorStep(state, {
			fetchText: http.fetchText,
			fetchBytes: http.fetchBytes,
			verifier: nodeVerifier,
			logKey: key.value,
			progress: ({ done, total }) => {
				const now = Date.now();
				if (now - shown < (process.stderr.isTTY ? 1000 : 10_000) || done === total) return;
				shown = now;
				const rate = Math.round(done / ((now - started) / 1000));
				process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}catching up: ${done}/${total} entries (${rate} entries/s)${process.stderr.isTTY ? '   ' : '\n'}`);
			}
		});
		if (shown !== started && process.stderr.isTTY) process.stderr.write('\n');
		if (step.ok) {
			if (step.changed) writeAtomically(statePath, encodeMonitorState(step.state));
			if (step.changed || first) {
				log(describeAccepted(step));
				if (policy) {
					const v = await checkWitnesses(step.state.note, policy, nodeVerifier);
					(v.ok ? log : err)(`  witnesses (the policy in ${values.policy}): ${v.message}`);
				}
			}
			const seconds = (Date.now() - started) / 1000;
			if (step.newEntries >= 10_000 || seconds >= 5) {
				err(`read ${step.newEntries} entries in ${seconds.toFixed(1)} s (${Math.round(step.newEntries / seconds)} entries/s)`);
			}
			state = step.state;
		} else if (step.retry) {
			err(`could not check the log: ${step.message}`);
			if (values.once) {
				process.exitCode = EXIT_UNCHECKED;
				return;
			}
		} else {
			const dir = keepEvidence(stateDir, base, values.key.trim(), step);
			err(`ALARM (${step.code}): ${step.message}`);
			if (step.evidence.trusted) err(`  the checkpoint this monitor accepted:\n${indent(step.evidence.trusted)}`);
			if (step.evidence.received) err(`  the checkpoint the log serves now:\n${indent(step.evidence.received)}`);
			err(`  evidence kept in ${dir}`);
			process.exitCode = EXIT_ALARM;
			return;
		}
		if (values.once) return;
		await new Promise((r) => setTimeout(r, interval * 1000));
	}
}
