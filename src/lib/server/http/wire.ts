// The JSON wire format of submissions (docs/protocol.md "Submitting edits"), parsed with valibot
// into core statements. Keys travel as lower-case hex; byte strings (changes, signatures) as base64.
import * as v from 'valibot';
import { fromBase64, fromHex } from '../../core/bytes';
import { PART_NAMES, ROLES } from '../../core/record/parts';
import { changeHash } from '../../core/log/entry';
import type { Submission } from '../../core/log/submission';
import { CLAIM_KINDS, CONTESTED_PATTERN, NOTICE_PARTS, OUTCOMES } from '../../core/claims/types';
import { claimEntryFromWire, type ClaimEntryWire } from '../../core/claims/sign';

/** Most items one request may carry; larger batches are refused whole with 413. */
export const MAX_ITEMS_PER_REQUEST = 2000;

const hexKey = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a 32-byte key in lower-case hex'));
const base64 = v.pipe(v.string(), v.maxLength(1_000_000), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'));
// Any JSON number: a claimed time out of range is refused per item (bad-claimed-time, core/log/submission.ts), not the batch.
const common = { author: hexKey, claimedTime: v.number(), signature: base64 };

const EditItem = v.strictObject({
	kind: v.optional(v.literal('edit')),
	parcel: v.pipe(v.string(), v.maxLength(40)),
	part: v.picklist(PART_NAMES),
	change: base64,
	...common
});
const GrantItem = v.strictObject({
	kind: v.literal('grant'),
	grantee: hexKey,
	role: v.picklist(ROLES),
	name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
	districts: v.pipe(v.array(v.pipe(v.string(), v.maxLength(8))), v.minLength(1), v.maxLength(255)),
	...common
});
const RevokeItem = v.strictObject({
	kind: v.literal('revoke'),
	revoked: hexKey,
	reason: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
	...common
});
const hexHash = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex'));
const EraseItem = v.strictObject({
	kind: v.literal('erase'),
	parcel: v.pipe(v.string(), v.maxLength(40)),
	changeHashes: v.pipe(v.array(hexHash), v.minLength(1), v.maxLength(100)),
	reason: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
	legalBasis: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
	...common
});
const AccessItem = v.strictObject({
	kind: v.literal('access'),
	scope: v.pipe(v.string(), v.maxLength(40)),
	reader: hexKey,
	purpose: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
	...common
});

const index = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
// Texts' byte bounds and the text rule are the entry's own checks (core/claims/body.ts), refused per item.
const claimText = v.pipe(v.string(), v.minLength(1), v.maxLength(2000));
const ClaimItem = v.strictObject({
	kind: v.literal('claim'),
	parcel: v.pipe(v.string(), v.maxLength(40)),
	claimKind: v.picklist(CLAIM_KINDS),
	contested: v.pipe(v.array(v.pipe(v.string(), v.regex(CONTESTED_PATTERN, 'must be a part or part.field'))), v.maxLength(16)),
	notice: v.nullable(index),
	text: claimText,
	files: v.pipe(v.array(v.strictObject({ hash: hexHash, size: index })), v.maxLength(16)),
	...common
});
const DecisionItem = v.strictObject({
	kind: v.literal('decision'),
	parcel: v.pipe(v.string(), v.maxLength(40)),
	claim: index,
	outcome: v.picklist(OUTCOMES),
	text: claimText,
	caused: v.pipe(v.array(hexHash), v.maxLength(100)),
	...common
});
const NoticeItem = v.strictObject({
	kind: v.literal('notice'),
	parcel: v.pipe(v.string(), v.maxLength(40)),
	part: v.picklist(NOTICE_PARTS),
	change: base64,
	deadline: index,
	text: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
	...common
});

export const EditBatch = v.strictObject({
	edits: v.pipe(v.array(EditItem), v.minLength(1, 'send at least one edit'), v.maxLength(MAX_ITEMS_PER_REQUEST))
});
export const KeyBatch = v.strictObject({
	entries: v.pipe(v.array(v.union([GrantItem, RevokeItem, EraseItem, AccessItem, ClaimItem, DecisionItem, NoticeItem])), v.minLength(1), v.maxLength(MAX_ITEMS_PER_REQUEST))
});

/** POST /api/session: a granted key's signature over a fresh nonce. */
export const SignIn = v.strictObject({
	publicKey: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a 32-byte key in hex')),
	nonce: v.pipe(v.string(), v.maxLength(400)),
	signature: v.pipe(v.string(), v.maxLength(200))
});
/** POST /api/registry/exists: parcel ids to look up. */
export const ParcelIds = v.strictObject({ ids: v.pipe(v.array(v.pipe(v.string(), v.maxLength(40))), v.maxLength(10_000)) });

export type EditItem = v.InferOutput<typeof EditItem>;
export type KeyItem = v.InferOutput<typeof GrantItem> | v.InferOutput<typeof RevokeItem> | v.InferOutput<typeof EraseItem> | v.InferOutput<typeof AccessItem> | ClaimEntryWire;

export type WireResult<T> = { ok: true; value: T } | { ok: false; message: string; path?: string };

export function parseWire<S extends v.GenericSchema>(schema: S, input: unknown): WireResult<v.InferOutput<S>> {
	const r = v.safeParse(schema, input);
	if (r.success) return { ok: true, value: r.output };
	const issue = r.issues[0];
	const path = v.getDotPath(issue) ?? undefined;
	return { ok: false, message: path ? `${path}: ${issue.message}` : issue.message, path };
}

/** Decodes one wire item into a submission; malformed byte strings come back as errors. */
export function toSubmission(item: EditItem | KeyItem): WireResult<Submission> {
	try {
		const author = fromHex(item.author);
		const signature = fromBase64(item.signature);
		const base = { author, claimedTime: item.claimedTime };
		if (item.kind === 'claim' || item.kind === 'decision' || item.kind === 'notice') return { ok: true, value: claimEntryFromWire(item) };
		if (item.kind === 'grant') {
			const statement = { kind: 'grant' as const, grantee: fromHex(item.grantee), role: item.role, name: item.name, districts: item.districts, ...base };
			return { ok: true, value: { statement, signature } };
		}
		if (item.kind === 'erase') {
			const statement = { kind: 'erase' as const, parcelId: item.parcel, changeHashes: item.changeHashes.map(fromHex), reason: item.reason, legalBasis: item.legalBasis, ...base };
			return { ok: true, value: { statement, signature } };
		}
		if (item.kind === 'access') {
			const statement = { kind: 'access' as const, scope: item.scope, reader: fromHex(item.reader), purpose: item.purpose, ...base };
			return { ok: true, value: { statement, signature } };
		}
		if (item.kind === 'revoke') {
			const statement = { kind: 'revoke' as const, revoked: fromHex(item.revoked), reason: item.reason, ...base };
			return { ok: true, value: { statement, signature } };
		}
		const change = fromBase64(item.change);
		// The wire carries no hash to trust: the statement is rebuilt with SHA-256 of the bytes received.
		const statement = { kind: 'edit' as const, parcelId: item.parcel, part: item.part, changeHash: changeHash(change), ...base };
		return { ok: true, value: { statement, signature, change } };
	} catch (e) {
		return { ok: false, message: (e as Error).message };
	}
}
