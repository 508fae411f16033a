// Field formats shared by the part schemas. Map keys never contain '.', so dotted field paths
// (`buildings.b1.floors`) are unambiguous; they cannot start with '_', which keeps `__proto__` out.
import * as v from 'valibot';
import { textProblem } from './text-rules.js';

/** Local identifiers: building, party and right ids. */
export const LOCAL_KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const localKey = v.pipe(v.string(), v.regex(LOCAL_KEY, 'must be 1–64 letters, digits, _ or -, not starting with _ or -'));
export const sha256Key = v.pipe(v.string(), v.regex(SHA256_HEX, 'must be a SHA-256 as 64 lower-case hex digits'));
export const yearKey = v.pipe(v.string(), v.regex(/^[12][0-9]{3}$/, 'must be a four-digit year'));

/** A real calendar date: the regex alone would accept 2023-02-30. */
export function isCalendarDate(s: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const t = new Date(Date.UTC(y, mo - 1, d));
	return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

export const isoDate = v.pipe(v.string(), v.check(isCalendarDate, 'must be a date as YYYY-MM-DD'));
export const isoTimestamp = v.pipe(
	v.string(),
	v.check((s) => {
		const m = TIMESTAMP.exec(s);
		return m !== null && isCalendarDate(m[1]);
	}, 'must be a timestamp as YYYY-MM-DDThh:mm[:ss]Z or with an offset')
);

/**
 * The text rule (text-rules.js, docs/protocol.md "Text in records"): no control characters, no
 * bidi embeddings, overrides or isolates; TAB and LF only in multi-line text.
 */
export const safeText = (multiline = false) =>
	v.check<string, (issue: v.CheckIssue<string>) => string>(
		(s) => textProblem(s, multiline) === null,
		(issue) => textProblem(issue.input, multiline)?.message ?? 'contains a character that is not allowed'
	);

/** One line of text, at most `max` characters. */
export const maxText = (max: number) => v.pipe(v.string(), safeText(), v.maxLength(max, `must be at most ${max} characters`));
/** Multi-line text (the Automerge text fields): TAB and LF allowed. */
export const multiLineText = (max: number) => v.pipe(v.string(), safeText(true), v.maxLength(max, `must be at most ${max} characters`));
export const nonEmptyText = (max = 200) =>
	v.pipe(
		v.string(),
		v.check((s) => s.trim().length > 0, 'must not be empty'),
		safeText(),
		v.maxLength(max, `must be at most ${max} characters`)
	);
export const count = v.pipe(v.number(), v.safeInteger('must be a whole number'), v.minValue(0, 'must not be negative'));
export const positiveCount = v.pipe(v.number(), v.safeInteger('must be a whole number'), v.minValue(1, 'must be at least 1'));
export const measure = v.pipe(v.number(), v.finite('must be a finite number'), v.minValue(0, 'must not be negative'));
/** Money in whole currency units: integers keep `total = land + improvements` exact. */
export const money = v.pipe(v.number(), v.safeInteger('must be a whole amount'), v.minValue(0, 'must not be negative'));
