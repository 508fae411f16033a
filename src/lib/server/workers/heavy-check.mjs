// The expensive half of checking a submission (core/log/submission.ts `heavyCheck`, same
// meaning): SHA-256 of the change, Automerge decoding, Ed25519 verification with node:crypto.
// Plain JavaScript with no project imports, so worker threads can load it from the source tree
// in development and in production alike.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { parentPort, isMainThread } from 'node:worker_threads';
import { decodeChange } from '@automerge/automerge';

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

/** @param {{ change: Uint8Array | null, statement: Uint8Array, signature: Uint8Array, author: Uint8Array }} item */
export function heavyCheck(item) {
	let decoded = null;
	if (item.change) {
		try {
			const d = decodeChange(item.change);
			// Same test as core/crdt/write.ts isSaltedMessage.
			const salted = typeof d.message === 'string' && /^salt:[0-9a-f]{32}( |$)/.test(d.message);
			decoded = { amHash: d.hash, actor: d.actor, seq: d.seq, deps: [...d.deps], salted };
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
	return {
		changeHash: item.change ? createHash('sha256').update(item.change).digest('hex') : null,
		decoded,
		signatureOk
	};
}

if (!isMainThread && parentPort) {
	parentPort.on('message', ({ id, items }) => {
		parentPort.postMessage({ id, results: items.map(heavyCheck) });
	});
}
