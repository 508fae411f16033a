// The verified history of one parcel: every change of every part (private too: this is staff's
// workspace) as field-level diffs (core crdt/history fieldChanges), each joined to the log entry
// that carries it (by Automerge change hash) with what the browser verified about that entry.
// Changes still in this workstation's outbox are listed as not yet in the log.
import * as Automerge from '@automerge/automerge';
import { fieldChanges, type FieldDiff } from '../core/crdt/history';
import { listConflicts, type Conflict } from '../core/crdt/conflicts';
import { toPlain } from '../core/crdt/document';
import { filesNamedBy, type NamedFile } from '../core/files/named-files';
import type { KeyRegistry } from '../core/log/authority';
import { toHex } from '../core/bytes';
import type { JsonObject } from '../core/record/json';
import { PART_NAMES, type PartName, type Role } from '../core/record/parts';
import type { FieldDatabase } from '../client/db';
import { readDoc } from '../client/doc-packs';
import { loadDoc } from '../client/docs';
import type { VerifiedEntry } from './parcel-open';
import type { ConflictValueView } from './queue';

export interface HistoryRow {
	/** Automerge change hash. */
	hash: string;
	part: PartName;
	index: number | null;
	authorName: string;
	authorRole: Role | null;
	/** Milliseconds: the entry's claimed time, or the change's own time for local changes. */
	claimedTime: number;
	logTime: number | null;
	diffs: FieldDiff[];
	created: boolean;
	resolvedConflict: boolean;
	/** verified: every check passed; failed: see `problem`; withheld: a private body this key may not
	 * read; erased: a private body erased on a legal request. */
	status: 'verified' | 'failed' | 'withheld' | 'erased' | 'local' | 'unknown';
	/** For an erasure entry: what was erased and why. */
	note: string | null;
	/** What failed, for status `failed`. */
	problem: string | null;
	/** Files (photos, documents) the change attached, by the SHA-256 keys it created. */
	files: NamedFile[];
}

export interface PartState {
	part: PartName;
	plain: JsonObject | null;
	conflicts: { path: string; values: ConflictValueView[] }[];
	error: string | null;
}

interface DecodedLocal {
	hash: string;
	actor: string;
	start: number;
	end: number;
	files: NamedFile[];
}

/** Each conflict value with the change that wrote it (op counter within the change's span) and its entry. */
function describeConflicts(conflicts: Conflict[], changes: DecodedLocal[], byAm: Map<string, VerifiedEntry>, registry: KeyRegistry, names: Map<string, string>) {
	return conflicts.map((c) => ({
		path: c.path,
		values: c.values.map((v): ConflictValueView => {
			const counter = Number(v.opId.slice(0, v.opId.indexOf('@')));
			const change = changes.find((x) => x.actor === v.actor && counter >= x.start && counter < x.end);
			const e = change ? byAm.get(change.hash) : undefined;
			const key = e ? registry.get(e.entry.author) : undefined;
			return {
				value: v.value,
				opId: v.opId,
				actor: v.actor,
				author: e ? toHex(e.entry.author) : null,
				authorName: key?.name ?? names.get(v.actor.slice(0, 32)) ?? `unknown key (actor ${v.actor.slice(0, 8)}…)`,
				authorRole: key?.role ?? null,
				authorRevokedAt: key?.revokedAt ?? null,
				device: v.actor.slice(32),
				claimedTime: e?.entry.claimedTime ?? null,
				logTime: e?.entry.logTime ?? null,
				index: e?.index ?? null,
				files: change?.files ?? []
			};
		})
	}));
}

export interface ParcelView {
	parts: PartState[];
	history: HistoryRow[];
}

function problemOf(e: VerifiedEntry): string | null {
	if (!e.signatureOk) return 'the author’s signature does not verify';
	if (!e.inclusionOk) return 'the inclusion proof does not lead to the checkpoint';
	if (e.authorization) return `the log should have refused it: ${e.authorization}`;
	if (e.bodyProblem && e.bodyProblem !== 'withheld' && e.bodyProblem !== 'erased') return e.bodyProblem;
	return null;
}

