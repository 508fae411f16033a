// Where a CLI write goes: a running server (--server URL, over HTTP like any client) or the local
// data folder (only while no server is running on it; the store's compare-and-swap refuses a
// second writer anyway).
import type { Submission } from '../src/lib/core/log/submission';
import type { Signer } from '../src/lib/core/signing/ed25519';
import { toBase64, toHex } from '../src/lib/core/bytes';
import { signInStatement } from '../src/lib/server/sessions';
import { editToWire, keyEntryToWire } from '../src/lib/core/signing/submit';
import { readConfig } from '../src/lib/server/config';
import { Ledger } from '../src/lib/server/ledger';
import { readLogKeyFile } from '../src/lib/server/log-identity';
import { logKeyPath, openStore } from '../src/lib/server/open-store';
import { openFileStore } from '../src/lib/server/files/open';
import { parseContentRange, receiveChunk } from '../src/lib/server/files/upload';

export interface ItemOutcome {
	status: 'accepted' | 'refused';
	index?: number;
	duplicate?: boolean;
	code?: string;
	message?: string;
}

export interface Target {
	origin: string;
	submit(subs: Submission[]): Promise<ItemOutcome[]>;
	/** Change bodies of one parcel part, in log order. */
	changes(parcelId: string, part: string): Promise<Uint8Array[]>;
	/** A complete file's bytes (a private one needs staff's sign-in); null when not held. */
	readFile(hash: string): Promise<Uint8Array | null>;
	/** Stores a file that the logged change `changeHash` (hex) names, whole, in one chunk. */
	putFile(hash: string, changeHash: string, bytes: Uint8Array): Promise<void>;
	close(): Promise<void>;
}

/** `signer` signs in (for private bodies) when the target is a server. */
export async function openTarget(server: string | undefined, signer?: Signer): Promise<Target> {
	return server ? remoteTarget(server, signer) : localTarget();
}

async function localTarget(): Promise<Target> {
	const config = readConfig();
	const identity = readLogKeyFile(logKeyPath(config));
	const store = await openStore(config);
	const files = await openFileStore(store);
	const ledger = await Ledger.open({ store, identity, onErase: (hashes) => files.forgetChanges(hashes) });
	return {
		origin: ledger.origin,
		submit: (subs) => ledger.submit(subs),
		async changes(parcelId, part) {
			return (await store.changesOfParcel(parcelId)).filter((c) => c.part === part && !c.erased).map((c) => c.body);
		},
		async readFile(hash) {
			const pieces = await files.read(hash);
			if (!pieces) return null;
			const parts: Uint8Array[] = [];
			for await (const p of pieces) parts.push(p);
			return new Uint8Array(Buffer.concat(parts));
		},
		async putFile(hash, changeHash, bytes) {
			const range = parseContentRange(`bytes 0-${bytes.length - 1}/${bytes.length}`, bytes.length);
			await receiveChunk({ files, log: store, hash, changeHash, range, body: new Blob([Uint8Array.from(bytes)]).stream() });
		},
		async close() {
			await ledger.sequencer.drain();
			await store.close();
		}
	};
}

async function signIn(url: (p: string) => string, origin: string, signer: Signer): Promise<string> {
	const { nonce } = (await (await fetch(url('api/session/nonce'), { method: 'POST' })).json()) as { nonce: string };
	const signature = toBase64(await signer.sign(signInStatement(origin, nonce)));
	const res = await fetch(url('api/session'), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ publicKey: toHex(signer.publicKey), nonce, signature })
	});
	const cookie = res.headers.get('set-cookie')?.split(';')[0];
	if (!res.ok || !cookie) throw new Error(`sign-in refused: ${res.status} ${(await res.text()).slice(0, 200)}`);
	return cookie;
}

async function remoteTarget(base: string, signer?: Signer): Promise<Target> {
	const url = (p: string) => new URL(p, base.endsWith('/') ? base : base + '/').toString();
	const keyRes = await fetch(url('log/key'));
	if (!keyRes.ok) throw new Error(`${base} did not serve /log/key (${keyRes.status})`);
	const origin = (await keyRes.text()).trim().split('+')[0];
	const cookie = signer ? await signIn(url, origin, signer) : null;
	const headers = (extra: Record<string, string> = {}) => ({ ...extra, ...(cookie ? { cookie, 'x-purpose': 'operator command' } : {}) });
	return {
		origin,
		async submit(subs) {
			const keys = subs.every((s) => s.statement.kind !== 'edit');
			const body = keys ? { entries: subs.map(keyEntryToWire) } : { edits: subs.map(editToWire) };
			const res = await fetch(url(keys ? 'api/keys' : 'api/edits'), {
				method: 'POST',
				headers: headers({ 'content-type': 'application/json' }),
				body: JSON.stringify(body)
			});
			const json = (await res.json()) as { results?: ItemOutcome[]; error?: { code: string; message: string } };
			if (!json.results) throw new Error(`${res.status}: ${json.error?.code}: ${json.error?.message}`);
			return json.results;
		},
		async changes(parcelId, part) {
			const res = await fetch(url(`api/parcels/${parcelId}/entries`));
			if (!res.ok) throw new Error(`cannot read ${parcelId}: ${res.status}`);
			const { entries } = (await res.json()) as { entries: { kind: string; part?: string; changeHash?: string }[] };
			const out: Uint8Array[] = [];
			for (const e of entries.filter((e) => e.kind === 'edit' && e.part === part)) {
				const c = await fetch(url(`api/changes/${e.changeHash}`), { headers: headers() });
				if (c.status === 410) continue; // erased on a legal request
				if (!c.ok) throw new Error(`cannot read change ${e.changeHash}: ${c.status}${part === 'private' && !cookie ? ' (private parts need --key of staff of that district)' : ''}`);
				out.push(new Uint8Array(await c.arrayBuffer()));
			}
			return out;
		},
		async readFile(hash) {
			const res = await fetch(url(`api/files/${hash}`), { headers: headers() });
			if (res.status === 404) return null;
			if (!res.ok) throw new Error(`cannot read file ${hash}: ${res.status}`);
			return new Uint8Array(await res.arrayBuffer());
		},
		async putFile(hash, changeHash, bytes) {
			const res = await fetch(url(`api/files/${hash}`), {
				method: 'PUT',
				headers: headers({ 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`, 'x-change': changeHash, 'content-type': 'application/octet-stream' }),
				body: Uint8Array.from(bytes)
			});
			if (!res.ok) throw new Error(`file ${hash} was refused: ${res.status} ${(await res.text()).slice(0, 200)}`);
		},
		async close() {}
	};
}

export const describeOutcome = (o: ItemOutcome): string =>
	o.status === 'accepted' ? `accepted at index ${o.index}${o.duplicate ? ' (already in the log)' : ''}` : `refused: ${o.code}: ${o.message}`;

