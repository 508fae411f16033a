// Authorization replayed on the device from the log's own grant and revocation entries (the
// same KeyRegistry the server and auditors use), and author names for people.
import { fromHex } from '../core/bytes';
import { keyActorPrefix } from '../core/crdt/actors';
import { KeyRegistry, type KeyRecord } from '../core/log/authority';
import { decodeEntry, verifyStatement, type Entry } from '../core/log/entry';
import type { SignatureVerifier } from '../core/signing/ed25519';
import { decodeBase64 } from './base64';
import type { FieldDatabase, KeyEntryRow } from './db';

/** An entry as /api/sync, /api/snapshot and /api/log/entries send it (decoded fields ignored). */
export interface EntryJson {
	index: number;
	entry: string;
}

export interface CheckedEntry {
	index: number;
	/** Base64, as received. */
	raw: string;
	/** `raw` decoded, once: the inclusion check hashes these bytes. */
	bytes: Uint8Array;
	entry: Entry;
}

/**
 * Decodes entries and verifies every signature (concurrently). Returns the first problem as a
 * message: a log that serves an entry with a bad signature is not to be followed.
 */
export async function checkEntries(
	origin: string,
	list: EntryJson[],
	verifier: SignatureVerifier
): Promise<{ ok: true; entries: CheckedEntry[] } | { ok: false; message: string; raw: string }> {
	const entries: CheckedEntry[] = [];
	for (const e of list) {
		try {
			const bytes = decodeBase64(e.entry);
			entries.push({ index: e.index, raw: e.entry, bytes, entry: decodeEntry(bytes) });
		} catch (err) {
			return { ok: false, message: `entry ${e.index} does not decode: ${(err as Error).message}`, raw: e.entry };
		}
	}
	const verdicts = await Promise.all(entries.map((c) => verifyStatement(origin, c.entry, c.entry.signature, verifier)));
	const bad = verdicts.findIndex((ok) => !ok);
	if (bad >= 0) return { ok: false, message: `entry ${entries[bad].index} carries a signature that does not verify`, raw: entries[bad].raw };
	return { ok: true, entries };
}

/** The registry after every stored key entry below `below`. */
export async function loadRegistry(db: FieldDatabase, below = Number.MAX_SAFE_INTEGER): Promise<KeyRegistry> {
	const rows = await db.keyEntries.where('index').below(below).sortBy('index');
	const registry = new KeyRegistry();
	for (const row of rows) replayKeyEntry(registry, row.index, decodeEntry(decodeBase64(row.entry)));
	return registry;
}

/** Applies one key entry at its index; returns the refusal message if the log should not have taken it. */
export function replayKeyEntry(registry: KeyRegistry, index: number, entry: Entry): string | null {
	if (index < registry.size) return null; // already replayed
	registry.skipTo(index);
	const verdict = registry.check(entry);
	if (!verdict.ok) {
		registry.skipTo(index + 1);
		return verdict.message;
	}
	registry.apply(entry);
	return null;
}

export const keyEntryRows = (entries: CheckedEntry[]): KeyEntryRow[] =>
	entries.filter((c) => c.entry.kind === 'grant' || c.entry.kind === 'revoke').map((c) => ({ index: c.index, entry: c.raw }));

/** Actor prefix (32 hex digits) → the name its key was granted under. */
export function actorNames(registry: KeyRegistry): Map<string, string> {
	const names = new Map<string, string>();
	for (const k of registry.list()) names.set(keyActorPrefix(fromHex(k.publicKey)), k.name);
	return names;
}

export const authorOf = (names: Map<string, string>, actor: string): string => names.get(actor.slice(0, 32)) ?? `unknown key (${actor.slice(0, 8)}…)`;

export type { KeyRecord };
