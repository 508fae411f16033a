// bench/witness: what witnessing costs ingest. The same signed edits are ingested into fresh
// SQLite ledgers without witnesses and with two real witness processes (`cli witness`, on this
// machine) configured, alternating, in the same run; the figure is the median rate with
// witnesses over the median without. Target (issue 18): cosigning adds ≤ 5 %, ratio ≥ 0.95.
//   node --import tsx bench/witness.ts [--edits N] [--rounds R]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signKeyEntry } from '../src/lib/core/signing/submit';
import { checkWitnesses, parsePolicy } from '../src/lib/core/witness/policy';
import { CheckPool } from '../src/lib/server/check-pool';
import { nodeSigner, nodeVerifier } from '../src/lib/server/ed25519';
import { initLog } from '../src/lib/server/init-log';
import { logIdentity } from '../src/lib/server/log-identity';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import { Witnessing } from '../src/lib/server/witnessing/witnessing';
import { makeEdits } from './ingest';
import { markdownTable, type BenchRow } from './table';

const ORIGIN = 'bench.parcel-ledger.example/log';

/** Starts `cli witness` for the log key; resolves with its policy line once it listens. */
function startWitness(dir: string, name: string, port: number, logKey: string): Promise<{ child: ChildProcess; line: string }> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'witness', '--key', join(dir, `${name}.key`), '--state', join(dir, `${name}.state`), '--port', String(port), '--log', logKey, '--name', `bench.example/${name}`], { stdio: ['ignore', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		let out = '';
		child.stdout!.on('data', (d) => {
			out += d;
			const line = /^policy line: (witness .*)$/m.exec(out)?.[1];
			if (line && out.includes('listening')) resolve({ child, line });
		});
		child.once('exit', (code) => reject(new Error(`witness ${name} exited with ${code}: ${out}`)));
	});
}

async function ingest(edits: Awaited<ReturnType<typeof makeEdits>>, withWitnesses: boolean, port: number): Promise<{ rate: number; cosigned: string }> {
	const dir = mkdtempSync(join(tmpdir(), 'pl-bench-witness-'));
	const identity = logIdentity(ORIGIN, nodeSigner(randomBytes(32)));
	const store = new SqliteLogStore(join(dir, 'bench.db'));
	const checkPool = new CheckPool();
	const children: ChildProcess[] = [];
	let witnessing: Witnessing | null = null;
	try {
		const ledger = await initLog({ store, identity, registrar: edits.registrar, registrarName: 'Bench Registrar', checkPool, onCommit: () => witnessing?.schedule() });
		if (withWitnesses) {
			const ws = await Promise.all(['w1', 'w2'].map((n, i) => startWitness(dir, n, port + i, identity.verifierKey)));
			children.push(...ws.map((w) => w.child));
			const policy = parsePolicy(`${ws.map((w) => w.line).join('\n')}\nquorum 2\n`);
			if (!policy.ok) throw new Error(policy.message);
			witnessing = new Witnessing({
				policy: policy.value,
				head: () => ledger.mapVersion(),
				prove: (a, b) => ledger.consistencyProof(a, b),
				attach: (size, text, lines) => void ledger.sequencer.addCosignatures(size, text, lines),
				verifier: nodeVerifier
			});
			witnessing.start();
		}
		const grant = await signKeyEntry({ origin: ORIGIN, signer: edits.registrar, body: { kind: 'grant', grantee: edits.assessor.publicKey, role: 'assessor', name: 'Bench Assessor', districts: ['RIV'] }, claimedTime: Date.now() });
		await ledger.submit([grant]);
		await witnessing?.settled();
		const chunks = [];
		for (let i = 0; i < edits.subs.length; i += 500) chunks.push(edits.subs.slice(i, i + 500));
		let next = 0;
		const worker = async () => {
			while (next < chunks.length) {
				for (const r of await ledger.submit(chunks[next++])) if (r.status !== 'accepted') throw new Error(`refused: ${r.code}: ${r.message}`);
			}
		};
		const t = performance.now();
		await Promise.all([worker(), worker(), worker(), worker()]);
		const seconds = (performance.now() - t) / 1000;
		let cosigned = '';
		if (witnessing) {
			await witnessing.settled();
			const v = await checkWitnesses(ledger.sequencer.checkpoint, witnessing.policy, nodeVerifier);
			cosigned = `${v.cosigned.length} of 2 on the final checkpoint`;
		}
		await ledger.sequencer.drain();
		return { rate: edits.subs.length / seconds, cosigned };
	} finally {
		witnessing?.stop();
		for (const c of children) c.kill('SIGTERM');
		await store.close();
		await checkPool.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchWitness(o: { edits: number; rounds: number; port?: number }): Promise<BenchRow[]> {
	const edits = await makeEdits(o.edits);
	const without: number[] = [];
	const withW: number[] = [];
	let cosigned = '';
	for (let r = 0; r < o.rounds; r++) {
		// Alternate which goes first, so a machine that warms up or slows down favours neither.
		for (const w of r % 2 ? [true, false] : [false, true]) {
			const res = await ingest(edits, w, o.port ?? 4480);
			(w ? withW : without).push(res.rate);
			if (w) cosigned = res.cosigned;
		}
	}
	const base = median(without);
	const rate = median(withW);
	return [
		{
			name: `ingest with 2 witnesses (cli witness processes), SQLite (${o.edits} edits, median of ${o.rounds}; ${cosigned})`,
			value: rate,
			unit: 'edits/s',
			limit: { value: base, unit: 'edits/s', what: `the same ingest without witnesses, median of ${o.rounds}` },
			ratio: rate / base,
			target: '≥ 0.95',
			ok: rate / base >= 0.95
		}
	];
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { values } = parseArgs({ options: { edits: { type: 'string' }, rounds: { type: 'string' } } });
	console.log(markdownTable(await benchWitness({ edits: Number(values.edits ?? 20_000), rounds: Number(values.rounds ?? 3) })));
}
