// Verifies a parcel extract with nothing but its own bytes and a signature verifier: no I/O, no
// clock. The /verify page (in the browser) and `cli verify-extract` run exactly this.
import { fromUtf8, toBase64, toHex } from '../bytes';
import { decodeEntry, verifyStatement, type Entry } from '../log/entry';
import { canonicalJson, type JsonObject } from '../record/json';
import type { PartName, Role } from '../record/parts';
import type { SignatureVerifier } from '../signing/ed25519';
import { claimedFormat, EXTRACT_FORMAT, MAX_EXTRACT_BYTES, parseExtract, type ParsedExtract } from './format';
import { checkCompleteness } from './complete';
import { checkGivenFile, filesOfChanges, listedFilesProblem, type ExtractFile } from './files';
import { inclusionFailure, openLogCheckpoint } from './proofs';
import { authorizationProblem, checkChanges, plural, type Decoded } from './checks';
import { at, firstDifference, isPublicPartName, publicRecordFromChanges, show } from './record';
import { checkWitnesses, parsePolicy, type WitnessVerdict } from '../witness/policy';
import { checkDisputes, type ExtractClaim } from './disputes';

export type ExtractCheckName =
	| 'format'
	| 'checkpoint'
	| 'published-key'
	| 'witnesses'
	| 'inclusion'
	| 'entries'
	| 'complete'
	| 'signatures'
	| 'changes'
	| 'authorization'
	| 'record'
	| 'files'
	| 'file'
	| 'claims';

export interface ExtractCheck {
	name: ExtractCheckName;
	ok: boolean;
	detail: string;
	/**
	 * Set (with ok: true) when a check could not be made either way: `complete` of a v1 extract,
	 * which carries no map proof; `witnesses` when the checkpoint lacks the cosignatures the policy
	 * requires. It does not fail the extract, and must be shown as not proven.
	 */
	notProven?: true;
}

export interface ExtractEntrySummary {
	index: number;
	part: PartName;
	author: string;
	/** From the grant entries in the extract; null when it has none for this key. */
	authorName: string | null;
	role: Role | null;
	claimedTime: number;
	logTime: number;
	changeHash: string;
	/** False for private parts: the extract lists the entry, never the change. */
	bodyIncluded: boolean;
}

export interface ExtractReport {
	/** Every check ran and passed. */
	ok: boolean;
	checks: ExtractCheck[];
	/** The first failed check's detail. */
	reason?: string;
	parcel?: string;
	origin?: string;
	/** The key the extract carries: compare it with the one the registry publishes. */
	verifierKey?: string;
	treeSize?: number;
	/** The checkpoint's root hash, base64. */
	root?: string;
	/** The checkpoint's size when the extract is proven to hold every edit of the parcel below it; else null. */
	completeUpTo: number | null;
	/** Whether the checkpoint meets the witness policy; null when there is no policy to check. */
	witnessed: boolean | null;
	/** checkWitnesses' result, when there was a policy. */
	witnesses?: WitnessVerdict;
	entries: ExtractEntrySummary[];
	/** The record rebuilt from the changes; set only when it equals the extract's `record`. */
	record?: JsonObject;
	/** The files the verified public changes name (files.ts); set once the changes verified. */
	files?: ExtractFile[];
	/** Claims listed and still open (disputes.ts): set once they verified; complete when `completeUpTo` is set. */
	openClaims?: number;
	claims?: ExtractClaim[];
}

export interface VerifyExtractOptions {
	verifier: SignatureVerifier;
	/** The verifier key the registry publishes, if the user has it: it must equal the extract's. */
	expectedKey?: string;
	/** A witness policy (text) to check the checkpoint's cosignatures against, instead of the extract's own. */
	policy?: string;
	/** Where `policy` comes from, for the report ("the policy in FILE"). */
	policySource?: string;
	/** Files given with the extract: each is checked (`file`) against the files its public edits name. */
	files?: { name: string; bytes: Uint8Array }[];
}



