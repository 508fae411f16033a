// The witness service on real files: state persisted before each cosignature and read back by a
// restarted service (which then refuses a fork of what it cosigned), one process per state file,
// evidence kept, and the HTTP interface of tlog-witness.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fromHex, utf8 } from '../../core/bytes';
import { signCheckpoint } from '../../core/log/checkpoint';
import { parseVerifierKey, type NoteVerifierKey } from '../../core/log/note';
import { proveTree } from '../../core/log/proof';
import { MemoryHashStore, treeHash } from '../../core/log/tree';
import { LOG_VECTOR_ORIGIN, LOG_VECTOR_SECRET, LOG_VECTORS } from '../../core/log/vectors';
import { secretKeySigner } from '../../core/signing/ed25519';
import { formatAddCheckpoint } from '../../core/witness/add-checkpoint';
import { openWitnessKey } from './files';
import { WitnessService } from './service';

const logSigner = secretKeySigner(fromHex(LOG_VECTOR_SECRET));
const logKey = (parseVerifierKey(LOG_VECTORS.verifierKey) as { ok: true; value: NoteVerifierKey }).value;
const dirs: string[] = [];
const services: WitnessService[] = [];
afterEach(() => {
	services.splice(0).forEach((s) => s.close());
	dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function history(n: number, tag = '') {
	const store = new MemoryHashStore();
	for (let i = 0; i < n; i++) store.append(utf8(`entry ${i}${tag}`));
	return {
		checkpoint: async (size: number) => signCheckpoint({ origin: LOG_VECTOR_ORIGIN, size, root: await treeHash(size, store.readHashes) }, LOG_VECTOR_ORIGIN, logSigner),
		request: async (old: number, size: number) => formatAddCheckpoint({ oldSize: old, proof: old ? await proveTree(size, old, store.readHashes) : [], checkpoint: await signCheckpoint({ origin: LOG_VECTOR_ORIGIN, size, root: await treeHash(size, store.readHashes) }, LOG_VECTOR_ORIGIN, logSigner) })
	};
}

function open(dir: string): WitnessService {
	const { key } = openWitnessKey(join(dir, 'key.json'), 'witness.example/test');
	const s = new WitnessService({ key, logs: [logKey], stateFile: join(dir, 'state.json') });
	services.push(s);
	return s;
}

describe('witness service', () => {
	it('persists before answering and carries on after a restart, refusing a fork', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'witness-'));
		dirs.push(dir);
		const h = history(20);
		const a = open(dir);
		expect((await a.addCheckpoint(await h.request(0, 5))).status).toBe(200);
		expect((await a.addCheckpoint(await h.request(5, 12))).status).toBe(200);
		expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).logs[LOG_VECTOR_ORIGIN].size).toBe(12);
		expect(() => open(dir)).toThrow(/another witness \(process \d+\) holds/);
		a.close();
		services.splice(0);

		const b = open(dir); // restarted
		expect(b.state.logs[LOG_VECTOR_ORIGIN].size).toBe(12);
		const stale = await b.addCheckpoint(await h.request(0, 14));
		expect(stale).toMatchObject({ status: 409, body: '12\n' });
		const forked = history(20, ' (forked)');
		const refused = await b.addCheckpoint(await forked.request(12, 16));
		expect(refused.status).toBe(422);
		expect(readdirSync(join(dir, 'evidence'))).toHaveLength(1);
		expect((await b.addCheckpoint(await h.request(12, 20))).status).toBe(200);
	});

	it('serializes concurrent requests: never rolls back to a smaller size', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'witness-'));
		dirs.push(dir);
		const h = history(30);
		const s = open(dir);
		await s.addCheckpoint(await h.request(0, 10));
		const [x, y] = await Promise.all([s.addCheckpoint(await h.request(10, 20)), s.addCheckpoint(await h.request(10, 15))]);
		expect([x.status, y.status]).toEqual([200, 409]);
		expect(s.state.logs[LOG_VECTOR_ORIGIN].size).toBe(20);
	});

	it('speaks tlog-witness over HTTP', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'witness-'));
		dirs.push(dir);
		const h = history(4);
		const s = open(dir);
		const server = s.httpServer();
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		try {
			const ok = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: await h.request(0, 4) });
			expect(ok.status).toBe(200);
			expect(await ok.text()).toMatch(/^— witness\.example\/test [A-Za-z0-9+/=]{104}\n$/);
			const conflict = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: await h.request(0, 4) });
			expect(conflict.status).toBe(409);
			expect(conflict.headers.get('content-type')).toBe('text/x.tlog.size');
			expect(await conflict.text()).toBe('4\n');
			expect((await fetch(`${url}/add-checkpoint`)).status).toBe(405);
			expect(await (await fetch(url)).text()).toContain('cosigned size 4');
			expect(existsSync(join(dir, 'state.json.lock'))).toBe(true);
		} finally {
			server.close();
		}
	});
});
