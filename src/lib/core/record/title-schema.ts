// The `title` part, after LADM: parties, rights/restrictions/responsibilities (RRRs) and the
// source documents they rest on. Written by registrars only; public.
import * as v from 'valibot';
import type { Issue } from './issues';
import { isJsonObject, type JsonObject } from './json';
import { count, isoDate, localKey, nonEmptyText, positiveCount, sha256Key, maxText } from './formats';
import { parcelIdSchema } from './parcel-schema';

export const PARTY_KINDS = ['person', 'organization'] as const;
export const RIGHT_TYPES = ['ownership', 'lease', 'mortgage', 'easement', 'restriction', 'responsibility'] as const;
export type RightType = (typeof RIGHT_TYPES)[number];

export const partySchema = v.strictObject({
	name: nonEmptyText(200),
	kind: v.picklist(PARTY_KINDS, 'must be person or organization')
});

/** A share as an exact fraction; 1/3 + 2/3 must be exactly 1, which floats cannot promise. */
export const shareSchema = v.pipe(
	v.strictObject({ num: positiveCount, den: positiveCount }),
	v.check((s) => s.num <= s.den, 'share must be a fraction num/den with 0 < num ≤ den')
);

export const rightSchema = v.strictObject({
	type: v.picklist(RIGHT_TYPES, `must be one of ${RIGHT_TYPES.join(', ')}`),
	/** A key of `parties`. */
	holder: localKey,
	share: shareSchema,
	start: isoDate,
	end: v.optional(isoDate),
	/** A key of `sources`: the document this right rests on. */
	source: v.optional(sha256Key)
});

/** A scanned deed, plan or order; its bytes are a blob addressed by the SHA-256 that keys it. */
export const sourceSchema = v.strictObject({
	kind: nonEmptyText(100),
	title: maxText(300),
	date: isoDate,
	/** bytes */
	size: count
});

export const titleSchema = v.strictObject({
	id: parcelIdSchema,
	parties: v.record(localKey, partySchema),
	rights: v.record(localKey, rightSchema),
	sources: v.record(sha256Key, sourceSchema)
});

export type Party = v.InferOutput<typeof partySchema>;
export type Share = v.InferOutput<typeof shareSchema>;
export type Right = v.InferOutput<typeof rightSchema>;
export type Source = v.InferOutput<typeof sourceSchema>;
export type TitlePart = v.InferOutput<typeof titleSchema>;

const mapAt = (o: unknown, key: string): JsonObject =>
	isJsonObject(o) && Object.hasOwn(o, key) && isJsonObject(o[key]) ? o[key] : {};

const isShare = (s: unknown): s is { num: number; den: number } =>
	isJsonObject(s) &&
	Number.isSafeInteger(s.num) &&
	Number.isSafeInteger(s.den) &&
	(s.num as number) > 0 &&
	(s.num as number) <= (s.den as number);

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** Cross-field rules, run on raw input too so that every problem is reported at once. */
export function titleRules(input: unknown): Issue[] {
	const issues: Issue[] = [];
	const parties = mapAt(input, 'parties');
	const sources = mapAt(input, 'sources');
	const sums = new Map<string, { num: bigint; den: bigint }>();
	for (const [id, r] of Object.entries(mapAt(input, 'rights'))) {
		if (!isJsonObject(r)) continue;
		if (typeof r.holder === 'string' && !Object.hasOwn(parties, r.holder)) {
			issues.push({ path: `rights.${id}.holder`, message: `no party ${JSON.stringify(r.holder)} in parties` });
		}
		if (typeof r.source === 'string' && !Object.hasOwn(sources, r.source)) {
			issues.push({ path: `rights.${id}.source`, message: 'no such document in sources' });
		}
		if (typeof r.start === 'string' && typeof r.end === 'string' && r.end < r.start) {
			issues.push({ path: `rights.${id}.end`, message: 'end must not be before start' });
		}
		if (typeof r.type === 'string' && isShare(r.share)) {
			const sum = sums.get(r.type) ?? { num: 0n, den: 1n };
			const [num, den] = [BigInt(r.share.num), BigInt(r.share.den)];
			sums.set(r.type, { num: sum.num * den + num * sum.den, den: sum.den * den });
		}
	}
	for (const [type, { num, den }] of sums) {
		if (num === den) continue;
		const g = gcd(num, den);
		issues.push({ path: 'rights', message: `shares of ${type} rights sum to ${num / g}/${den / g}; they must sum to exactly 1` });
	}
	return issues;
}