/** Accepts the file's bytes, its text or the parsed JSON. Never throws on hostile input. */
export async function verifyExtract(input: unknown, o: VerifyExtractOptions): Promise<ExtractReport> {
	const report: ExtractReport = { ok: false, checks: [], entries: [], completeUpTo: null, witnessed: null };
	const add = (name: ExtractCheckName, ok: boolean, detail: string, notProven = false) =>
		report.checks.push(notProven ? { name, ok, detail, notProven } : { name, ok, detail });
	const done = (): ExtractReport => {
		const bad = report.checks.find((c) => !c.ok);
		report.ok = report.checks.length > 0 && !bad;
		if (bad) report.reason = bad.detail;
		return report;
	};

	const json = readJson(input);
	const parsed = json.ok ? parseExtract(json.value) : json;
	if (!parsed.ok) {
		add('format', false, `This is not a valid ${(json.ok && claimedFormat(json.value)) || EXTRACT_FORMAT} file: ${parsed.message}.`);
		return done();
	}
	const x = parsed.value;
	Object.assign(report, { parcel: x.parcel, verifierKey: x.verifierKey });
	add('format', true, `A ${x.format} file for parcel ${x.parcel}: ${plural(x.entries.length, 'entry', 'entries')}, ${plural(x.keys.length, 'key entry', 'key entries')}, ${plural(x.changes.size, 'public change body', 'public change bodies')}.`);

	const opened = await openLogCheckpoint(x.checkpoint, x.verifierKey, o.verifier);
	if (!opened.ok) {
		add('checkpoint', false, `The checkpoint is not validly signed by the extract's key: ${opened.message}.`);
		return done();
	}
	const cp = opened.checkpoint;
	if (cp.origin !== x.origin) {
		add('checkpoint', false, `The extract names the log ${JSON.stringify(x.origin)}, but its checkpoint is of ${JSON.stringify(cp.origin)}.`);
		return done();
	}
	Object.assign(report, { origin: cp.origin, treeSize: cp.size, root: toBase64(cp.root) });
	add('checkpoint', true, `The checkpoint of the log ${cp.origin} at size ${cp.size} (root ${toBase64(cp.root)}) is signed by the key ${opened.key.name}+${opened.key.keyId}.`);

	if (o.expectedKey !== undefined && o.expectedKey.trim() !== '') {
		const expected = o.expectedKey.trim();
		const same = expected === x.verifierKey;
		add('published-key', same, same ? 'The extract\'s key is exactly the key you entered.' : `The extract's key ${x.verifierKey} is not the key you entered (${expected}).`);
	}

	const policyText = o.policy ?? x.witnesses;
	if (policyText !== null && policyText !== undefined) {
		const source = o.policy !== undefined ? (o.policySource ?? 'the policy you gave') : "the extract's own policy (compare its witnesses with the ones the registry publishes)";
		const policy = parsePolicy(policyText);
		if (!policy.ok) {
			add('witnesses', false, `The witness policy is not usable: ${policy.message}.`);
			return done();
		}
		const v = await checkWitnesses(x.checkpoint, policy.value, o.verifier);
		report.witnesses = v;
		report.witnessed = policy.value.witnesses.length === 0 ? null : v.ok;
		add('witnesses', true, `${v.message} (${source})`, !v.ok);
	}

	const order = orderProblem(x);
	const notIncluded = [...x.entries, ...x.keys].map((it) => inclusionFailure(it, cp)).filter((m): m is string => m !== null);
	if (order || notIncluded.length) {
		add('inclusion', false, order ?? `${notIncluded.length} entries are not proven to be in the log: ${notIncluded[0]}.`);
		return done();
	}
	add('inclusion', true, `All ${x.entries.length + x.keys.length} entries are in the log at that checkpoint (RFC 9162 inclusion proofs to its root).`);

	const decoded = decodeAll(x);
	if (!decoded.ok) {
		add('entries', false, decoded.message);
		return done();
	}
	const { entries, keys } = decoded;
	add('entries', true, `Every entry is an edit of parcel ${x.parcel}, and every key entry a grant or a revocation.`);
	report.entries = summaries(entries, keys);

	const complete = checkCompleteness(x, entries, cp);
	add('complete', complete.status !== 'failed', complete.detail, complete.status === 'not-proven');
	if (complete.status === 'complete') report.completeUpTo = complete.upTo;

	const badSignatures: number[] = [];
	for (const { item, e } of [...entries, ...keys]) {
		let valid = false;
		try {
			valid = await verifyStatement(cp.origin, e, e.signature, o.verifier);
		} catch {
			// a verifier that throws has rejected the signature
		}
		if (!valid) badSignatures.push(item.index);
	}
	add(
		'signatures',
		badSignatures.length === 0,
		badSignatures.length ? `The author's signature of entry ${badSignatures[0]} does not verify (${badSignatures.length} in all).` : `All ${entries.length + keys.length} entries are signed by their authors' keys.`
	);

	const changes = checkChanges(x, entries);
	add('changes', changes.problem === null, changes.problem ?? changes.summary);

	const unauthorized = authorizationProblem(entries, keys, new Set(badSignatures));
	add(
		'authorization',
		unauthorized === null,
		unauthorized ?? `Each of the ${entries.length} edits was made by a key that the included key entries show was granted, from the log's first entry on, a role that may write its part in district ${x.parcel.split('-')[0]}, and was not revoked before it.`
	);

	// The claims: those listed are checked one by one; that none is left out is the complete check's.
	const proven = complete.status === 'complete';
	if (x.claims.length) {
		const d = await checkDisputes(x, entries, keys, cp, o.verifier, proven);
		add('claims', d.ok, d.detail, d.ok && !proven);
		if (d.ok) Object.assign(report, { openClaims: d.open, claims: d.claims });
	} else if (proven) {
		add('claims', true, `Open claims: 0. The parcel map of checkpoint ${cp.size} holds no claim, decision or notice of ${x.parcel}: the parcel is not disputed.`);
		Object.assign(report, { openClaims: 0, claims: [] });
	}

	const rebuilt = publicRecordFromChanges(x.parcel, changes.byPart);
	if (!rebuilt.ok) add('record', false, `The public record cannot be rebuilt from the changes: ${rebuilt.message}.`);
	else if (canonicalJson(rebuilt.record) !== canonicalJson(x.record)) {
		const path = firstDifference(rebuilt.record, x.record) ?? '';
		add('record', false, `The record differs from what the changes produce at ${path || 'its root'}: the changes give ${show(at(rebuilt.record, path))}, the extract says ${show(at(x.record, path))}.`);
	} else {
		report.record = rebuilt.record;
		add('record', true, `Rebuilding the public documents from the ${plural(changes.count, 'public change')} gives exactly the record in the extract.`);
	}
	if (changes.problem !== null) return done();
	const named = filesOfChanges(x.changes.values());
	report.files = named;
	if (x.files !== null) {
		const problem = listedFilesProblem(x.files, named);
		add('files', problem === null, problem ?? `The ${plural(x.files.length, 'listed file')} are exactly the files the public changes name, with their sizes.`);
	}
	if (o.files?.length) {
		// One check for all the files given, so a report has each check once.
		const given = o.files.map((g) => checkGivenFile(g.name, g.bytes, named));
		add('file', given.every((g) => g.ok), [...given.filter((g) => !g.ok), ...given.filter((g) => g.ok)].map((g) => g.detail).join(' '));
	}
	return done();
}

