// Whether a change is one that every device can use (docs/protocol.md "Submitting edits", issue
// 22), and loading documents that hold one that is not. Plain JavaScript, so that the server's
// check workers (src/lib/server/workers/heavy-check.mjs) run exactly this code; the browser, the
// projector and the in-thread checks import it too.
//
// Automerge 3 reads a corrupt change without complaint in `decodeChange`, then either panics in
// wasm when it is applied, or drops it (and every change after it) when a document is loaded from
// concatenated changes. Devices apply changes both ways: `applyChanges` when they pull, `load` of a
// part's concatenated changes when they bootstrap. So a change is accepted only when its chunk's
// checksum holds, the strings it writes follow the text rule, it leaves the part's id alone, and
// it applies by both paths after the part's stored changes.
import * as Automerge from '@automerge/automerge';
import { TEXT_SUSPECT, textProblem } from '../record/text-rules.js';

const MAGIC = [0x85, 0x6f, 0x4a, 0x83];

/** How many wasm panics this thread's checks have caught (a worker that saw one is replaced). */
let panics = 0;
export const panicsSoFar = () => panics;

const hex = (/** @type {Uint8Array} */ b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const messageOf = (/** @type {unknown} */ e) => {
	if (e instanceof Error && (e.name === 'PanicError' || e.constructor?.name === 'PanicError')) panics++;
	return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);
};

/**
 * Checks that `bytes` is exactly one change chunk (magic number, type 1 = change or 2 = compressed
 * change, its length, nothing after it) whose checksum is right: the first 4 bytes of SHA-256 of
 * the chunk's type ‖ length ‖ body (of the uncompressed change, for a compressed chunk), which is
 * also the start of the change's hash as Automerge computes it (`amHash`, from decodeChange).
 * @param {Uint8Array} bytes
 * @param {string} amHash
 * @returns {string | null} why not, or null
 */
export function chunkProblem(bytes, amHash) {
	if (bytes.length < 10) return 'the change is cut short';
	for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) return 'the change does not start with the Automerge magic number';
	const type = bytes[8];
	if (type !== 1 && type !== 2) return `the bytes are an Automerge chunk of type ${type}, not a change`;
	let at = 9;
	let length = 0;
	for (let shift = 0, i = 0; ; i++, shift += 7) {
		if (at >= bytes.length || i === 5) return 'the change has a malformed length';
		const b = bytes[at++];
		length += (b & 0x7f) * 2 ** shift;
		if (!(b & 0x80)) break;
	}
	if (at + length !== bytes.length) return `the change claims ${length} bytes of body, ${bytes.length - at} follow its header`;
	const checksum = hex(bytes.subarray(4, 8));
	if (!amHash.startsWith(checksum)) return `the change's checksum ${checksum} does not match its contents (${amHash.slice(0, 8)})`;
	return null;
}

/**
 * What is wrong with the operations of a decoded change, or null: a string the text rule refuses
 * (Automerge text characters are multi-line; every other string, map key and string inside a JSON
 * register is one line), or a write to the part's `id` other than setting it to `parcelId`.
 * @param {{ ops: Array<{ action: string, obj: string, key?: string, insert?: boolean, value?: unknown }> }} decoded
 * @param {string} parcelId
 * @returns {{ code: 'bad-text' | 'bad-change', message: string } | null}
 */
export function opsProblem(decoded, parcelId) {
	for (const op of decoded.ops) {
		if (op.obj === '_root' && op.key === 'id' && !op.insert) {
			if (op.action !== 'set' || op.value !== parcelId) {
				const what = op.action === 'set' ? `sets the part's id to ${JSON.stringify(op.value)}` : `${op.action === 'del' ? 'deletes' : 'replaces'} the part's id`;
				return { code: 'bad-change', message: `the change ${what}; it belongs to ${parcelId}, whose id never changes` };
			}
		}
		if (typeof op.key === 'string' && TEXT_SUSPECT.test(op.key)) {
			const p = textProblem(op.key);
			if (p) return { code: 'bad-text', message: `a field name ${p.message}` };
		}
		if (typeof op.value === 'string' && TEXT_SUSPECT.test(op.value)) {
			const p = textProblem(op.value, op.insert === true) ?? jsonTextProblem(op.value);
			if (p) return { code: 'bad-text', message: `${op.insert ? 'text' : `the value of ${JSON.stringify(op.key ?? '?')}`} ${p.message}` };
		}
	}
	return null;
}

/** A JSON register (geometry, an assessment, a share) escapes control characters: look inside. */
function jsonTextProblem(/** @type {string} */ s) {
	const t = s.trimStart();
	if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return null;
	/** @type {unknown} */
	let parsed;
	try {
		parsed = JSON.parse(s);
	} catch {
		return null;
	}
	/** @type {unknown[]} */
	const stack = [parsed];
	while (stack.length) {
		const x = stack.pop();
		if (typeof x === 'string') {
			const p = textProblem(x);
			if (p) return p;
		} else if (Array.isArray(x)) stack.push(...x);
		else if (x && typeof x === 'object') {
			for (const [k, v] of Object.entries(x)) {
				const p = textProblem(k);
				if (p) return p;
				stack.push(v);
			}
		}
	}
	return null;
}

