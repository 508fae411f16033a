// Opening a parcel in the registry workspace: fetch its log (GET /api/registry/parcels/<id>),
// verify everything in the browser, and merge the verified changes into the workspace's own
// copy of the parcel's documents (the same Dexie row the save path writes).
// Checks: the checkpoint is signed by the pinned log key and consistent with the last one this
// browser verified (client/checkpoints.ts); each entry's Ed25519 signature; its RFC 9162
// inclusion proof to that checkpoint; each change body's SHA-256 against its entry and its
// Automerge actor against the signer; the signer's authorization replayed from the key entries.
import * as Automerge from '@automerge/automerge';
import { toHex } from '../core/bytes';
import { actorBelongsTo } from '../core/crdt/actors';
import { applyRemoteChanges, loadPartDoc } from '../core/crdt/document';
import { decodeEntry, verifyStatement, type Entry } from '../core/log/entry';
import { leafHash } from '../core/log/hashing';
import { verifyInclusion } from '../core/log/proof';
import { KeyRegistry } from '../core/log/authority';
import type { PartName } from '../core/record/parts';
import type { PublicClaim, PublicNotice } from '../core/claims/types';
import { decodeBase64 } from '../client/base64';
import { advanceCheckpoint, openTrusted } from '../client/checkpoints';
import { browserVerifier, sha256HexAll } from '../client/crypto';
import type { DocRow } from '../client/db';
import { dropFromPacks, readDoc } from '../client/doc-packs';
import { loadDoc } from '../client/docs';
import { getJson } from '../client/http';
import { replayKeyEntry } from '../client/registry';
import type { WorkspaceDeps } from './keys-sync';

interface Bundle {
	parcel: string;
	checkpoint: string;
	size: number;
	entries: { index: number; entry: string; inclusionProof: string[] }[];
	changes: Record<string, string>;
	withheld: string[];
	erased?: string[];
	/** The parcel's claims and notices (issue 21), as the server's projection of their entries. */
	claims?: PublicClaim[];
	notices?: PublicNotice[];
}

export interface VerifiedEntry {
	index: number;
	/** An edit, or a registrar's erasure of private change bodies (docs/privacy.md). */
	entry: Entry & { kind: 'edit' | 'erase' };
	/** SHA-256 of the change (hex), as the entry names it. */
	changeHash: string;
	/** Automerge's hash of the change, when its body was received. */
	amHash: string | null;
	signatureOk: boolean;
	inclusionOk: boolean;
	/** Null when the body was received, hashes right and its actor belongs to the signer ('withheld' and 'erased' are not the log's fault). */
	bodyProblem: string | null;
	/** Null when the signer was authorized at that index; else the refusal. */
	authorization: string | null;
	/** Every check passed (a withheld private body is not a failure of the log). */
	verified: boolean;
}

export interface OpenedParcel {
	parcelId: string;
	checkpointSize: number;
	entries: VerifiedEntry[];
	withheld: number;
	claims: PublicClaim[];
	notices: PublicNotice[];
}

/** The registry as of each edit's index, from the stored key entries (few: replayed in order). */
async function authorizations(deps: WorkspaceDeps, edits: { index: number; entry: Entry }[]): Promise<Map<number, string | null>> {
	const rows = await deps.db.keyEntries.orderBy('index').toArray();
	const keys = rows.map((r) => ({ index: r.index, entry: decodeEntry(decodeBase64(r.entry)) }));
	const registry = new KeyRegistry();
	const out = new Map<number, string | null>();
	let k = 0;
	for (const e of [...edits].sort((a, b) => a.index - b.index)) {
		for (; k < keys.length && keys[k].index < e.index; k++) replayKeyEntry(registry, keys[k].index, keys[k].entry);
		if (e.index >= registry.size) registry.skipTo(e.index);
		const verdict = registry.check(e.entry);
		out.set(e.index, verdict.ok ? null : verdict.message);
	}
	return out;
}

