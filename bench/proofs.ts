// bench/proofs: time to verify an inclusion proof and a consistency proof in a tree of 1M leaves
// (pure core code, as the browser and the CLI run it). Target ≤ 1 ms each.
import { randomBytes } from 'node:crypto';
import { leafHash } from '../src/lib/core/log/hashing';
import { MemoryHashStore, treeHash } from '../src/lib/core/log/tree';
import { proveRecord, proveTree, verifyConsistency, verifyInclusion } from '../src/lib/core/log/proof';
import { percentile, type BenchRow } from './table';

export async function benchProofs(leaves = 1 << 20): Promise<BenchRow[]> {
	const tree = new MemoryHashStore();
	const entry = randomBytes(200);
	for (let i = 0; i < leaves; i++) {
		entry.writeUInt32BE(i, 0);
		tree.append(entry);
	}
	const root = await treeHash(leaves, tree.readHashes);
	const oldSize = leaves - 12345;
	const oldRoot = await treeHash(oldSize, tree.readHashes);
	const incl: number[] = [];
	const cons: number[] = [];
	for (let k = 0; k < 300; k++) {
		const i = (k * 7919) % leaves;
		entry.writeUInt32BE(i, 0);
		const proof = await proveRecord(leaves, i, tree.readHashes);
		const leaf = leafHash(entry);
		let t = performance.now();
		if (!verifyInclusion(leaf, i, leaves, proof, root).ok) throw new Error('inclusion failed');
		incl.push(performance.now() - t);
		const cp = await proveTree(leaves, oldSize, tree.readHashes);
		t = performance.now();
		if (!verifyConsistency(oldSize, leaves, oldRoot, root, cp).ok) throw new Error('consistency failed');
		cons.push(performance.now() - t);
	}
	incl.sort((x, y) => x - y);
	cons.sort((x, y) => x - y);
	const row = (name: string, xs: number[]): BenchRow => {
		const p95 = percentile(xs, 95);
		return { name, value: p95, unit: 'ms', limit: { value: 1, unit: 'ms', what: 'budget' }, ratio: p95, target: '≤ 1', ok: p95 <= 1 };
	};
	return [row(`verify inclusion proof p95, tree of ${leaves}`, incl), row(`verify consistency proof p95, tree of ${leaves}`, cons)];
}