/** Reads the stored documents; joins every change to its verified entry. */
export async function parcelView(
	db: FieldDatabase,
	parcelId: string,
	entries: VerifiedEntry[],
	registry: KeyRegistry,
	names: Map<string, string>
): Promise<ParcelView> {
	const row = (await readDoc(db, parcelId))?.row;
	const byAm = new Map(entries.filter((e) => e.amHash).map((e) => [e.amHash!, e]));
	const outbox = await db.outbox.where('parcelId').equals(parcelId).toArray();
	const pending = new Set(outbox.map((o) => o.changeHash));
	const parts: PartState[] = [];
	const history: HistoryRow[] = [];
	const joined = new Set<number>();
	for (const part of PART_NAMES) {
		const data = row?.parts[part];
		if (!data) {
			parts.push({ part, plain: null, conflicts: [], error: null });
			continue;
		}
		const loaded = loadDoc(data);
		if (!loaded.ok) {
			parts.push({ part, plain: null, conflicts: [], error: loaded.message });
			continue;
		}
		try {
			const all = Automerge.getAllChanges(loaded.doc);
			const decoded = all.map((c) => Automerge.decodeChange(c));
			const local = new Map(decoded.map((d, i) => [d.hash, all[i]]));
			const spans = decoded.map((d, i) => ({ hash: d.hash, actor: d.actor, start: d.startOp, end: d.startOp + d.ops.length, files: filesNamedBy(all[i]) }));
			const conflicts = describeConflicts(listConflicts(part, loaded.doc), spans, byAm, registry, names);
			parts.push({ part, plain: toPlain(part, loaded.doc), conflicts, error: null });
			for (const s of fieldChanges(loaded.doc, part)) {
				const e = byAm.get(s.hash);
				if (e) joined.add(e.index);
				const key = e ? registry.get(e.entry.author) : undefined;
				const body = local.get(s.hash);
				const isLocal = !e && body !== undefined && pending.has(await sha256Hex(body));
				history.push({
					hash: s.hash,
					part,
					index: e?.index ?? null,
					authorName: key?.name ?? names.get(s.actor.slice(0, 32)) ?? `unknown key (actor ${s.actor.slice(0, 8)}…)`,
					authorRole: key?.role ?? null,
					claimedTime: e?.entry.claimedTime ?? s.time * 1000,
					logTime: e?.entry.logTime ?? null,
					diffs: s.diffs,
					created: s.deps.length === 0,
					resolvedConflict: s.diffs.some((d) => d.resolvedConflict),
					status: e ? (e.verified ? 'verified' : 'failed') : isLocal ? 'local' : 'unknown',
					problem: e ? problemOf(e) : null,
					note: null,
					files: body ? filesNamedBy(body) : []
				});
			}
		} finally {
			Automerge.free(loaded.doc);
		}
	}
	// Entries whose change is not in the documents: withheld private bodies, or changes that failed a check.
	for (const e of entries) {
		if (joined.has(e.index)) continue;
		const key = registry.get(e.entry.author);
		const x = e.entry;
		const note = x.kind === 'erase' ? `Erased ${x.changeHashes.length} private change(s): ${x.reason} (${x.legalBasis})` : null;
		const status: HistoryRow['status'] = !e.verified ? 'failed' : e.bodyProblem === 'withheld' ? 'withheld' : e.bodyProblem === 'erased' ? 'erased' : 'verified';
		history.push({
			hash: e.amHash ?? (e.changeHash || `erase-${e.index}`),
			part: x.kind === 'edit' ? x.part : 'private',
			index: e.index,
			authorName: key?.name ?? `unknown key ${toHex(e.entry.author).slice(0, 12)}…`,
			authorRole: key?.role ?? null,
			claimedTime: e.entry.claimedTime,
			logTime: e.entry.logTime,
			diffs: [],
			created: false,
			resolvedConflict: false,
			status,
			problem: problemOf(e),
			note,
			files: []
		});
	}
	// Log order, then this workstation's unsent changes by time.
	history.sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity) || a.claimedTime - b.claimedTime);
	return { parts, history };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
	return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}
