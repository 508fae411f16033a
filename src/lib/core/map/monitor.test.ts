import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../bytes';
import { sha256 } from '../hash';
import { utf8 } from '../bytes';
import { parseVerifierKey, type NoteVerifierKey } from '../log/note';
import { nobleVerifier, secretKeySigner } from '../signing/ed25519';
import { describeAccepted, encodeMonitorState, monitorStep, openMonitorState, type MonitorDeps, type MonitorState, type MonitorStep } from './monitor';
import { mapRootOfEntries, publishLog, testClaimEntry, testEntries, testLogVerifierKey, type Published } from './test-log';
import { mapKey } from './key';
import { v1Root } from './log-map';
import { EMPTY_MAP_ROOT } from './trie';

let logKey: NoteVerifierKey;
let entries: Uint8Array[]; // 1000 entries: 3 full bundles and a partial one of 232
let at600: Published;
let at1000: Published;

beforeAll(async () => {
	const k = parseVerifierKey(testLogVerifierKey());
	if (!k.ok) throw new Error(k.message);
	logKey = k.value;
	entries = await testEntries(1000);
	at600 = await publishLog(entries.slice(0, 600));
	at1000 = await publishLog(entries);
});

/** Deps serving `files`, recording every path fetched. */
function served(files: Published, fetched: string[] = []): MonitorDeps {
	return {
		fetchText: async (p) => {
			fetched.push(p);
			const v = files.get(p);
			if (typeof v !== 'string') throw new Error(`HTTP 404 for ${p}`);
			return v;
		},
		fetchBytes: async (p) => {
			fetched.push(p);
			const v = files.get(p);
			return v instanceof Uint8Array ? v : null;
		},
		verifier: nobleVerifier,
		logKey
	};
}

function accepted(step: MonitorStep): MonitorState {
	if (!step.ok) throw new Error(`${step.code}: ${step.message}`);
	return step.state;
}

const failed = (step: MonitorStep) => (step.ok ? { ok: true } : { code: step.code, message: step.message, retry: step.retry });

/** A copy of `files` with `change` applied to the bytes at `path`. */
function tampered(files: Published, path: string, change: (b: Uint8Array) => Uint8Array): Published {
	const copy = new Map(files);
	const v = copy.get(path);
	if (!(v instanceof Uint8Array)) throw new Error(`no ${path}`);
	copy.set(path, change(Uint8Array.from(v)));
	return copy;
}

