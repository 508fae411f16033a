// SHA-256 for the core. Pure JS (noble) so the same code runs in browser, server and CLI.
// One hasher is reused, reset from a pristine copy for each call: noble's one-shot `sha256()`
// builds a hasher and views per call, and for the many small inputs of Merkle trees that garbage
// cost more than the hashing (a third of the time was GC when the server built the parcel map).
// Safe because hashing is synchronous: no call can interleave with another.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

const pristine = nobleSha256.create();
const work = nobleSha256.create();

export const sha256 = (data: Uint8Array): Uint8Array => {
	pristine._cloneInto(work);
	work.update(data);
	const out = new Uint8Array(32);
	work.digestInto(out);
	return out;
};
