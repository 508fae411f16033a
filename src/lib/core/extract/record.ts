// A parcel's public record rebuilt from its public change bodies: the one function both the
// server (writing an extract) and every verifier (checking one) run, so they agree exactly.
import * as Automerge from '@automerge/automerge';
import { loadPartDoc } from '../crdt/document';
import { publicView } from '../crdt/merge';
import type { PartDoc } from '../crdt/representation';
import { getOwn, isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../record/json';

export const PUBLIC_PART_NAMES = ['parcel', 'valuation', 'title'] as const;
export type PublicPartName = (typeof PUBLIC_PART_NAMES)[number];
export const isPublicPartName = (p: string): p is PublicPartName => (PUBLIC_PART_NAMES as readonly string[]).includes(p);

export type PublicChanges = Record<PublicPartName, Uint8Array[]>;

export type RebuiltRecord =
	| {
			ok: true;
			record: JsonObject;
			/** Parts whose document names another parcel: left out, as the projection leaves them out. */
			ignoredParts: PublicPartName[];
	  }
	| { ok: false; message: string };

const idOf = (doc: PartDoc): string | null => (Automerge.isImmutableString(doc.id) ? doc.id.val : null);

/**
 * Loads each public part from its changes (one batch per part), checks that no change waits
 * for a dependency the list lacks, and returns publicView of the result. `private` is not a
 * parameter: it cannot be read here.
 */
export function publicRecordFromChanges(parcelId: string, changes: PublicChanges): RebuiltRecord {
	const docs: Partial<Record<PublicPartName, PartDoc>> = {};
	const ignoredParts: PublicPartName[] = [];
	try {
		for (const part of PUBLIC_PART_NAMES) {
			if (changes[part].length === 0) continue;
			const loaded = loadPartDoc(changes[part]);
			if (!loaded.ok) return { ok: false, message: `the ${part} changes do not load: ${loaded.message}` };
			docs[part] = loaded.doc;
			if (loaded.missingDeps.length > 0) {
				return { ok: false, message: `the ${part} changes depend on ${loaded.missingDeps.length} change(s) the list lacks` };
			}
			if (idOf(loaded.doc) !== parcelId) {
				ignoredParts.push(part);
				Automerge.free(loaded.doc);
				delete docs[part];
			}
		}
		if (!docs.parcel) return { ok: false, message: `no parcel part of ${parcelId} among the changes` };
		const view = publicView({ parcel: docs.parcel, valuation: docs.valuation, title: docs.title });
		if (!view.ok) return { ok: false, message: view.message };
		return { ok: true, record: view.value, ignoredParts };
	} finally {
		for (const doc of Object.values(docs)) Automerge.free(doc);
	}
}

/** The first path at which two JSON values differ ('' when the roots differ), or null when equal. */
export function firstDifference(a: JsonValue | undefined, b: JsonValue | undefined, path = ''): string | null {
	if (isJsonObject(a) && isJsonObject(b)) {
		for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
			const d = firstDifference(getOwn(a, key), getOwn(b, key), path ? `${path}.${key}` : key);
			if (d !== null) return d;
		}
		return null;
	}
	if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
		for (let i = 0; i < a.length; i++) {
			const d = firstDifference(a[i], b[i], `${path}.${i}`);
			if (d !== null) return d;
		}
		return null;
	}
	return jsonEqual(a, b) ? null : path;
}

/** The value at a dotted path, for a difference's message. */
export function at(value: JsonValue, path: string): JsonValue | undefined {
	let v: JsonValue | undefined = value;
	for (const seg of path ? path.split('.') : []) {
		v = v !== null && typeof v === 'object' && Object.hasOwn(v, seg) ? (v as Record<string, JsonValue>)[seg] : undefined;
	}
	return v;
}

/** A value, shortened, for a difference's message. */
export function show(v: JsonValue | undefined): string {
	if (v === undefined) return 'nothing';
	const s = JSON.stringify(v);
	return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
