import { describe, expect, it } from 'vitest';
import { fromHex, utf8 } from '../bytes';
import { signCheckpoint } from '../log/checkpoint';
import { parseVerifierKey, type NoteVerifierKey } from '../log/note';
import { proveTree } from '../log/proof';
import { MemoryHashStore, treeHash } from '../log/tree';
import { LOG_VECTOR_ORIGIN, LOG_VECTOR_SECRET, LOG_VECTORS } from '../log/vectors';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { compareCheckpoints } from './compare';

const signer = secretKeySigner(fromHex(LOG_VECTOR_SECRET));
const key = (parseVerifierKey(LOG_VECTORS.verifierKey) as { ok: true; value: NoteVerifierKey }).value;

function history(n: number, tag = '') {
	const store = new MemoryHashStore();
	for (let i = 0; i < n; i++) store.append(utf8(`entry ${i}${tag}`));
	return {
		cp: async (size: number) => signCheckpoint({ origin: LOG_VECTOR_ORIGIN, size, root: await treeHash(size, store.readHashes) }, LOG_VECTOR_ORIGIN, signer),
		deps: { key, verifier: nobleVerifier, consistencyProof: async (a: number, b: number) => (b <= n ? proveTree(b, a, store.readHashes) : null) }
	};
}

describe('compareCheckpoints (gossip)', () => {
	it('accepts one history in either direction', async () => {
		const h = history(10);
		expect((await compareCheckpoints(await h.cp(4), await h.cp(9), h.deps)).status).toBe('extends');
		expect((await compareCheckpoints(await h.cp(9), await h.cp(4), h.deps)).status).toBe('prefix');
		expect((await compareCheckpoints(await h.cp(9), await h.cp(9), h.deps)).status).toBe('same');
	});

	it('calls two histories under one key a fork, in every shape', async () => {
		const honest = history(10);
		const forked = history(12, ' (forked)');
		expect(await compareCheckpoints(await honest.cp(8), await forked.cp(8), forked.deps)).toMatchObject({ status: 'fork', message: expect.stringContaining('two different trees of 8 entries') });
		expect(await compareCheckpoints(await honest.cp(8), await forked.cp(12), forked.deps)).toMatchObject({ status: 'fork', message: expect.stringContaining('does not extend') });
		// The log now serves a smaller tree than one it signed, and cannot prove the larger.
		const smaller = history(5, ' (rolled back)');
		expect(await compareCheckpoints(await honest.cp(10), await smaller.cp(5), smaller.deps)).toMatchObject({ status: 'fork', message: expect.stringContaining('smaller than the 10') });
	});

	it('says nothing about a checkpoint of another key', async () => {
		const h = history(3);
		const other = await signCheckpoint({ origin: LOG_VECTOR_ORIGIN, size: 3, root: new Uint8Array(32) }, LOG_VECTOR_ORIGIN, secretKeySigner(new Uint8Array(32).fill(7)));
		expect((await compareCheckpoints(other, await h.cp(3), h.deps)).status).toBe('unverified');
	});
});