describe('monitorStep', () => {
	it('accepts a first checkpoint, reading every entry, and folds the map its line names', async () => {
		const progress: number[] = [];
		const step = await monitorStep(null, { ...served(at600), progress: (p) => progress.push(p.done) });
		const state = accepted(step);
		expect(step.ok && step.previousSize).toBeNull();
		expect(state.checkpoint.size).toBe(600);
		expect(state.map.root).toEqual(mapRootOfEntries(entries.slice(0, 600)));
		expect(state.map.size).toBeGreaterThan(50);
		expect(progress).toEqual([256, 512, 600]);
		expect(step.ok && describeAccepted(step)).toBe('checkpoint 600 ok: 600 new entries, map root matches (the first checkpoint this monitor accepts)');
	});

	it('resumes from its state: reads only the bundles holding new entries, and proves consistency from tiles', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const fetched: string[] = [];
		const step = await monitorStep(state, served(at1000, fetched));
		const next = accepted(step);
		expect(next.checkpoint.size).toBe(1000);
		expect(next.map.root).toEqual(mapRootOfEntries(entries));
		expect(fetched.filter((p) => p.startsWith('log/tile/entries/'))).toEqual(['log/tile/entries/002', 'log/tile/entries/003.p/232']);
		// The consistency proof 600 → 1000 comes from the tiles of the new tree: a handful, never every tile.
		const tiles = fetched.filter((p) => /^log\/tile\/\d/.test(p));
		expect(tiles.length).toBeGreaterThan(0);
		expect(tiles.length).toBeLessThanOrEqual(4);
		expect(step.ok && describeAccepted(step)).toBe('checkpoint 1000 ok: 400 new entries, map root matches, consistent with 600');
	});

	it('reads nothing but the checkpoint when the log has not moved', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const fetched: string[] = [];
		const step = await monitorStep(state, served(at600, fetched));
		expect(accepted(step).map).toBe(state.map);
		expect(step.ok && step.changed).toBe(false);
		expect(fetched).toEqual(['log/checkpoint']);
		expect(step.ok && describeAccepted(step)).toBe('checkpoint 600 ok: no new entries, map root matches');
	});

	it('accepts the empty log', async () => {
		const state = accepted(await monitorStep(null, served(await publishLog([]))));
		expect(state.checkpoint.size).toBe(0);
		expect(state.map.root).toEqual(EMPTY_MAP_ROOT);
		const next = accepted(await monitorStep(state, served(at600)));
		expect(next.checkpoint.size).toBe(600);
	});

	it('catches a map root the entries do not give, naming both roots', async () => {
		const wrong = sha256(utf8('another map'));
		const files = await publishLog(entries.slice(0, 600), { mapRoot: wrong });
		const step = await monitorStep(null, served(files));
		expect(failed(step)).toMatchObject({ code: 'map-root-mismatch', retry: false });
		const message = step.ok ? '' : step.message;
		expect(message).toContain(toBase64(wrong));
		expect(message).toContain(toBase64(mapRootOfEntries(entries.slice(0, 600))));
		// Also when the tree did not grow: the same tree re-signed with another map root.
		const state = accepted(await monitorStep(null, served(at600)));
		expect(failed(await monitorStep(state, served(files)))).toMatchObject({ code: 'map-root-mismatch' });
		expect(!step.ok && step.evidence.received).toBe(files.get('log/checkpoint'));
	});

	it('counts claims: a log whose map line leaves out a claims leaf is caught', async () => {
		const withClaim = [...entries.slice(0, 600), await testClaimEntry(600, 'RIV-0001')];
		const state = accepted(await monitorStep(null, served(at600)));
		const next = accepted(await monitorStep(state, served(await publishLog(withClaim))));
		expect(next.map.get(mapKey('RIV-0001', 'claims'))).toMatchObject({ count: 1, lastIndex: 600 });
		// The map of the edits alone (what a log hiding the claim would sign) is not the map of the entries.
		const editsOnly = v1Root(next.map);
		const step = await monitorStep(state, served(await publishLog(withClaim, { mapRoot: editsOnly })));
		expect(failed(step)).toMatchObject({ code: 'map-root-mismatch' });
	});

	it('refuses a checkpoint without a map line', async () => {
		const step = await monitorStep(null, served(await publishLog(entries.slice(0, 10), { mapRoot: null })));
		expect(failed(step)).toMatchObject({ code: 'no-map', retry: false });
		expect(!step.ok && step.message).toMatch(/^the log does not commit to a parcel map/);
	});

	it('refuses a checkpoint signed by another key, or altered after signing', async () => {
		const other = await publishLog(entries.slice(0, 600), { signer: secretKeySigner(new Uint8Array(32).fill(99)) });
		expect(failed(await monitorStep(null, served(other)))).toMatchObject({ code: 'bad-checkpoint', retry: false });
		const altered = new Map(at600);
		altered.set('log/checkpoint', (at600.get('log/checkpoint') as string).replace('\n600\n', '\n601\n'));
		const step = await monitorStep(null, served(altered));
		expect(failed(step)).toMatchObject({ code: 'bad-checkpoint' });
		expect(!step.ok && step.message).toMatch(/does not verify with monitor\.test\.example\/log\+[0-9a-f]{8}/);
	});

	it('catches a fork: another tree of the same size, keeping both checkpoints', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const forked = [...entries.slice(0, 599), (await testEntries(700, 699))[0]];
		const step = await monitorStep(state, served(await publishLog(forked)));
		expect(failed(step)).toMatchObject({ code: 'fork', retry: false });
		expect(!step.ok && step.message).toMatch(/two different trees of size 600/);
		expect(!step.ok && step.evidence.trusted).toBe(at600.get('log/checkpoint'));
		expect(!step.ok && step.evidence.received).not.toBe(at600.get('log/checkpoint'));
	});

	it('catches a fork: a smaller tree', async () => {
		const state = accepted(await monitorStep(null, served(at1000)));
		const step = await monitorStep(state, served(at600));
		expect(failed(step)).toMatchObject({ code: 'fork' });
		expect(!step.ok && step.message).toMatch(/size 600 is smaller than the checkpoint of size 1000/);
	});

	it('catches a fork: a larger tree that does not contain the accepted one', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const rewritten = [...entries];
		rewritten[5] = (await testEntries(6, 5))[0].map((b, i) => (i === 20 ? b ^ 1 : b));
		const step = await monitorStep(state, served(await publishLog(rewritten, { mapRoot: mapRootOfEntries(entries) })));
		expect(failed(step)).toMatchObject({ code: 'fork' });
		expect(!step.ok && step.message).toMatch(/tree of size 1000 does not contain the tree of size 600/);
	});

	it('names the entry of a bundle that does not hash to the tree', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		// Entry 700 is the 188th of bundle 2; flip a byte of its change hash.
		const bad = tampered(at1000, 'log/tile/entries/002', (b) => {
			let o = 0;
			for (let i = 0; i < 700 - 512; i++) o += 2 + ((b[o] << 8) | b[o + 1]);
			b[o + 20] ^= 1;
			return b;
		});
		const step = await monitorStep(state, served(bad));
		expect(failed(step)).toMatchObject({ code: 'entry-mismatch', retry: false });
		expect(!step.ok && step.message).toMatch(/^entry 700 of log\/tile\/entries\/002 does not hash to the log's tree of size 1000/);
		expect(!step.ok && step.evidence.files?.map((f) => f.name)).toEqual(['log_tile_entries_002']);
		// On a first run too (no consistency step before it).
		expect(failed(await monitorStep(null, served(bad)))).toMatchObject({ code: 'entry-mismatch' });
	});

	it('refuses a malformed bundle', async () => {
		const bad = tampered(at600, 'log/tile/entries/001', (b) => b.slice(0, -3));
		const step = await monitorStep(null, served(bad));
		expect(failed(step)).toMatchObject({ code: 'entry-mismatch' });
		expect(!step.ok && step.message).toMatch(/log\/tile\/entries\/001, entries 256–511 .* is malformed/);
	});

	it('catches tiles that do not hash to the checkpoint', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const bad = tampered(at1000, 'log/tile/0/003.p/232', (b) => ((b[0] ^= 1), b));
		expect(failed(await monitorStep(state, served(bad)))).toMatchObject({ code: 'tile-mismatch' });
	});

	it('reports an entry that is in the tree but does not decode', async () => {
		const garbage = [...entries.slice(0, 300), utf8('not an entry'), ...entries.slice(301, 600)];
		const step = await monitorStep(null, served(await publishLog(garbage, { mapRoot: EMPTY_MAP_ROOT })));
		expect(failed(step)).toMatchObject({ code: 'malformed-entry' });
		expect(!step.ok && step.message).toMatch(/^entry 300 is in the log's tree of size 600 but does not decode/);
	});

	it('asks to retry, without raising an alarm, when the log cannot be read', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const missing = new Map(at1000);
		missing.delete('log/tile/entries/003.p/232');
		expect(failed(await monitorStep(state, served(missing)))).toMatchObject({ code: 'unreachable', retry: true });
		const down: MonitorDeps = { ...served(at1000), fetchText: () => Promise.reject(new Error('ECONNREFUSED')) };
		const step = await monitorStep(state, down);
		expect(failed(step)).toEqual({ code: 'unreachable', retry: true, message: 'could not fetch log/checkpoint: ECONNREFUSED' });
		const flaky: MonitorDeps = { ...served(at1000), fetchBytes: () => Promise.reject(new Error('socket hang up')) };
		expect(failed(await monitorStep(state, flaky))).toMatchObject({ code: 'unreachable', retry: true });
	});
});

