// What the claim and decision forms hold, checked before anything is signed (docs/protocol.md
// "Claims and notices"): the same limits the log applies, so a form never signs what the server
// would refuse for its shape. The server checks again (and alone knows the parcel, the claim, the
// notice and the log's clock).
import { utf8 } from '../core/bytes';
import { CLAIM_KINDS, CONTESTED_PATTERN, OUTCOMES, type ClaimKind, type Outcome } from '../core/claims/types';
import { textProblem } from '../core/record/text-rules.js';

export const MAX_CLAIM_TEXT_BYTES = 2000;
export const MAX_CONTESTED = 16;
export const MAX_CAUSED = 100;

/** The contested fields a form offers: each part, and the fields people dispute most. */
export const CONTESTED_CHOICES: readonly { value: string; label: string }[] = [
	{ value: 'parcel.geometry', label: 'Boundary (shape)' },
	{ value: 'parcel.recordedArea', label: 'Recorded area' },
	{ value: 'parcel.addressLine', label: 'Address' },
	{ value: 'parcel.landUse', label: 'Land use' },
	{ value: 'title.parties', label: 'Parties (names)' },
	{ value: 'title.rights', label: 'Owners and other rights' },
	{ value: 'valuation.assessments', label: 'Assessments' },
	{ value: 'parcel', label: 'Parcel, other' },
	{ value: 'title', label: 'Title, other' }
];

const PART_LABELS: Record<string, string> = { parcel: 'Parcel', valuation: 'Valuation', title: 'Title', private: 'Private details' };

/** `parcel.geometry` → `Boundary (shape)`; a field the form does not offer → `Title: parties`. */
export function contestedLabel(c: string): string {
	const known = CONTESTED_CHOICES.find((x) => x.value === c);
	if (known) return known.label;
	const [part, field] = c.split('.');
	return field ? `${PART_LABELS[part] ?? part}: ${field}` : `${PART_LABELS[part] ?? part}, other`;
}

export const KIND_LABELS: Record<ClaimKind, string> = { boundary: 'Boundary', ownership: 'Ownership', charge: 'Charge (mortgage, lien)', other: 'Other' };
export const OUTCOME_LABELS: Record<Outcome, string> = { upheld: 'Upheld', rejected: 'Rejected', withdrawn: 'Withdrawn' };

export interface ClaimInput {
	kind: string;
	contested: string[];
	text: string;
	/** A person a registrar files for (goes into the private part, never into the entry). */
	claimantName?: string;
	claimantContact?: string;
}

export interface ClaimDraft {
	kind: ClaimKind;
	contested: string[];
	text: string;
	claimant: { name: string; contact: string } | null;
}

/** Problems by form field (`kind`, `contested`, `text`, `claimant`); empty when the draft is good. */
export type FormIssues = Partial<Record<'kind' | 'contested' | 'text' | 'claimant' | 'outcome' | 'caused', string>>;

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: FormIssues };

/** The record text rule and the byte limit; claim and decision texts may run over several lines. */
export function textIssue(text: string, empty: string, max = MAX_CLAIM_TEXT_BYTES): string | null {
	if (!text.trim()) return empty;
	const bytes = utf8(text).length;
	if (bytes > max) return `At most ${max} bytes (this is ${bytes})`;
	const p = textProblem(text, true);
	return p ? `The text ${p.message}` : null;
}

export function checkClaim(input: ClaimInput): Checked<ClaimDraft> {
	const issues: FormIssues = {};
	if (!(CLAIM_KINDS as string[]).includes(input.kind)) issues.kind = 'Choose what is claimed';
	const contested = [...new Set(input.contested)].sort();
	if (contested.length === 0) issues.contested = 'Choose at least one contested part or field';
	else if (contested.length > MAX_CONTESTED) issues.contested = `At most ${MAX_CONTESTED} fields`;
	else if (contested.some((c) => !CONTESTED_PATTERN.test(c))) issues.contested = 'A contested field is malformed';
	const text = textIssue(input.text, 'Write what is claimed and why');
	if (text) issues.text = text;
	const name = (input.claimantName ?? '').trim();
	const contact = (input.claimantContact ?? '').trim();
	if (contact && !name) issues.claimant = 'Give the claimant’s name with their contact';
	else if (utf8(name).length > 200 || contact.length > 500) issues.claimant = 'Name at most 200 bytes, contact at most 500 characters';
	else if (textProblem(name) || textProblem(contact)) issues.claimant = `The claimant’s details ${(textProblem(name) ?? textProblem(contact))!.message}`;
	if (Object.keys(issues).length) return { ok: false, issues };
	return { ok: true, value: { kind: input.kind as ClaimKind, contested, text: input.text, claimant: name ? { name, contact } : null } };
}

export interface DecisionInput {
	outcome: string;
	text: string;
	/** Change hashes (hex) of the edits the decision caused, one per line or separated by spaces. */
	caused: string;
}

export interface DecisionDraft {
	outcome: Outcome;
	text: string;
	caused: string[];
}

export function checkDecision(input: DecisionInput): Checked<DecisionDraft> {
	const issues: FormIssues = {};
	if (!(OUTCOMES as string[]).includes(input.outcome)) issues.outcome = 'Choose the outcome';
	const text = textIssue(input.text, 'Write the reasons for the decision');
	if (text) issues.text = text;
	const caused = [...new Set(input.caused.split(/[\s,]+/).filter(Boolean).map((h) => h.toLowerCase()))];
	if (caused.some((h) => !/^[0-9a-f]{64}$/.test(h))) issues.caused = 'Each caused edit is a change hash: 64 hex digits';
	else if (caused.length > MAX_CAUSED) issues.caused = `At most ${MAX_CAUSED} edits`;
	if (Object.keys(issues).length) return { ok: false, issues };
	return { ok: true, value: { outcome: input.outcome as Outcome, text: input.text, caused } };
}
