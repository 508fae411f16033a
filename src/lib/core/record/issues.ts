// Validation problems as values: every problem, each with the dotted path of the field it is about.
import type { BaseIssue } from 'valibot';
import { getDotPath } from 'valibot';

export interface Issue {
	/** Dotted path from the part's root, e.g. `rights.r1.share`; '' for the part itself. */
	path: string;
	message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** Turns valibot's issues into ours, with plain-language messages for its generic ones. */
export function fromValibot(issues: readonly BaseIssue<unknown>[]): Issue[] {
	return issues.map((issue) => ({ path: getDotPath(issue) ?? '', message: messageOf(issue) }));
}

function messageOf(issue: BaseIssue<unknown>): string {
	// Our own messages (given to the schema) stand; valibot's defaults all begin "Invalid ".
	if (issue.kind !== 'schema' || !issue.message.startsWith('Invalid ')) return issue.message;
	if (issue.type === 'strict_object' && issue.expected === 'never') return 'unknown field';
	if (issue.received === 'undefined') return 'required';
	return `expected ${issue.expected ?? 'a different value'}, got ${issue.received}`;
}

export const issueKey = (i: Issue): string => `${i.path}\u0000${i.message}`;

/** Issues in `after` that were not already in `before`. */
export function newIssues(before: readonly Issue[], after: readonly Issue[]): Issue[] {
	const known = new Set(before.map(issueKey));
	return after.filter((i) => !known.has(issueKey(i)));
}

export function sortIssues(issues: Issue[]): Issue[] {
	return issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.message < b.message ? -1 : 1));
}