/** `withPrivate: false` asks for public parts only: nothing private is read, so no access entry is logged. */
export async function openParcel(deps: WorkspaceDeps, parcelId: string, withPrivate = true): Promise<OpenedParcel> {
	const bundle = await getJson<Bundle>(deps.fetch, `/api/registry/parcels/${encodeURIComponent(parcelId)}${withPrivate ? '' : '?private=no'}`);
	await advanceCheckpoint(deps, bundle.checkpoint); // the fork alarm if it does not extend what we trust
	const cp = await openTrusted(deps.log, bundle.checkpoint);
	const verifier = await browserVerifier();
	const decoded = bundle.entries.map((b) => {
		const raw = decodeBase64(b.entry);
		return { b, raw, entry: decodeEntry(raw) };
	});
	const edits = decoded.filter(
		(d): d is typeof d & { entry: Entry & { kind: 'edit' | 'erase' } } => (d.entry.kind === 'edit' || d.entry.kind === 'erase') && d.entry.parcelId === parcelId
	);
	const signatures = await Promise.all(edits.map((d) => verifyStatement(deps.log.origin, d.entry, d.entry.signature, verifier)));
	const hashes = Object.keys(bundle.changes);
	const bodies = hashes.map((h) => decodeBase64(bundle.changes[h]));
	const actual = await sha256HexAll(bodies);
	const bodyOf = new Map<string, Uint8Array>();
	hashes.forEach((h, i) => {
		if (actual[i] === h) bodyOf.set(h, bodies[i]);
	});
	const auth = await authorizations(deps, edits.map((d) => ({ index: d.b.index, entry: d.entry })));

	const erased = new Set(bundle.erased ?? []);
	const entries: VerifiedEntry[] = edits.map((d, i) => {
		const changeHash = d.entry.kind === 'edit' ? toHex(d.entry.changeHash) : '';
		const inclusionOk =
			d.b.index < cp.size && verifyInclusion(leafHash(d.raw), d.b.index, cp.size, d.b.inclusionProof.map(decodeBase64), cp.root).ok;
		const body = bodyOf.get(changeHash);
		let bodyProblem: string | null = null;
		let amHash: string | null = null;
		if (d.entry.kind === 'erase') bodyProblem = null;
		else if (!body) bodyProblem = bundle.withheld.includes(changeHash) ? 'withheld' : erased.has(changeHash) ? 'erased' : 'the change body is missing or does not hash to the entry';
		else {
			try {
				const change = Automerge.decodeChange(body);
				amHash = change.hash;
				if (!actorBelongsTo(change.actor, d.entry.author)) bodyProblem = 'the change’s actor does not belong to its signer';
			} catch {
				bodyProblem = 'the change body does not decode';
			}
		}
		const authorization = auth.get(d.b.index) ?? null;
		const verified = signatures[i] && inclusionOk && authorization === null && (bodyProblem === null || bodyProblem === 'withheld' || bodyProblem === 'erased');
		return { index: d.b.index, entry: d.entry, changeHash, amHash, signatureOk: signatures[i], inclusionOk, bodyProblem, authorization, verified };
	});
	// An erasure restarts the private document, when its remaining bodies came with this answer.
	const unusable = await mergeVerified(deps, parcelId, entries, bodyOf, withPrivate && bundle.withheld.length === 0 && entries.some((e) => e.entry.kind === 'erase' && e.verified));
	// A logged change Automerge refuses (issue 22) is left out of the document; its entry says why.
	for (const e of entries) {
		const why = unusable.get(e.changeHash);
		if (why) Object.assign(e, { verified: false, bodyProblem: `Automerge cannot apply this change; it is left out of the document (${why})` });
	}
	return { parcelId, checkpointSize: cp.size, entries, withheld: bundle.withheld.length, claims: bundle.claims ?? [], notices: bundle.notices ?? [] };
}

/**
 * Applies the fully verified changes to the stored documents, part by part, in one transaction.
 * Returns the changes Automerge refuses (by change hash): left out, the rest applied.
 */
async function mergeVerified(deps: WorkspaceDeps, parcelId: string, entries: VerifiedEntry[], bodyOf: Map<string, Uint8Array>, erasure: boolean) {
	const byPart = new Map<PartName, { bodies: Uint8Array[]; hashes: string[] }>();
	for (const e of entries) {
		const body = bodyOf.get(e.changeHash);
		if (!e.verified || !body || e.entry.kind !== 'edit') continue;
		const p = byPart.get(e.entry.part) ?? { bodies: [], hashes: [] };
		p.bodies.push(body);
		p.hashes.push(e.changeHash);
		byPart.set(e.entry.part, p);
	}
	const unusable = new Map<string, string>();
	if (!byPart.size) return unusable;
	const { db } = deps;
	await db.transaction('rw', [db.docs, db.docPacks], async () => {
		const stored = (await readDoc(db, parcelId))?.row;
		const row: DocRow = stored ? { parcelId, parts: { ...stored.parts }, rev: stored.rev + 1 } : { parcelId, parts: {}, rev: 1 };
		// After an erasure the private document restarts from what the log still holds (and the
		// erased bytes leave a download's pack).
		if (erasure) {
			delete row.parts.private;
			await dropFromPacks(db, [parcelId]);
		}
		for (const [part, { bodies, hashes }] of byPart) {
			const data = row.parts[part];
			const base = data ? loadDoc(data) : null;
			if (base && !base.ok) continue; // unreadable local bytes stay for inspection
			const rebase = () => {
				const again = loadDoc(data!);
				if (!again.ok) throw new Error(again.message);
				return again.doc;
			};
			const loaded = base ? applyRemoteChanges(base.doc, bodies, { rebase }) : loadPartDoc(bodies);
			if (!loaded.ok) continue;
			for (const b of loaded.bad) unusable.set(hashes[b.index], b.message);
			row.parts[part] = Automerge.save(loaded.doc);
			Automerge.free(loaded.doc);
		}
		await db.docs.put(row);
	});
	return unusable;
}
