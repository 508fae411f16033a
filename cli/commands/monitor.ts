// monitor URL --key VERIFIER_KEY [--state FILE] [--once] [--interval SECONDS]: follows a log from
// the outside with only what it publishes, and checks each new checkpoint and its parcel map
// (src/lib/core/map/monitor.ts). This file is the I/O around that step: HTTP, the state file
// (written to a temporary file, synced, renamed), evidence files, output, the polling loop.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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
import { nodeVerifier } from '../../src/lib/server/ed25519';
import { log, parse, terminalText, UsageError } from '../args';
import { logFetchers } from '../log-fetch';

export const DEFAULT_STATE = 'monitor/state.bin';
/** Exit codes: the log disagrees (evidence kept) / the log or the state file could not be read. */
export const EXIT_ALARM = 1;
export const EXIT_UNCHECKED = 3;

const err = (msg: string) => process.stderr.write(terminalText(msg) + '\n');

/** Writes a file so that a crash leaves either the old or the new one: temp file, fsync, rename, fsync the folder. */
export function writeAtomically(path: string, bytes: Uint8Array): void {
	const tmp = `${path}.${process.pid}.tmp`;
	const fd = openSync(tmp, 'w', 0o644);
	try {
		writeSync(fd, bytes);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	renameSync(tmp, path);
	const dir = openSync(dirname(path), 'r');
	try {
		fsyncSync(dir);
	} finally {
		closeSync(dir);
	}
}

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
		{ key: { type: 'string' }, state: { type: 'string' }, once: { type: 'boolean' }, interval: { type: 'string' } },
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
			if (step.changed || first) log(describeAccepted(step));
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
