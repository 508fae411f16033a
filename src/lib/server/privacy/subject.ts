// Subject access request: everything the registry holds about one party, found by name, with the
// log entries (and their inclusion proofs) that wrote each item, so the person can check it.
// Reading the private part for it is itself logged (an access entry per parcel).
import * as Automerge from '@automerge/automerge';
import { toBase64, toHex } from '../../core/bytes';
import { loadPartDoc, toPlain } from '../../core/crdt/document';
import { fieldHistory } from '../../core/crdt/history';
import type { PartDoc } from '../../core/crdt/representation';
import type { KeyRecord } from '../../core/log/authority';
import { decodeEntry } from '../../core/log/entry';
import type { JsonObject, JsonValue } from '../../core/record/json';
import type { PartName } from '../../core/record/parts';
import type { Runtime } from '../runtime';
import { recordAccess } from './access-log';

export const SUBJECT_EXPORT_FORMAT = 'parcel-ledger-subject-export/v1';

export interface SubjectItem {
	part: PartName;
	path: string;
	value: JsonValue;
	/** Indexes of the entries whose changes wrote this path. */
	entries: number[];
}

const norm = (s: string) => s.normalize('NFKC').trim().toLowerCase();
const obj = (v: JsonValue | undefined): JsonObject => (v && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : {});

export async function subjectExport(rt: Runtime, reader: KeyRecord, name: string) {
	const { ledger, projection } = rt;
	const found = await projection.search({ text: name, limit: 500, offset: 0 });
	const checkpoint = ledger.sequencer.checkpoint;
	const size = ledger.sequencer.size;
	const parcels: { parcel: string; items: SubjectItem[] }[] = [];
	const proofs = new Map<number, { entry: string; inclusionProof: string[] }>();

	for (const row of found.rows) {
		const changes = (await ledger.store.changesOfParcel(row.id)).filter((c) => !c.erased);
		const entries = (await ledger.store.entriesOfParcel(row.id)).filter((e) => e.index < size);
		const indexOf = new Map<string, number>();
		for (const e of entries) {
			const d = decodeEntry(e.data);
			if (d.kind === 'edit') indexOf.set(toHex(d.changeHash), e.index);
		}
		const byAm = new Map(changes.map((c) => [c.amHash, indexOf.get(toHex(c.hash))]));
		const docs = new Map<PartName, PartDoc>();
		const plain = (part: PartName): JsonObject => {
			if (!docs.has(part)) {
				const loaded = loadPartDoc(changes.filter((c) => c.part === part).map((c) => c.body));
				if (!loaded.ok) return {};
				docs.set(part, loaded.doc);
			}
			return toPlain(part, docs.get(part)!);
		};
		try {
			const title = plain('title');
			const partyIds = Object.entries(obj(title.parties)).filter(([, p]) => norm(String(obj(p).name ?? '')) === norm(name)).map(([id]) => id);
			if (!partyIds.length) continue;
			await recordAccess(rt, reader, [row.id], 'subject access request');
			const priv = plain('private');
			const items: SubjectItem[] = [];
			const add = (part: PartName, path: string, value: JsonValue | undefined) => {
				if (value === undefined) return;
				const doc = docs.get(part);
				const writers = doc ? fieldHistory(doc, part, path).map((h) => byAm.get(h.hash)).filter((i): i is number => i !== undefined) : [];
				items.push({ part, path, value, entries: [...new Set(writers)] });
			};
			for (const pid of partyIds) {
				add('title', `parties.${pid}`, obj(title.parties)[pid]);
				for (const [rid, r] of Object.entries(obj(title.rights))) if (obj(r).holder === pid) add('title', `rights.${rid}`, r);
				add('private', `contacts.${pid}`, obj(priv.contacts)[pid]);
				add('private', `nationalIds.${pid}`, obj(priv.nationalIds)[pid]);
			}
			for (const i of items.flatMap((x) => x.entries)) {
				if (proofs.has(i)) continue;
				const [stored] = await ledger.store.readEntries(i, i + 1);
				proofs.set(i, { entry: toBase64(stored.data), inclusionProof: (await ledger.inclusionProof(i, size)).map(toBase64) });
			}
			parcels.push({ parcel: row.id, items });
		} finally {
			for (const d of docs.values()) Automerge.free(d);
		}
	}
	return {
		format: SUBJECT_EXPORT_FORMAT,
		subject: name,
		generatedAt: new Date().toISOString(),
		origin: ledger.origin,
		verifierKey: ledger.identity.verifierKey,
		checkpoint,
		treeSize: size,
		parcels,
		entries: Object.fromEntries([...proofs].sort((a, b) => a[0] - b[0]))
	};
}
