// What a verified extract means, in plain words, shared by the /verify page and the CLI so that
// both say exactly the same thing.
import type { ExtractCheck, ExtractReport } from './verify';

/** What every verified extract proves. */
export const EXTRACT_PROVES: readonly string[] = [
	'The log whose key is shown signed a checkpoint that contains every entry listed here, at the index shown.',
	'Each entry was signed by the key of its author, and that key was granted (by a registrar, back to the log\'s first entry) a role that may change that part of a parcel in this district.',
	'The public record shown is exactly what the listed public changes produce, byte for byte of their SHA-256.',
	'Private details were changed by the listed entries (who and when); their contents are not in the extract.'
];

/** What a verified v2 extract proves besides: the `complete` check passed. */
export const EXTRACT_PROVES_COMPLETE =
	'The extract is complete up to the checkpoint: every edit of this parcel that the log holds below the checkpoint\'s size, of every part (private ones too), and every claim, decision and notice of it, is listed. The checkpoint signs the parcel map, which counts them, gives the last one\'s index and a digest of them; nothing can be left out or hidden without the check failing.';

export const EXTRACT_DOES_NOT_PROVE: readonly string[] = [
	'That the key is really the registry\'s: compare it with the key the registry publishes (its website, a notice, /log/key). Anyone can make a valid extract for a log of their own.',
	'That nothing changed after the checkpoint: later edits may exist. Download a fresh extract to see them.',
	'That the key entries include every revocation of the editors\' keys: the parcel map counts a parcel\'s edits, not grants and revocations. That the log refused edits by revoked keys is what monitors and auditors check (cli verify).',
	'Legal ownership beyond what the record says: the register shows recorded rights, not a court\'s judgement.'
];

/** What a v1 extract (no map proof) does not prove, in addition. */
export const EXTRACT_V1_NOT_COMPLETE =
	'That the extract lists every edit of this parcel up to the checkpoint: it is an older parcel-ledger-extract/v1 file, without the parcel-map proof that shows it. Download the extract again to have that proven.';

/** What a witnessed checkpoint adds, and what an unwitnessed one leaves open. */
export const EXTRACT_PROVES_WITNESSED =
	'Enough of the witnesses the policy names cosigned the checkpoint: each checked that it extends every checkpoint of this log it saw before, so the log showed them this same history (provided those witnesses are the ones the registry publishes).';
export const EXTRACT_NOT_WITNESSED =
	'That others are shown the same log: the checkpoint lacks the witness cosignatures its policy requires, so nothing shows the log did not show this extract a history it hides from others. Compare the checkpoint with the log\'s current one, or download the extract again later.';

/** The `complete` check of a report that could not be proven either way (a v1 extract), if any. */
export const completenessNotProven = (r: ExtractReport): ExtractCheck | undefined => r.checks.find((c) => c.name === 'complete' && c.notProven);

/** What an extract proves of the parcel's claims (core/extract/disputes.ts; complete: complete.ts's claims leaf). */
export const extractProvesDisputes = (open: number, complete: boolean): string =>
	(complete
		? `The extract lists every claim, decision and notice of this parcel that the log holds below the checkpoint's size (the parcel map counts them), each signed by a key granted to file (or, for decisions and notices, to decide) in its district, following the log's rules; `
		: `The listed claims, decisions and notices of this parcel are in the log, signed by keys granted to file (or, for decisions and notices, to decide) in its district, and follow the log's rules; `) +
	(open === 0 ? 'no claim is open: the parcel is not disputed.' : `${open === 1 ? '1 claim is' : `${open} claims are`} still open: the parcel is disputed.`);
export const EXTRACT_DISPUTES_NOT_COMPLETE =
	'That the extract lists every claim of this parcel: its checkpoint commits to no parcel map that counts claims (an extract of a log before map/v2), so a claim or a decision could be missing. Download the extract again to have that proven.';

/** The claims that hold for this report (meaningful when it verified). */
export function extractClaims(r: ExtractReport): { proves: string[]; doesNotProve: string[] } {
	const proves = r.completeUpTo !== null ? [...EXTRACT_PROVES, EXTRACT_PROVES_COMPLETE] : [...EXTRACT_PROVES];
	const doesNotProve = r.completeUpTo !== null ? [...EXTRACT_DOES_NOT_PROVE] : [EXTRACT_V1_NOT_COMPLETE, ...EXTRACT_DOES_NOT_PROVE];
	if (r.openClaims !== undefined) {
		proves.push(extractProvesDisputes(r.openClaims, r.completeUpTo !== null));
		if (r.completeUpTo === null) doesNotProve.unshift(EXTRACT_DISPUTES_NOT_COMPLETE);
	}
	if (r.witnessed === true) proves.push(EXTRACT_PROVES_WITNESSED);
	if (r.witnessed === false) doesNotProve.unshift(EXTRACT_NOT_WITNESSED);
	return { proves, doesNotProve };
}

/** The verdict's first line. */
export function extractVerdict(r: ExtractReport): string {
	if (!r.ok) return `NOT VERIFIED: ${r.reason ?? 'no checks ran'}`;
	const witnessed = r.witnessed === false && r.witnesses ? `; its checkpoint is NOT WITNESSED (${r.witnesses.cosigned.length} of the ${r.witnesses.quorum} cosignatures the policy requires)` : r.witnessed ? ', witnessed' : '';
	if (r.completeUpTo !== null) return `VERIFIED: extract of parcel ${r.parcel}, complete up to checkpoint ${r.completeUpTo}${witnessed}`;
	return `VERIFIED: extract of parcel ${r.parcel}, but its completeness is NOT PROVEN (an older v1 extract without a map proof)${witnessed}`;
}

/** The report as text, one check per line, then what it proves and what it does not. */
export function extractSummary(r: ExtractReport): string {
	const lines = [extractVerdict(r), ''];
	for (const c of r.checks) lines.push(`${c.notProven ? '?' : c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
	if (r.verifierKey) lines.push('', `Log key (compare it with the one the registry publishes):`, `  ${r.verifierKey}`);
	if (r.ok) {
		const { proves, doesNotProve } = extractClaims(r);
		lines.push('', 'This proves:', ...proves.map((s) => `  • ${s}`));
		lines.push('', 'This does not prove:', ...doesNotProve.map((s) => `  • ${s}`));
	}
	return lines.join('\n');
}
