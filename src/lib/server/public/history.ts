// A parcel's public edit history: one row per log entry, with the author's public name and role
// from the key registry, both times, the index, and for public parts the fields the change wrote
// (crdt/history.ts over that part's document). A private-part row says only that a private
// detail changed: its change body is never read here.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../../core/bytes';
import { loadPartDoc } from '../../core/crdt/document';
import { fieldChanges } from '../../core/crdt/history';
import { isPublicPartName, PUBLIC_PART_NAMES, type PublicPartName } from '../../core/extract/record';
import type { PartName, Role } from '../../core/record/parts';
import type { Ledger } from '../ledger';
import type { ParcelLog } from './parcel-log';
import { formatFieldValue } from './values';

export interface FieldChange {
	path: string;
	/** Short display text of the value; null when the field did not exist (or was removed). */
	before: string | null;
	after: string | null;
}

export interface HistoryRow {
	index: number;
	part: PartName;
	private: boolean;
	author: string;
	authorName: string;
	authorRole: Role | null;
	/** Index of the entry that revoked the author's key later, if it was. */
	authorRevokedAt: number | null;
	claimedTime: number;
	logTime: number;
	changeHash: string;
	/** Fields this change wrote; empty for the private part. */
	changes: FieldChange[];
	/** The change created the part (its first change). */
	created: boolean;
	/** For an erased private change: when, by whom and why (its content is gone for good). */
	erased: { index: number; logTime: number; by: string; reason: string; legalBasis: string } | null;
}

export async function parcelHistory(ledger: Ledger, log: ParcelLog): Promise<HistoryRow[]> {
	const diffs = await publicFieldChanges(ledger, log);
	const erasedBy = new Map<string, HistoryRow['erased']>();
	for (const { index, entry: x } of log.erasures) {
		const by = ledger.sequencer.registry.get(toHex(x.author))?.name ?? 'an unknown key';
		for (const h of x.changeHashes) erasedBy.set(toHex(h), { index, logTime: x.logTime, by, reason: x.reason, legalBasis: x.legalBasis });
	}
	return log.entries.map(({ index, entry: e }) => {
		const author = toHex(e.author);
		const key = ledger.sequencer.registry.get(author);
		const hash = toHex(e.changeHash);
		const d = diffs.get(hash);
		return {
			index,
			part: e.part,
			private: !isPublicPartName(e.part),
			author,
			authorName: key?.name ?? `unknown key ${author.slice(0, 12)}…`,
			authorRole: key?.role ?? null,
			authorRevokedAt: key?.revokedAt ?? null,
			claimedTime: e.claimedTime,
			logTime: e.logTime,
			changeHash: hash,
			changes: d?.changes ?? [],
			created: d?.created ?? false,
			erased: erasedBy.get(hash) ?? null
		};
	});
}

type FieldChanges = Map<string, { changes: FieldChange[]; created: boolean }>;

// What a change wrote never changes, so the field diffs of a parcel's public changes are kept
// per (parcel, last public entry): re-reading a page costs no Automerge work. Least recently
// used first out.
const CACHE_SIZE = 2000;
const cache = new Map<string, FieldChanges>();

async function publicFieldChanges(ledger: Ledger, log: ParcelLog): Promise<FieldChanges> {
	const last = log.entries.findLast((e) => isPublicPartName(e.entry.part));
	const key = `${log.parcel}@${last?.index ?? -1}`;
	const hit = cache.get(key);
	if (hit) {
		cache.delete(key);
		cache.set(key, hit);
		return hit;
	}
	const computed = await computeFieldChanges(ledger, log);
	cache.set(key, computed);
	if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
	return computed;
}

/** SHA-256 hex of each public change → the fields it wrote. One part document at a time. */
async function computeFieldChanges(ledger: Ledger, log: ParcelLog): Promise<FieldChanges> {
	const wanted = new Set(log.entries.filter((e) => isPublicPartName(e.entry.part)).map((e) => toHex(e.entry.changeHash)));
	const byPart = new Map<PublicPartName, { hash: string; amHash: string; body: Uint8Array }[]>();
	for (const c of await ledger.store.changesOfParcel(log.parcel)) {
		if (!isPublicPartName(c.part)) continue; // private bodies stay unread
		const hash = toHex(c.hash);
		if (!wanted.has(hash)) continue;
		const list = byPart.get(c.part) ?? [];
		list.push({ hash, amHash: c.amHash, body: c.body });
		byPart.set(c.part, list);
	}
	const out: FieldChanges = new Map();
	for (const part of PUBLIC_PART_NAMES) {
		const list = byPart.get(part);
		if (!list) continue;
		const loaded = loadPartDoc(list.map((c) => c.body));
		if (!loaded.ok) continue;
		try {
			const byAmHash = new Map(fieldChanges(loaded.doc, part).map((s) => [s.hash, s]));
			for (const c of list) {
				const s = byAmHash.get(c.amHash);
				if (!s) continue;
				out.set(c.hash, {
					created: s.deps.length === 0,
					changes: s.diffs.map((d) => ({
						path: d.path,
						before: formatFieldValue(d.path, d.before),
						after: formatFieldValue(d.path, d.after)
					}))
				});
			}
		} finally {
			Automerge.free(loaded.doc);
		}
	}
	return out;
}
