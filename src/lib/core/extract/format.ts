// The parcel extract (docs/protocol.md "Extracts"): one parcel's public record with everything
// needed to check it offline: its log entries with inclusion proofs, the key entries that
// authorized their authors, the signed checkpoint, the log's verifier key, the parcel map proof
// that shows the entries are all of them (v2), and the public change bodies. Private-part
// entries are listed (the history is complete); their bodies never.
import * as v from 'valibot';
import { fromBase64 } from '../bytes';
import { isJsonObject, type JsonObject } from '../record/json';
import { PARCEL_ID_PATTERN } from '../record/ids';
import type { ExtractFile } from './files';

export const EXTRACT_FORMAT = 'parcel-ledger-extract/v2';
/** The format before the parcel map: still verified, but its completeness is not proven. */
export const EXTRACT_FORMAT_V1 = 'parcel-ledger-extract/v1';
export type ExtractFormat = typeof EXTRACT_FORMAT | typeof EXTRACT_FORMAT_V1;
/** Refuse absurd files before parsing them: a parcel's extract is a few kilobytes. */
export const MAX_EXTRACT_BYTES = 64 * 1024 * 1024;

export interface ExtractItemJson {
	index: number;
	/** The entry bytes, base64 (what the leaf hash covers). */
	entry: string;
	/** RFC 9162 §2.1.3.1 audit path to the checkpoint's tree size, base64 hashes. */
	inclusionProof: string[];
}

export interface ExtractJson {
	format: typeof EXTRACT_FORMAT;
	parcel: string;
	origin: string;
	verifierKey: string;
	/**
	 * The witness policy the log published (docs/protocol.md "Witnesses"), when it names witnesses:
	 * the checkpoint's cosignatures are checked against it. Optional; self-asserted like verifierKey.
	 */
	witnesses?: string;
	/** The signed checkpoint note, exactly as /log/checkpoint served it (with its cosignatures). */
	checkpoint: string;
	/** Every entry naming the parcel, below the checkpoint's size, in index order. */
	entries: ExtractItemJson[];
	/** Grants and revocations of the entries' authors and of whoever granted them, back to entry 0. */
	keys: ExtractItemJson[];
	/** Base64 parcel-map proof (core/map) of the parcel's prefix, against the checkpoint's map line. */
	mapProof: string;
	/** SHA-256 hex → base64 change bytes, for the public-part entries only. */
	changes: Record<string, string>;
	/** v2, optional: the files the public changes name (files.ts), by hash; absent when none. */
	files?: ExtractFile[];
	/** v2, optional: the parcel's claim, decision and notice entries (disputes.ts); absent when none. */
	claims?: ExtractItemJson[];
	/** The public view (crdt/merge.ts publicView) those changes produce. */
	record: JsonObject;
}

/** An extract of the format before the parcel map: the same members but `mapProof`. */
export type ExtractJsonV1 = Omit<ExtractJson, 'format' | 'mapProof' | 'files' | 'claims'> & { format: typeof EXTRACT_FORMAT_V1 };

/** Fixes the member order, so equal extracts are equal bytes. */
export function extractJson(x: Omit<ExtractJson, 'format'>): ExtractJson {
	const changes: Record<string, string> = {};
	for (const hash of Object.keys(x.changes).sort()) changes[hash] = x.changes[hash];
	return {
		format: EXTRACT_FORMAT,
		parcel: x.parcel,
		origin: x.origin,
		verifierKey: x.verifierKey,
		...(x.witnesses !== undefined ? { witnesses: x.witnesses } : {}),
		checkpoint: x.checkpoint,
		entries: x.entries,
		keys: x.keys,
		mapProof: x.mapProof,
		changes,
		...(x.files?.length ? { files: x.files } : {}),
		...(x.claims?.length ? { claims: x.claims } : {}),
		record: x.record
	};
}

export interface ExtractItem {
	index: number;
	bytes: Uint8Array;
	proof: Uint8Array[];
}

export interface ParsedExtract {
	format: ExtractFormat;
	parcel: string;
	origin: string;
	verifierKey: string;
	/** The extract's witness policy text, when it carries one. */
	witnesses: string | null;
	checkpoint: string;
	entries: ExtractItem[];
	keys: ExtractItem[];
	/** The map proof bytes; null in a v1 extract, which has none. */
	mapProof: Uint8Array | null;
	/** Lower-case SHA-256 hex → change bytes. */
	changes: Map<string, Uint8Array>;
	/** The listed files; null when the extract lists none. */
	files: ExtractFile[] | null;
	/** Claim, decision and notice entries (empty when none are listed). */
	claims: ExtractItem[];
	record: JsonObject;
}