describe('the monitor state file', () => {
	it('round-trips, and a resumed monitor goes on from it', async () => {
		const state = accepted(await monitorStep(null, served(at600)));
		const bytes = encodeMonitorState(state);
		const opened = await openMonitorState(bytes, logKey, nobleVerifier);
		if (!opened.ok) throw new Error(opened.message);
		expect(opened.state.note).toBe(state.note);
		expect(opened.state.map.root).toEqual(state.map.root);
		expect(opened.state.frontier.hashes()).toEqual(state.frontier.hashes());
		// About 60 bytes a map leaf.
		expect(bytes.length).toBeLessThan(600 + state.map.size * 70);
		const fetched: string[] = [];
		const next = accepted(await monitorStep(opened.state, served(at1000, fetched)));
		expect(next.map.root).toEqual(mapRootOfEntries(entries));
		expect(fetched.filter((p) => p.includes('entries/'))).toHaveLength(2);
	});

	it('refuses a damaged file, and a file of another log key', async () => {
		const bytes = encodeMonitorState(accepted(await monitorStep(null, served(at600))));
		for (const at of [0, 30, Math.floor(bytes.length / 2), bytes.length - 1]) {
			const t = bytes.slice();
			t[at] ^= 1;
			expect((await openMonitorState(t, logKey, nobleVerifier)).ok).toBe(false);
		}
		expect((await openMonitorState(bytes.slice(0, -1), logKey, nobleVerifier)).ok).toBe(false);
		const other = parseVerifierKey(testLogVerifierKey(secretKeySigner(new Uint8Array(32).fill(99))));
		if (!other.ok) throw new Error(other.message);
		const r = await openMonitorState(bytes, other.value, nobleVerifier);
		expect(r.ok ? '' : r.message).toMatch(/belongs to the log key/);
	});
});
