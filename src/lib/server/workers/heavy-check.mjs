// The expensive half of checking a submission (core/log/submission.ts `heavyCheck`, same
// meaning): SHA-256 of the change, Automerge decoding, Ed25519 verification with node:crypto,
// and the change's content (chunk checksum, text rule, the part's id, and for a part's first
// change that it applies); and the fit of later changes to their part's stored changes
// (core/crdt/change-check.js `fitChanges`). Plain JavaScript that imports only plain JavaScript,
// so worker threads can load it from the source tree in development and in production alike.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { parentPort, isMainThread } from 'node:worker_threads';
import { decodeChange } from '@automerge/automerge';
import { contentCheck, fitChanges, panicsSoFar } from '../../core/crdt/change-check.js';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();

function publicKey(raw) {
	const id = Buffer.from(raw).toString('hex');
	let key = keys.get(id);
	if (!key) {
		key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
		if (keys.size > 10_000) keys.clear();
		keys.set(id, key);
	}
	return key;
}

/** @param {{ change: Uint8Array | null, parcel: string | null, statement: Uint8Array, signature: Uint8Array, author: Uint8Array }} item */
export function heavyCheck(item) {
	let decoded = null;
	let full = null;
	if (item.change) {
		try {
			full = decodeChange(item.change);
			// Same test as core/crdt/write.ts isSaltedMessage.
			const salted = typeof full.message === 'string' && /^salt:[0-9a-f]{32}( |$)/.test(full.message);
			decoded = { amHash: full.hash, actor: full.actor, seq: full.seq, deps: [...full.deps], salted };
		} catch (e) {
			decoded = { error: e instanceof Error ? e.message : String(e) };
		}
	}
	let signatureOk = false;
	if (item.signature.length === 64 && item.author.length === 32) {
		try {
			signatureOk = verify(null, item.statement, publicKey(item.author), item.signature);
		} catch {
			signatureOk = false;
		}
	}
	// The content is judged only for an authentic submission.
	const content = full && signatureOk && item.parcel !== null ? contentCheck(item.change, full, item.parcel) : { refusal: null, fitted: false };
	return {
		changeHash: item.change ? createHash('sha256').update(item.change).digest('hex') : null,
		decoded,
		signatureOk,
		changeRefusal: content.refusal,
		fitted: content.fitted
	};
}

if (!isMainThread && parentPort) {
	parentPort.on('message', ({ id, items, fit }) => {
		const results = fit ? fit.map((g) => fitChanges(g.base, g.changes, g.hashes)) : items.map(heavyCheck);
		// After a wasm panic this thread's Automerge may hold leaked or inconsistent state: the pool
		// replaces it once its jobs are answered.
		parentPort.postMessage({ id, results, retire: panicsSoFar() > 0 });
	});
}