const index = v.pipe(v.number(), v.safeInteger('must be a whole number'), v.minValue(0, 'must not be negative'));
const base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'));
const item = v.strictObject({ index, entry: base64, inclusionProof: v.pipe(v.array(base64), v.maxLength(64)) });
const common = {
	parcel: v.pipe(v.string(), v.regex(PARCEL_ID_PATTERN, 'must be a parcel id such as RIV-000123')),
	origin: v.pipe(v.string(), v.minLength(1)),
	verifierKey: v.string(),
	checkpoint: v.string(),
	entries: v.pipe(v.array(item), v.minLength(1, 'an extract lists at least one entry')),
	keys: v.array(item),
	changes: v.record(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex')), base64),
	record: v.custom<JsonObject>(isJsonObject, 'must be a JSON object')
};
const file = v.strictObject({ hash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex')), size: v.nullable(index) });
const FORMAT_MESSAGE = `must be "${EXTRACT_FORMAT}" (or the older "${EXTRACT_FORMAT_V1}")`;
// v2 adds mapProof and, optionally, witnesses and files; a v1 file carries none (unknown members are refused in both).
const schema = v.variant('format', [
	v.strictObject({ format: v.literal(EXTRACT_FORMAT), ...common, witnesses: v.optional(v.pipe(v.string(), v.maxLength(64 * 1024))), mapProof: v.pipe(base64, v.minLength(1, 'must not be empty')), files: v.optional(v.pipe(v.array(file), v.maxLength(100_000))), claims: v.optional(v.pipe(v.array(item), v.maxLength(100_000))) }),
	v.strictObject({ format: v.literal(EXTRACT_FORMAT_V1), ...common })
], FORMAT_MESSAGE);

/** The format a parsed JSON value claims to be, if it is one this verifier knows. */
export const claimedFormat = (input: unknown): ExtractFormat | null => {
	const f = isJsonObject(input) ? input.format : undefined;
	return f === EXTRACT_FORMAT || f === EXTRACT_FORMAT_V1 ? f : null;
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Strict: unknown or missing members, bad base64 and malformed ids are refused, with the path. */
export function parseExtract(input: unknown): Parsed<ParsedExtract> {
	if (!isJsonObject(input)) return { ok: false, message: 'it is not a JSON object' };
	const r = v.safeParse(schema, input);
	if (!r.success) {
		const issue = r.issues[0];
		const path = v.getDotPath(issue) ?? (issue.type === 'variant' ? 'format' : null);
		const message =
			issue.type === 'strict_object' && issue.expected === 'never'
				? 'is not part of the format'
				: issue.type === 'variant'
					? FORMAT_MESSAGE
					: issue.received === 'undefined'
						? 'is missing'
						: issue.message;
		return { ok: false, message: path ? `${path}: ${message}` : message };
	}
	const x = r.output;
	try {
		const items = (list: typeof x.entries, where: string): ExtractItem[] =>
			list.map((it, i) => ({
				index: it.index,
				bytes: decode(it.entry, `${where}.${i}.entry`),
				proof: it.inclusionProof.map((h, k) => decode(h, `${where}.${i}.inclusionProof.${k}`))
			}));
		const changes = new Map<string, Uint8Array>();
		for (const [hash, body] of Object.entries(x.changes)) changes.set(hash, decode(body, `changes.${hash}`));
		return {
			ok: true,
			value: {
				format: x.format,
				parcel: x.parcel,
				origin: x.origin,
				verifierKey: x.verifierKey,
				witnesses: x.format === EXTRACT_FORMAT ? (x.witnesses ?? null) : null,
				checkpoint: x.checkpoint,
				entries: items(x.entries, 'entries'),
				keys: items(x.keys, 'keys'),
				mapProof: x.format === EXTRACT_FORMAT ? decode(x.mapProof, 'mapProof') : null,
				changes,
				files: x.format === EXTRACT_FORMAT ? (x.files ?? null) : null,
				claims: x.format === EXTRACT_FORMAT ? items(x.claims ?? [], 'claims') : [],
				record: x.record
			}
		};
	} catch (e) {
		return { ok: false, message: (e as Error).message };
	}
}

function decode(s: string, path: string): Uint8Array {
	try {
		return fromBase64(s);
	} catch (e) {
		throw new Error(`${path}: ${(e as Error).message}`);
	}
}
