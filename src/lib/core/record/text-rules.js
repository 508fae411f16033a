// Which characters record text may hold (docs/protocol.md "Text in records"). One rule, used by
// the part schemas (device and registry), the server's change check (in worker threads, which
// load this file as plain JavaScript: hence no TypeScript here) and every place that shows text.
//
// Refused in every string: C0 controls but TAB and LF (U+0000–U+0008, U+000B–U+001F: NUL, ESC, CR,
// …), DEL (U+007F), C1 controls (U+0080–U+009F), the bidi embeddings and overrides (U+202A–U+202E)
// and isolates (U+2066–U+2069), and the line and paragraph separators (U+2028, U+2029).
// Multi-line text (the Automerge text fields: parcel notes, private internal notes) may hold TAB
// and LF; every other string is one line and holds neither. The bidi marks (LRM U+200E, RLM
// U+200F, ALM U+061C) are allowed: names in mixed scripts need them, and they cannot reorder a run.

/** Code points refused in every string. */
const ALWAYS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** …and in one-line strings, TAB and LF too. */
const ONE_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
const ALWAYS_G = new RegExp(ALWAYS.source, 'gu');
const ONE_LINE_G = new RegExp(ONE_LINE.source, 'gu');

/**
 * A superset of every refused character, for a quick "could anything here be refused?" test;
 * `\\` is in it because a JSON register escapes control characters (`\u001b`, `\n`).
 */
export const TEXT_SUSPECT = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\\]/u;

const NAMES = /** @type {Record<number, string>} */ ({
	0x00: 'NUL',
	0x09: 'TAB',
	0x0a: 'line feed',
	0x0d: 'carriage return',
	0x1b: 'ESC',
	0x7f: 'DEL',
	0x2028: 'line separator',
	0x2029: 'paragraph separator',
	0x202a: 'left-to-right embedding',
	0x202b: 'right-to-left embedding',
	0x202c: 'pop directional formatting',
	0x202d: 'left-to-right override',
	0x202e: 'right-to-left override',
	0x2066: 'left-to-right isolate',
	0x2067: 'right-to-left isolate',
	0x2068: 'first strong isolate',
	0x2069: 'pop directional isolate'
});

/** `U+001B`, as the rule's messages and the display name characters. */
export function codePointName(/** @type {number} */ cp) {
	return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * The first character the rule refuses in `s`, or null. `multiline`: TAB and LF are allowed.
 * @param {string} s
 * @param {boolean} [multiline]
 * @returns {{ index: number, codePoint: number, message: string } | null}
 */
export function textProblem(s, multiline = false) {
	const m = (multiline ? ALWAYS : ONE_LINE).exec(s);
	if (!m) return null;
	const cp = /** @type {number} */ (m[0].codePointAt(0));
	const name = NAMES[cp] ? ` (${NAMES[cp]})` : '';
	const what = cp >= 0x2028 ? 'a line separator or bidi control' : 'a control character';
	const hint = !multiline && (cp === 0x09 || cp === 0x0a) ? '; this field is one line' : '';
	return { index: m.index, codePoint: cp, message: `contains ${what} ${codePointName(cp)}${name} at character ${m.index + 1}${hint}` };
}

/** Whether the rule allows `s`. */
export function isSafeText(/** @type {string} */ s, multiline = false) {
	return !(multiline ? ALWAYS : ONE_LINE).test(s);
}

/**
 * `s` with every refused character replaced by a visible stand-in, `⟨U+202E⟩`: how a page, an
 * export or the command line shows text that was written before the rule (or by another
 * implementation). Nothing is hidden and nothing can reorder or escape its field.
 * @param {string} s
 * @param {boolean} [multiline]
 */
export function neutralizeText(s, multiline = false) {
	if (typeof s !== 'string' || isSafeText(s, multiline)) return s;
	return s.replace(multiline ? ALWAYS_G : ONE_LINE_G, (c) => `⟨${codePointName(/** @type {number} */ (c.codePointAt(0)))}⟩`);
}

/** The multi-line fields (the Automerge text fields of the parcel and private parts). */
export const MULTILINE_FIELDS = ['notes', 'internalNotes'];

/**
 * A JSON value of a record (a part, a row, a conflict's values) with every string and key
 * neutralized for display; `key` is the field the value sits under (multi-line for the notes).
 * @template T
 * @param {T} x
 * @param {string} [key]
 * @returns {T}
 */
export function neutralizeValue(x, key = '') {
	if (typeof x === 'string') return /** @type {T} */ (neutralizeText(x, MULTILINE_FIELDS.includes(key)));
	if (Array.isArray(x)) return /** @type {T} */ (x.map((v) => neutralizeValue(v, key)));
	if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
		return /** @type {T} */ (Object.fromEntries(Object.entries(x).map(([k, v]) => [neutralizeText(k), neutralizeValue(v, k)])));
	}
	return x;
}
