// Where a CLI write goes: a running server (--server URL, over HTTP like any client) or the local
// data folder (only while no server is running on it; the store's compare-and-swap refuses a
// second writer anyway).
import type { Submission } from '../src/lib/core/log/submission';
import { editToWire, keyEntryToWire } from '../src/lib/core/signing/submit';
import { readConfig } from '../src/lib/server/config';
import { Ledger } from '../src/lib/server/ledger';
import { readLogKeyFile } from '../src/lib/server/log-identity';
import { logKeyPath, openStore } from '../src/lib/server/open-store';

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
	close(): Promise<void>;
}

export async function openTarget(server: string | undefined): Promise<Target> {
	return server ? remoteTarget(server) : localTarget();
}

async function localTarget(): Promise<Target> {
	const config = readConfig();
	const identity = readLogKeyFile(logKeyPath(config));
	const store = await openStore(config);
	const ledger = await Ledger.open({ store, identity });
	return {
		origin: ledger.origin,
		submit: (subs) => ledger.submit(subs),
		async changes(parcelId, part) {
			return (await store.changesOfParcel(parcelId)).filter((c) => c.part === part).map((c) => c.body);
		},
		async close() {
			await ledger.sequencer.drain();
			await store.close();
		}
	};
}

async function remoteTarget(base: string): Promise<Target> {
	const url = (p: string) => new URL(p, base.endsWith('/') ? base : base + '/').toString();
	const keyRes = await fetch(url('log/key'));
	if (!keyRes.ok) throw new Error(`${base} did not serve /log/key (${keyRes.status})`);
	const origin = (await keyRes.text()).trim().split('+')[0];
	return {
		origin,
		async submit(subs) {
			const keys = subs.every((s) => s.statement.kind !== 'edit');
			const body = keys ? { entries: subs.map(keyEntryToWire) } : { edits: subs.map(editToWire) };
			const res = await fetch(url(keys ? 'api/keys' : 'api/edits'), {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			const json = (await res.json()) as { results?: ItemOutcome[]; error?: { code: string; message: string } };
			if (!json.results) throw new Error(`${res.status}: ${json.error?.code}: ${json.error?.message}`);
			return json.results;
		},
		async changes(parcelId, part) {
			const res = await fetch(url(`api/parcels/${parcelId}/entries`));
			if (!res.ok) throw new Error(`cannot read ${parcelId}: ${res.status}`);
			const { entries } = (await res.json()) as { entries: { part?: string; changeHash?: string }[] };
			const out: Uint8Array[] = [];
			for (const e of entries.filter((e) => e.part === part)) {
				const c = await fetch(url(`api/changes/${e.changeHash}`));
				if (!c.ok) throw new Error(`cannot read change ${e.changeHash}: ${c.status} (private parts need a session; use the local data folder)`);
				out.push(new Uint8Array(await c.arrayBuffer()));
			}
			return out;
		},
		async close() {}
	};
}

export const describeOutcome = (o: ItemOutcome): string =>
	o.status === 'accepted' ? `accepted at index ${o.index}${o.duplicate ? ' (already in the log)' : ''}` : `refused: ${o.code}: ${o.message}`;

