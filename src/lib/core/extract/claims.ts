// What a verified extract means, in plain words, shared by the /verify page and the CLI so that
// both say exactly the same thing.
import type { ExtractReport } from './verify';

export const EXTRACT_PROVES: readonly string[] = [
	'The log whose key is shown signed a checkpoint that contains every entry listed here, at the index shown.',
	'Each entry was signed by the key of its author, and that key was granted (by a registrar, back to the log\'s first entry) a role that may change that part of a parcel in this district.',
	'The public record shown is exactly what the listed public changes produce, byte for byte of their SHA-256.',
	'Private details were changed by the listed entries (who and when); their contents are not in the extract.'
];

export const EXTRACT_DOES_NOT_PROVE: readonly string[] = [
	'That the key is really the registry\'s: compare it with the key the registry publishes (its website, a notice, /log/key). Anyone can make a valid extract for a log of their own.',
	'That nothing changed after the checkpoint: later edits may exist. Download a fresh extract to see them.',
	'That the extract lists every entry about this parcel up to the checkpoint, or every revocation of its editors\' keys: the completeness of the whole log is what monitors and auditors check (cli verify), not one extract.',
	'Legal ownership beyond what the record says: the register shows recorded rights, not a court\'s judgement.'
];

/** The report as text, one check per line, then what it proves and what it does not. */
export function extractSummary(r: ExtractReport): string {
	const lines = [r.ok ? `VERIFIED: extract of parcel ${r.parcel}` : `NOT VERIFIED: ${r.reason ?? 'no checks ran'}`, ''];
	for (const c of r.checks) lines.push(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
	if (r.verifierKey) lines.push('', `Log key (compare it with the one the registry publishes):`, `  ${r.verifierKey}`);
	if (r.ok) {
		lines.push('', 'This proves:', ...EXTRACT_PROVES.map((s) => `  • ${s}`));
		lines.push('', 'This does not prove:', ...EXTRACT_DOES_NOT_PROVE.map((s) => `  • ${s}`));
	}
	return lines.join('\n');
}