function readJson(input: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
	if (!(input instanceof Uint8Array) && typeof input !== 'string') return { ok: true, value: input };
	const size = typeof input === 'string' ? input.length : input.length;
	if (size > MAX_EXTRACT_BYTES) return { ok: false, message: `the file is larger than ${MAX_EXTRACT_BYTES} bytes` };
	try {
		return { ok: true, value: JSON.parse(typeof input === 'string' ? input : fromUtf8(input)) };
	} catch (e) {
		return { ok: false, message: `it is not JSON (${(e as Error).message})` };
	}
}

function orderProblem(x: ParsedExtract): string | null {
	for (const [list, name] of [[x.entries, 'entries'], [x.keys, 'keys']] as const) {
		for (let i = 1; i < list.length; i++) {
			if (list[i].index <= list[i - 1].index) return `The ${name} are not in strictly increasing index order (at ${list[i].index}).`;
		}
	}
	const entryIndexes = new Set(x.entries.map((e) => e.index));
	const shared = x.keys.find((k) => entryIndexes.has(k.index));
	return shared ? `Index ${shared.index} is listed both as an edit and as a key entry.` : null;
}

function decodeAll(x: ParsedExtract): { ok: true; entries: Decoded[]; keys: Decoded[] } | { ok: false; message: string } {
	const entries: Decoded[] = [];
	const keys: Decoded[] = [];
	for (const [list, out] of [[x.entries, entries], [x.keys, keys]] as const) {
		for (const item of list) {
			let e: Entry;
			try {
				e = decodeEntry(item.bytes);
			} catch (err) {
				return { ok: false, message: `Entry ${item.index} does not decode: ${(err as Error).message}.` };
			}
			if (out === entries && (e.kind !== 'edit' || e.parcelId !== x.parcel)) {
				return { ok: false, message: `Entry ${item.index} is not an edit of parcel ${x.parcel}${e.kind === 'edit' ? ` but of ${e.parcelId}` : ''}.` };
			}
			if (out === keys && e.kind === 'edit') return { ok: false, message: `Key entry ${item.index} is an edit, not a grant or revocation.` };
			out.push({ item, e });
		}
	}
	return { ok: true, entries, keys };
}

function summaries(entries: Decoded[], keys: Decoded[]): ExtractEntrySummary[] {
	const grants = new Map<string, { name: string; role: Role }>();
	for (const { e } of keys) if (e.kind === 'grant') grants.set(toHex(e.grantee), { name: e.name, role: e.role });
	return entries.flatMap(({ item, e }) => {
		if (e.kind !== 'edit') return [];
		const author = toHex(e.author);
		const g = grants.get(author);
		return [{
			index: item.index,
			part: e.part,
			author,
			authorName: g?.name ?? null,
			role: g?.role ?? null,
			claimedTime: e.claimedTime,
			logTime: e.logTime,
			changeHash: toHex(e.changeHash),
			bodyIncluded: isPublicPartName(e.part)
		}];
	});
}