/** Concatenation of change bytes (one allocation). */
function concat(/** @type {readonly Uint8Array[]} */ parts) {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

const free = (/** @type {any} */ doc) => {
	try {
		if (doc) Automerge.free(doc);
	} catch {
		// already freed, or left unusable by a panic
	}
};

/**
 * Applies `changes` to a document made by `makeBase()`, in ONE Automerge call when it can (one by
 * one is ~70× slower). When Automerge refuses the batch (an error, or a wasm panic) the changes are
 * applied one at a time from a fresh base, and each one Automerge refuses is left out and named in
 * `bad` by its position; the document is rebuilt after a refusal, since a panic may leave it
 * unusable. Changes that build on a refused one wait inside the document (missing dependencies).
 * Never throws for a bad change.
 * @template T
 * @param {() => Automerge.Doc<T>} makeBase
 * @param {readonly Uint8Array[]} changes
 * @returns {{ doc: Automerge.Doc<T>, bad: { index: number, message: string }[] }}
 */
export function applyIsolated(makeBase, changes) {
	let doc = makeBase();
	if (changes.length === 0) return { doc, bad: [] };
	try {
		const [next] = Automerge.applyChanges(doc, [...changes]);
		return { doc: next, bad: [] };
	} catch (e) {
		messageOf(e);
		free(doc);
	}
	/** @type {{ index: number, message: string }[]} */
	const bad = [];
	/** @type {Uint8Array[]} */
	const good = [];
	doc = makeBase();
	for (let i = 0; i < changes.length; i++) {
		try {
			[doc] = Automerge.applyChanges(doc, [changes[i]]);
			good.push(changes[i]);
		} catch (e) {
			bad.push({ index: i, message: messageOf(e) });
			free(doc);
			doc = makeBase();
			if (good.length) [doc] = Automerge.applyChanges(doc, good);
		}
	}
	return { doc, bad };
}

/**
 * A document from a part's concatenated changes (a snapshot's `parts.<part>`) or a list of
 * changes in log order, as a device or the projector loads it, surviving bad changes: the fast
 * path is one `Automerge.load`; when it throws, or loads fewer changes than it was given (a bad
 * change makes it drop the rest), the changes are split and applied with `applyIsolated`.
 * `bad` names the refused changes by position in the list (or in the split bytes).
 * @template T
 * @param {Uint8Array | readonly Uint8Array[]} source
 * @param {{ actor?: string, split?: (bytes: Uint8Array) => Uint8Array[] | null }} [opts]
 * @returns {{ doc: Automerge.Doc<T>, bad: { index: number, message: string }[] } | { error: string }}
 */
export function loadIsolated(source, opts = {}) {
	const init = opts.actor ? { actor: opts.actor } : undefined;
	const list = source instanceof Uint8Array ? (opts.split ? opts.split(source) : null) : source;
	const bytes = source instanceof Uint8Array ? source : concat(source);
	if (bytes.length === 0) return { doc: Automerge.init(init), bad: [] };
	try {
		/** @type {Automerge.Doc<T>} */
		const doc = Automerge.load(bytes, init);
		// A saved document (chunk type 0) holds any number of changes; a list must all be there.
		if (!list || Automerge.stats(doc).numChanges >= list.length) return { doc, bad: [] };
		free(doc);
	} catch (e) {
		const message = messageOf(e);
		if (!list) return { error: message };
	}
	return applyIsolated(() => Automerge.init(init), list);
}

/**
 * @typedef {{ ok: true } | { ok: false, missing: boolean, message: string }} Fit
 */

// The check's documents never make a change of their own, so their actor is never written
// anywhere: a fixed one spares Automerge drawing random bytes for each (2 % of a check worker).
const CHECK = { actor: '00000000000000000000000000000000' };

/**
 * Whether each of `changes` (in order, each after the ones before it that fit) applies to the
 * part whose stored changes are `base` (log order), by both paths devices use: `applyChanges`
 * onto the loaded document, and `Automerge.load` of the concatenated changes. `hashes[i]` is the
 * Automerge hash of `changes[i]`. A change whose dependencies the document lacks is `missing`
 * (it may be waiting for a change not stored yet); anything else that fails is a bad change.
 * Stored changes that are themselves bad (an older log) are left out of the base, as devices
 * leave them out. Never throws for a bad change.
 *
 * Cost: the apply path runs on Automerge's wasm document alone (`applyChanges` of the JS API is
 * that call plus turning the result into JS objects, ~80% of its time); the load path is the JS
 * `load`, which builds the JS objects of the whole resulting document — so the final document is
 * still materialized once, as a device does.
 * @param {readonly Uint8Array[]} base
 * @param {readonly Uint8Array[]} changes
 * @param {readonly string[]} hashes
 * @returns {Fit[]}
 */
export function fitChanges(base, changes, hashes) {
	/** @type {Uint8Array[]} */
	let good = [...base];
	let w = wasmDoc(good);
	if (w === null) {
		// The stored changes themselves hold one Automerge refuses: leave it out, as devices do.
		const r = applyIsolated(() => Automerge.init(CHECK), base);
		free(r.doc);
		good = base.filter((_, i) => !r.bad.some((b) => b.index === i));
		w = wasmDoc(good) ?? emptyWasmDoc();
	}
	/** @type {Uint8Array[]} */
	const accepted = [];
	/** @type {Fit[]} */
	const results = [];
	try {
		for (let i = 0; i < changes.length; i++) {
			/** @type {Fit} */
			let r;
			try {
				w.handle.applyChanges([changes[i]]);
				r = w.handle.getChangeMetaByHash(hashes[i])
					? { ok: true }
					: { ok: false, missing: true, message: 'the change depends on changes this document does not have' };
			} catch (e) {
				r = { ok: false, missing: false, message: `Automerge cannot apply the change: ${messageOf(e)}` };
			}
			if (r.ok) accepted.push(changes[i]);
			else {
				// A refused change may leave the document unusable, a missing one waits inside it.
				free(w.doc);
				w = wasmDoc([...good, ...accepted]) ?? emptyWasmDoc();
			}
			results.push(r);
		}
		// The snapshot path: one load of every change, checked for each accepted one.
		const positions = results.flatMap((r, i) => (r.ok ? [i] : []));
		if (positions.length && !loadsAll(good, accepted, positions.map((i) => hashes[i]))) {
			// Find which: add the accepted changes one at a time.
			const kept = [];
			for (let k = 0; k < positions.length; k++) {
				const i = positions[k];
				if (loadsAll(good, [...kept, changes[i]], [hashes[i]])) kept.push(changes[i]);
				else results[i] = { ok: false, missing: false, message: 'Automerge cannot load the document with the change (a device bootstrapping from a snapshot would lose it)' };
			}
		}
	} finally {
		free(w?.doc);
	}
	return results;
}

/** @returns {{ doc: any, handle: any }} */
const emptyWasmDoc = () => {
	const doc = Automerge.init(CHECK);
	return { doc, handle: Automerge.getBackend(doc) };
};

/**
 * An empty document with `changes` applied on Automerge's wasm side only (no JS objects), or
 * null when Automerge refuses them.
 * @param {readonly Uint8Array[]} changes
 * @returns {{ doc: any, handle: any } | null}
 */
function wasmDoc(changes) {
	const doc = Automerge.init(CHECK);
	const handle = /** @type {any} */ (Automerge.getBackend(doc));
	try {
		if (changes.length) handle.applyChanges([...changes]);
		return { doc, handle };
	} catch (e) {
		messageOf(e);
		free(doc);
		return null;
	}
}

/** Whether `Automerge.load` of base ‖ extra holds every one of `hashes`. */
function loadsAll(/** @type {readonly Uint8Array[]} */ base, /** @type {readonly Uint8Array[]} */ extra, /** @type {string[]} */ hashes) {
	let doc = null;
	try {
		doc = Automerge.load(concat([...base, ...extra]), CHECK);
		return Automerge.hasHeads(doc, hashes);
	} catch (e) {
		messageOf(e);
		return false;
	} finally {
		free(doc);
	}
}

/**
 * The content checks of one decoded change (the check workers and core's in-thread heavyCheck):
 * its chunk and checksum, the text rule and the part's id, and — for a part's first change (no
 * dependencies, sequence number 1), whose document is empty — that it applies (`fitted`).
 * Later changes are fitted against their part's stored changes by `fitChanges`.
 * @param {Uint8Array} bytes
 * @param {{ hash: string, seq: number, deps: string[], ops: any[] }} decoded
 * @param {string} parcelId
 * @returns {{ refusal: { code: 'bad-change' | 'bad-text', message: string } | null, fitted: boolean }}
 */
export function contentCheck(bytes, decoded, parcelId) {
	const chunk = chunkProblem(bytes, decoded.hash);
	if (chunk) return { refusal: { code: 'bad-change', message: chunk }, fitted: false };
	const ops = opsProblem(decoded, parcelId);
	if (ops) return { refusal: ops, fitted: false };
	if (decoded.deps.length === 0 && decoded.seq === 1) {
		const [r] = fitChanges([], [bytes], [decoded.hash]);
		return r.ok ? { refusal: null, fitted: true } : { refusal: { code: 'bad-change', message: r.message }, fitted: false };
	}
	return { refusal: null, fitted: false };
}
