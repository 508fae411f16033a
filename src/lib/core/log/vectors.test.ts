// Asserts the values in vectors.ts, which docs/protocol.md shows: if this fails, the code
// changed a format, and both the vectors and the docs need a deliberate update.
import { describe, expect, it } from 'vitest';
import { fromBase64, fromHex, toHex } from '../bytes';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { formatCheckpoint, openCheckpoint, signCheckpoint } from './checkpoint';
import { decodeEntryBundle, encodeEntryBundle, checkEntryBundle } from './entry-bundle';
import { emptyTreeRoot, leafHash } from './hashing';
import { checkRecord, checkTree, proveRecord, proveTree, verifyConsistency, verifyInclusion } from './proof';
import { consistencyProofToJson, inclusionProofToJson, parseConsistencyProofJson, parseInclusionProofJson } from './proof-json';
import { formatVerifierKey, parseVerifierKey } from './note';
import { entriesPath, parseTilePath, readTileData, tilePath } from './tiles';
import { MemoryHashStore, treeHash } from './tree';
import { LOG_VECTOR_ENTRIES, LOG_VECTOR_ORIGIN, LOG_VECTOR_PUBLIC, LOG_VECTOR_SECRET, LOG_VECTORS as V } from './vectors';

// The protocol docs quote these vectors; reading every docs page keeps them in step wherever the
// section lives (Vite inlines the files at build time, so this test needs no file system access).
const docs = Object.values(import.meta.glob<string>('/docs/*.md', { query: '?raw', import: 'default', eager: true })).join('\n');

const entries = LOG_VECTOR_ENTRIES.map(fromHex);
const store = new MemoryHashStore();
entries.forEach((e) => store.append(e));
const signer = secretKeySigner(fromHex(LOG_VECTOR_SECRET));
const root3 = fromHex(V.root3);

describe('log vectors (docs/protocol.md)', () => {
	it('hashes and stored-hash layout', async () => {
		expect(toHex(signer.publicKey)).toBe(LOG_VECTOR_PUBLIC);
		expect(entries.map((e) => toHex(leafHash(e)))).toEqual(V.leafHashes);
		expect(Array.from({ length: store.hashCount }, (_, i) => toHex(store.hash(i)))).toEqual(V.storedHashes);
		expect(toHex(emptyTreeRoot())).toBe(V.emptyRoot);
		expect(toHex(await treeHash(2, store.readHashes))).toBe(V.root2);
		expect(toHex(await treeHash(3, store.readHashes))).toBe(V.root3);
	});

	it('proofs and their JSON', async () => {
		const inc = inclusionProofToJson({ leafIndex: 1, treeSize: 3, hashes: await proveRecord(3, 1, store.readHashes) });
		expect(inc).toEqual(V.inclusionProofJson);
		const con = consistencyProofToJson({ first: 2, second: 3, hashes: await proveTree(3, 2, store.readHashes) });
		expect(con).toEqual(V.consistencyProofJson);

		const p = parseInclusionProofJson(JSON.parse(JSON.stringify(V.inclusionProofJson)));
		if (!p.ok) throw new Error(p.message);
		const leaf = fromHex(V.leafHashes[1]);
		expect(verifyInclusion(leaf, p.value.leafIndex, p.value.treeSize, p.value.hashes, root3)).toEqual({ ok: true });
		expect(checkRecord(p.value.hashes, 3, root3, 1, leaf)).toEqual({ ok: true });
		const c = parseConsistencyProofJson(JSON.parse(JSON.stringify(V.consistencyProofJson)));
		if (!c.ok) throw new Error(c.message);
		expect(verifyConsistency(2, 3, fromHex(V.root2), root3, c.value.hashes)).toEqual({ ok: true });
		expect(checkTree(c.value.hashes, 3, root3, 2, fromHex(V.root2))).toEqual({ ok: true });
	});

	it('tiles, paths and the entry bundle', async () => {
		for (const { tile, path } of V.tilePaths) {
			expect(tilePath(tile)).toBe(path);
			expect(parseTilePath(path)).toEqual({ ok: true, value: { kind: 'hashes', tile } });
		}
		expect(entriesPath(0, 3)).toBe(V.entriesPath);
		expect(toHex(await readTileData({ level: 0, n: 0, width: 3 }, store.readHashes))).toBe(V.level0Tile);
		expect(toHex(encodeEntryBundle(entries))).toBe(V.entryBundle);
		const decoded = decodeEntryBundle(fromHex(V.entryBundle), 3);
		expect(decoded.ok && decoded.value.map(toHex)).toEqual([...LOG_VECTOR_ENTRIES]);
		expect(checkEntryBundle(entries, fromHex(V.level0Tile))).toEqual({ ok: true });
	});

	it('verifier key, checkpoint and signed checkpoint', async () => {
		expect(formatVerifierKey(LOG_VECTOR_ORIGIN, signer.publicKey)).toBe(V.verifierKey);
		const cp = { origin: LOG_VECTOR_ORIGIN, size: 3, root: root3 };
		expect(formatCheckpoint(cp)).toBe(V.checkpoint);
		expect(await signCheckpoint(cp, LOG_VECTOR_ORIGIN, signer)).toBe(V.signedCheckpoint);
		const key = parseVerifierKey(V.verifierKey);
		if (!key.ok) throw new Error(key.message);
		const opened = await openCheckpoint(V.signedCheckpoint, key.value, nobleVerifier);
		expect(opened).toMatchObject({ ok: true, value: { checkpoint: { origin: LOG_VECTOR_ORIGIN, size: 3, root: fromBase64('lPvQ3YNvUDAWkubQ6t5yjuGexSv/8WBu2AfIV11aqhk=') } } });
	});

	it('are all quoted, verbatim, in docs/', () => {
		const quoted = [
			LOG_VECTOR_ORIGIN,
			LOG_VECTOR_SECRET,
			LOG_VECTOR_PUBLIC,
			...LOG_VECTOR_ENTRIES,
			...V.leafHashes,
			...V.storedHashes,
			V.emptyRoot,
			V.root2,
			V.root3,
			JSON.stringify(V.inclusionProofJson),
			JSON.stringify(V.consistencyProofJson),
			...V.tilePaths.map((t) => t.path),
			V.entriesPath,
			V.level0Tile,
			V.entryBundle,
			V.verifierKey,
			V.checkpoint,
			V.signedCheckpoint
		];
		expect(quoted.filter((v) => !docs.includes(v))).toEqual([]);
	});
});
